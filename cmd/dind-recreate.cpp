#include "common/cli.h"
#include "common/error.h"
#include "common/lock.h"
#include "common/size.h"
#include "common/time.h"
#include "docker/client.h"
#include "recreate/recreate.h"

#include <cstdio>

namespace {

struct Options {
    dind::recreate::Options recreate;
    std::string drain_timeout = "1h", start_timeout = "2m";
    std::string inner_host, inner_cert_path;
    dind::docker::EngineOptions inner;
    std::string lock_file = dind::default_lock_path();
    double wait = 0;
};

double seconds_of(const std::string& option, const std::string& text) {
    auto d = dind::parse_duration(text);
    if (!d) throw dind::usage_error("invalid " + option + " '" + text + "': want a duration such as 1h or 90s");
    return dind::to_seconds(*d);
}

int recreate(const dind::Tool& tool, Options& o) {
    using namespace dind;
    auto& r = o.recreate;
    r.drain_timeout = seconds_of("--drain-timeout", o.drain_timeout);
    r.start_timeout = seconds_of("--start-timeout", o.start_timeout);
    if (!o.inner_host.empty()) {
        docker::EngineOptions inner = o.inner;
        inner.host = o.inner_host;
        if (!o.inner_cert_path.empty()) {
            inner.tlsverify = true;
            if (inner.tlscacert.empty()) inner.tlscacert = o.inner_cert_path + "/ca.pem";
            if (inner.tlscert.empty()) inner.tlscert = o.inner_cert_path + "/cert.pem";
            if (inner.tlskey.empty()) inner.tlskey = o.inner_cert_path + "/key.pem";
        }
        // The inner engine's address is all the user's: the environment's DOCKER_* name the host's.
        r.inner = docker::resolve_endpoint(inner, [](const std::string&) { return std::optional<std::string>(); });
    } else if (!o.inner_cert_path.empty() || o.inner.tlsverify || o.inner.tls || !o.inner.tlscacert.empty() ||
               !o.inner.tlscert.empty() || !o.inner.tlskey.empty()) {
        throw usage_error("the --inner-* TLS options need --inner-host");
    }
    docker::Endpoint endpoint = tool.endpoint();

    std::optional<FileLock> lock;
    if (!r.dry_run) lock.emplace(o.lock_file, o.wait);
    docker::Client host(endpoint);
    recreate::Summary summary;
    bool quiet = tool.common().quiet;
    int code = recreate::run(
        host, r,
        [&](const std::string& line) {
            if (!quiet) write_out(line + "\n");
        },
        summary);
    if (code == exit_ok && !r.dry_run && !quiet) {
        char downtime[32];
        std::snprintf(downtime, sizeof downtime, "%.1fs", summary.downtime_seconds);
        write_out("Reclaimed " + human_size(summary.reclaimed_bytes) + ", waited for " +
                  (summary.jobs_waited_for ? std::to_string(*summary.jobs_waited_for) + " jobs"
                                           : std::string("the runner's jobs")) +
                  ", engine down for " + downtime + "\n");
    }
    return code;
}

} // namespace

int main(int argc, char** argv) {
    dind::Tool tool("dind-recreate", "Recreate the dind engine from scratch to flush its cache, draining jobs first");
    Options o;
    auto& r = o.recreate;
    auto& app = tool.app();
    app.add_option("--dind", r.dind, "The dind container (default gitlab-dind, else the one labelled role=dind)")
        ->option_text("NAME");
    app.add_option("--runner", r.runner, "The runner container (default gitlab-runner, else role=runner)")
        ->option_text("NAME");
    app.add_option("--drain-timeout", o.drain_timeout, "How long the runner may take to finish its jobs (default 1h)")
        ->option_text("DURATION");
    app.add_flag("--force", r.force, "After the drain timeout, kill the runner and its jobs instead of giving up");
    app.add_option("--start-timeout", o.start_timeout, "How long the new engine may take to answer (default 2m)")
        ->option_text("DURATION");
    app.add_option("--image", r.image, "Create the dind container from this image (an upgrade)")->option_text("REF");
    app.add_flag("--keep-storage", r.keep_storage, "Keep the storage volume (recreate without flushing)");
    app.add_flag("-n,--dry-run", r.dry_run, "Print the steps with the real names and sizes; change nothing");
    app.add_option("--inner-host", o.inner_host, "The inner engine, to count running jobs and ping it (tcp://…)")
        ->option_text("URL");
    app.add_option("--inner-cert-path", o.inner_cert_path, "Directory with ca.pem, cert.pem, key.pem for --inner-host")
        ->option_text("DIR");
    app.add_flag("--inner-tls", o.inner.tls, "Use TLS with --inner-host; implied by --inner-tlsverify");
    app.add_flag("--inner-tlsverify", o.inner.tlsverify, "Use TLS with --inner-host and verify the engine");
    app.add_option("--inner-tlscacert", o.inner.tlscacert, "CA for --inner-host")->option_text("FILE");
    app.add_option("--inner-tlscert", o.inner.tlscert, "Client certificate for --inner-host")->option_text("FILE");
    app.add_option("--inner-tlskey", o.inner.tlskey, "Client key for --inner-host")->option_text("FILE");
    app.add_option("--lock-file", o.lock_file, "The lock dind-prune takes too (default " + o.lock_file + ")")
        ->option_text("FILE");
    app.add_option("--wait", o.wait, "Wait this long for the lock instead of exiting 75 (default 0)")
        ->check(CLI::NonNegativeNumber)
        ->option_text("SECONDS");
    tool.add_engine_options();
    return tool.run(argc, argv, [&] { return recreate(tool, o); });
}
