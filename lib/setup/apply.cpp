#include "setup/apply.h"

#include "common/error.h"
#include "docker/parse.h"

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace dind::setup {
namespace {

class Applier {
  public:
    Applier(docker::Client& client, const ApplyOptions& options, const std::function<void(const std::string&)>& say)
        : client_(client), o_(options), say_(say) {}

    bool drift = false;

    void network(const Spec& spec) {
        std::string what = "network " + spec.network;
        auto r = client_.send("GET", "/networks/" + docker::url_encode(spec.network));
        if (r.status == 404) {
            if (!o_.dry_run)
                docker::expect_success(client_.send("POST", "/networks/create", network_body(spec)), "create " + what);
            say_(what + ": " + (o_.dry_run ? "would create" : "created"));
            return;
        }
        docker::expect_success(r, "inspect " + what);
        std::string driver = docker::parse_networks("[" + r.body + "]").front().driver;

        if (driver != "bridge") {
            drift = true;
            say_(what + ": differs:\n  driver: have '" + driver + "', want 'bridge'");
            return;
        }
        say_(what + ": unchanged" + (role_of(r.body).empty() ? " (not created by dind-setup; used as it is)" : ""));
    }

    void volume(const VolumeSpec& v) {
        std::string what = "volume " + v.name;
        auto r = client_.send("GET", "/volumes/" + docker::url_encode(v.name));
        if (r.status == 404) {
            if (!o_.dry_run)
                docker::expect_success(client_.send("POST", "/volumes/create", volume_body(v)), "create " + what);
            say_(what + ": " + (o_.dry_run ? "would create" : "created"));
            return;
        }
        docker::expect_success(r, "inspect " + what);
        say_(what + ": unchanged" + (role_of(r.body).empty() ? " (not created by dind-setup; used as it is)" : ""));
    }

    void image(const std::string& ref) {
        std::string what = "image " + ref;
        auto r = client_.send("GET", "/images/" + docker::url_encode(ref) + "/json");
        bool present = r.status == 200;
        if (!present && r.status != 404) docker::expect_success(r, "inspect " + what);
        if (present && o_.pull != "always") {
            say_(what + ": present");
            return;
        }
        if (o_.pull == "never") throw Error(what + " is not present and --pull never forbids pulling it");
        if (o_.dry_run) {
            say_(what + ": would pull");
            return;
        }
        client_.pull(ref, [&](const std::string& status) {
            if (o_.progress) std::fprintf(stderr, "\r\033[Kpulling %s: %s", ref.c_str(), status.c_str());
            spdlog::debug("pull {}: {}", ref, status);
        });
        if (o_.progress) std::fprintf(stderr, "\r\033[K");
        say_(what + ": pulled");
    }

    void config_dir(const std::string& dir) {
        std::string config = dir + "/config.toml";
        struct stat st {};
        bool have_dir = ::stat(dir.c_str(), &st) == 0;
        bool have_config = ::stat(config.c_str(), &st) == 0;
        if (have_dir && have_config) {
            say_("runner config " + config + ": unchanged");
            return;
        }
        if (o_.dry_run) {
            say_("runner config " + config + ": would create (empty, mode 0600)");
            return;
        }
        // config.toml will hold the runner's token: the directory is the runner's alone.
        if (!have_dir && mkdirs(dir) != 0) throw Error("cannot create " + dir + ": " + std::strerror(errno));
        if (!have_config) {
            int fd = ::open(config.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
            if (fd < 0 && errno != EEXIST) throw Error("cannot create " + config + ": " + std::strerror(errno));
            if (fd >= 0) ::close(fd);
        }
        say_("runner config " + config + ": created (empty, mode 0600)");
    }

    void container(const ContainerSpec& spec) {
        std::string what = "container " + spec.name;
        auto r = client_.send("GET", "/containers/" + docker::url_encode(spec.name) + "/json");
        if (r.status == 404) {
            if (!o_.dry_run) create_and_start(spec);
            say_(what + ": " + (o_.dry_run ? "would create" : "created"));
            return;
        }
        docker::expect_success(r, "inspect " + what);
        if (role_of(r.body) != spec.role)
            throw Error("a container named " + spec.name +
                        " exists that dind-setup did not create; remove or rename it, or choose another name");
        auto diff = differences(r.body, spec);
        std::string id = docker::parse_container_state(r.body).id;
        if (diff.empty()) {
            if (docker::parse_container_state(r.body).running) {
                say_(what + ": unchanged");
            } else {
                if (!o_.dry_run)
                    docker::expect_success(client_.send("POST", "/containers/" + id + "/start"), "start " + what);
                say_(what + ": " + (o_.dry_run ? "would start" : "started"));
            }
            return;
        }
        std::string lines;
        for (const auto& d : diff) lines += "\n  " + d;
        if (!o_.update) {
            drift = true;
            say_(what + ": differs (left alone; --update recreates it):" + lines);
            return;
        }
        if (o_.dry_run) {
            say_(what + ": would recreate:" + lines);
            return;
        }
        docker::expect_success(client_.send("POST", "/containers/" + id + "/stop?t=30"), "stop " + what, true);
        // Without v=1: the named storage and certs volumes stay.
        docker::expect_success(client_.send("DELETE", "/containers/" + id), "remove " + what);
        create_and_start(spec);
        say_(what + ": recreated:" + lines);
    }

  private:
    static int mkdirs(const std::string& dir) {
        for (std::size_t slash = dir.find('/', 1);; slash = dir.find('/', slash + 1)) {
            std::string part = dir.substr(0, slash);
            if (::mkdir(part.c_str(), slash == std::string::npos ? 0700 : 0755) != 0 && errno != EEXIST) return -1;
            if (slash == std::string::npos) return 0;
        }
    }

    void create_and_start(const ContainerSpec& spec) {
        auto r = client_.send("POST", "/containers/create?name=" + docker::url_encode(spec.name), create_body(spec));
        docker::expect_success(r, "create container " + spec.name);
        std::string id = docker::parse_created_id(r.body);
        docker::expect_success(client_.send("POST", "/containers/" + id + "/start"), "start container " + spec.name);
    }

    docker::Client& client_;
    const ApplyOptions& o_;
    const std::function<void(const std::string&)>& say_;
};

} // namespace

int apply(docker::Client& client, const Spec& spec, const std::string& runner_config_dir, const ApplyOptions& options,
          const std::function<void(const std::string&)>& say) {
    Applier a(client, options, say);
    a.network(spec);
    for (const auto& v : spec.volumes) a.volume(v);
    a.image(spec.dind.image);
    if (spec.runner.image != spec.dind.image) a.image(spec.runner.image);
    a.config_dir(runner_config_dir);
    a.container(spec.dind);
    a.container(spec.runner);
    return a.drift ? exit_failed : exit_ok;
}

} // namespace dind::setup
