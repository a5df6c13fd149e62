#include "setup/host.h"

#include "common/atomic_file.h"
#include "common/error.h"
#include "setup/spec.h"

#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace dind::setup {
namespace {

const char* const modprobe_fix = "modprobe overlay";
const char* const modules_fix = "echo overlay >> /etc/modules";
const char* const daemon_json_fix = "set \"storage-driver\": \"overlay2\" in /etc/docker/daemon.json, then "
                                    "systemctl restart docker (switching storage drivers hides every image, "
                                    "container and volume stored under the old driver)";

std::string under(const std::string& root, const std::string& path) {
    if (root.empty() || root == "/") return path;
    return (root.back() == '/' ? root.substr(0, root.size() - 1) : root) + path;
}

bool read_file(const std::string& path, std::string& out) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::ostringstream s;
    s << in.rdbuf();
    out = s.str();
    return true;
}

bool has_line_word(const std::string& text, const std::string& word, std::size_t column) {
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream words(line);
        std::string w;
        for (std::size_t i = 0; i <= column && words >> w; ++i)
            if (i == column && w == word) return true;
    }
    return false;
}

} // namespace

std::vector<Check> host_checks(const std::string& root, const docker::EngineInfo& info) {
    std::vector<Check> out;
    std::string filesystems, modules, etc_modules;
    read_file(under(root, "/proc/filesystems"), filesystems);
    bool as_module = read_file(under(root, "/proc/modules"), modules) && has_line_word(modules, "overlay", 0);
    // /proc/filesystems: "nodev\toverlay"
    bool available = has_line_word(filesystems, "overlay", 1) || has_line_word(filesystems, "overlay", 0) || as_module;
    read_file(under(root, "/etc/modules"), etc_modules);
    bool at_boot = has_line_word(etc_modules, "overlay", 0);

    Check fs{"overlay filesystem", available, "", {}};
    fs.detail = available ? (as_module ? "the overlay module is loaded" : "built into the kernel")
                          : "the kernel has no overlay filesystem loaded";
    if (!available) fs.fixes.push_back(modprobe_fix);
    out.push_back(fs);

    // Only a module needs loading at boot; a kernel with overlay built in needs nothing.
    bool boot_ok = at_boot || (available && !as_module);
    Check boot{"overlay at boot", boot_ok, "", {}};
    boot.detail = at_boot ? "/etc/modules loads overlay"
                          : (boot_ok ? "built into the kernel" : "/etc/modules does not load overlay");
    if (!boot_ok) boot.fixes.push_back(modules_fix);
    out.push_back(boot);

    Check driver{"storage driver", info.driver == "overlay2", "", {}};
    driver.detail = "the engine uses " + (info.driver.empty() ? std::string("an unknown driver") : info.driver) +
                    (driver.ok ? "" : ", not overlay2");
    if (!driver.ok) driver.fixes.push_back(daemon_json_fix);
    out.push_back(driver);

    std::string upstream = upstream_version(info.server_version);
    Check version{"engine version", !upstream.empty(), "", {}};
    version.detail = upstream.empty()
                         ? "cannot tell the engine's version from '" + info.server_version + "'"
                         : info.server_version + ": the dind image defaults to docker:" + upstream + "-dind";
    if (!version.ok) version.fixes.push_back("give --dind-image");
    out.push_back(version);
    return out;
}

std::string render_checks(const std::vector<Check>& checks) {
    std::string out;
    for (const auto& c : checks) {
        out += std::string(c.ok ? "ok       " : "problem  ") + c.name + ": " + c.detail + "\n";
        for (const auto& f : c.fixes) out += "         fix: " + f + "\n";
    }
    return out;
}

std::string merge_daemon_json(const std::string& existing, const std::string& driver) {
    rapidjson::Document doc;
    if (existing.find_first_not_of(" \t\r\n") == std::string::npos) {
        doc.SetObject();
    } else {
        doc.Parse(existing.c_str());
        if (doc.HasParseError() || !doc.IsObject())
            throw usage_error("/etc/docker/daemon.json is not a JSON object: fix it by hand first");
    }
    auto& a = doc.GetAllocator();
    rapidjson::Value value(driver.c_str(), a);
    if (doc.HasMember("storage-driver"))
        doc["storage-driver"] = value;
    else
        doc.AddMember("storage-driver", value, a);
    rapidjson::StringBuffer buf;
    rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buf);
    w.SetIndent(' ', 2);
    doc.Accept(w);
    return std::string(buf.GetString()) + "\n";
}

std::vector<std::string> fix_host(const std::string& root, const std::vector<Check>& checks) {
    std::vector<std::string> done;
    auto failed = [&](const std::string& name) {
        for (const auto& c : checks)
            if (c.name == name) return !c.ok;
        return false;
    };
    if (failed("overlay filesystem")) {
        if (root.empty() || root == "/") {
            pid_t pid = ::fork();
            if (pid == 0) {
                ::execlp("modprobe", "modprobe", "overlay", static_cast<char*>(nullptr));
                ::_exit(127);
            }
            int status = 0;
            if (pid < 0 || ::waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
                throw Error("modprobe overlay failed");
            done.push_back("loaded the overlay module (modprobe overlay)");
        } else {
            done.push_back("skipped modprobe overlay: --host-root is not /");
        }
    }
    if (failed("overlay at boot")) {
        std::string path = under(root, "/etc/modules"), text;
        read_file(path, text);
        if (!text.empty() && text.back() != '\n') text += '\n';
        write_file_atomically(path, text + "overlay\n");
        done.push_back("added overlay to " + path);
    }
    if (failed("storage driver")) {
        std::string path = under(root, "/etc/docker/daemon.json"), text;
        bool existed = read_file(path, text);
        if (!existed && ::mkdir(under(root, "/etc/docker").c_str(), 0755) != 0 && errno != EEXIST)
            throw Error("cannot create " + under(root, "/etc/docker") + ": " + std::strerror(errno));
        std::string merged = merge_daemon_json(text, "overlay2");
        if (existed) {
            write_file_atomically(path + ".bak", text);
            done.push_back("kept the old daemon.json as " + path + ".bak");
        }
        write_file_atomically(path, merged);
        done.push_back("set storage-driver overlay2 in " + path +
                       "; restart the engine yourself (systemctl restart docker): images, containers and volumes "
                       "stored under the old driver will not be visible any more");
    }
    return done;
}

} // namespace dind::setup
