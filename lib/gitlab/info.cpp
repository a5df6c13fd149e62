#include "gitlab/info.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <sys/utsname.h>

namespace dind::gitlab {

std::string host_architecture() {
    struct utsname u {};
    if (::uname(&u) != 0) return "";
    std::string m = u.machine;
    if (m == "x86_64") return "amd64";
    if (m == "aarch64" || m == "arm64") return "arm64";
    if (m == "i386" || m == "i686") return "386";
    if (m.rfind("armv", 0) == 0) return "arm";
    if (m == "ppc64le") return "ppc64le";
    if (m == "s390x") return "s390x";
    if (m == "riscv64") return "riscv64";
    return m;
}

std::string runner_info_json(const std::string& runner_version, const std::string& architecture) {
    // What gitlab-runner's docker executor announces (common.FeaturesInfo); "session" and
    // "terminal" need a [session_server], which this config does not set up.
    static const char* features[] = {
        "variables",
        "image",
        "services",
        "artifacts",
        "cache",
        "fallback_cache_keys",
        "shared",
        "upload_multiple_artifacts",
        "upload_raw_artifacts",
        "refspecs",
        "masking",
        "raw_variables",
        "artifacts_exclude",
        "multi_build_steps",
        "trace_reset",
        "trace_checksum",
        "trace_size",
        "vault_secrets",
        "cancelable",
        "return_exit_code",
        "service_variables",
        "service_multiple_aliases",
        "image_executor_opts",
        "service_executor_opts",
        "cancel_gracefully",
    };
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    auto str = [&](const char* key, const std::string& value) {
        w.Key(key);
        w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
    };
    w.StartObject();
    str("name", "gitlab-runner");
    if (!runner_version.empty()) str("version", runner_version);
    str("platform", "linux");
    if (!architecture.empty()) str("architecture", architecture);
    str("executor", "docker");
    str("shell", "bash");
    w.Key("features");
    w.StartObject();
    for (const char* f : features) {
        w.Key(f);
        w.Bool(true);
    }
    w.EndObject();
    w.EndObject();
    return buf.GetString();
}

} // namespace dind::gitlab
