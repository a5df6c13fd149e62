// dind-setup's spec: names, images, commands, environments, mounts; drift detection against
// real inspect answers; host checks on hand-made trees; the daemon.json merge.
#include "../fixtures.h"
#include "common/error.h"
#include "common/toolkit.h"
#include "setup/host.h"
#include "setup/spec.h"

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include <cstdlib>
#include <fstream>
#include <sys/stat.h>

using namespace dind;
using namespace dind::setup;

namespace {

// The options the fixtures were made with.
SetupOptions fixture_options() {
    SetupOptions o;
    o.dind_image = "dindtest/dind:stand-in";
    o.runner_image = "dindtest/runner:stand-in";
    o.runner_config_dir = "/tmp/srv-gr";
    o.privileged = false;
    return o;
}

// A host tree with proc, etc and etc/docker.
struct Tree {
    test::TempDir dir;
    std::string root = dir.path;
    Tree() {
        for (auto d : {"/proc", "/etc", "/etc/docker"}) ::mkdir((root + d).c_str(), 0755);
    }
    void write(const std::string& path, const std::string& text) const { test::spit(root + path, text); }
    std::string read(const std::string& path) const { return test::slurp(root + path); }
};

docker::EngineInfo engine(const std::string& driver = "overlay2") {
    docker::EngineInfo i;
    i.driver = driver;
    i.server_version = "20.10.24+dfsg1";
    return i;
}

} // namespace

TEST_CASE("the dind image follows the engine's upstream version", "[setup]") {
    CHECK(upstream_version("20.10.24+dfsg1") == "20.10.24");
    CHECK(upstream_version("24.0.7-1ubuntu1") == "24.0.7");
    CHECK(upstream_version("27.3.1") == "27.3.1");
    CHECK(default_dind_image("20.10.24+dfsg1") == "docker:20.10.24-dind");
    CHECK_THROWS_AS(default_dind_image("dev"), Error);
}

TEST_CASE("the default spec is the seed setup, with TLS and a named storage volume", "[setup]") {
    Spec s = make_spec(SetupOptions{}, "20.10.24+dfsg1");
    CHECK(s.network == "gitlab-runner-net");
    CHECK(s.network_labels.at(role_label) == "network");
    REQUIRE(s.volumes.size() == 2);
    CHECK(s.volumes[0].name == "gitlab-dind-storage");
    CHECK(s.volumes[1].name == "gitlab-dind-certs");
    CHECK(s.dind.image == "docker:20.10.24-dind");
    CHECK(s.dind.hostname == "gitlab-dind");
    CHECK(s.dind.cmd == std::vector<std::string>{"--storage-driver=overlay2"});
    CHECK(s.dind.env == std::vector<std::string>{"DOCKER_TLS_CERTDIR=/certs"});
    CHECK(s.dind.privileged);
    CHECK(s.dind.restart == "always");
    CHECK(s.dind.labels.at(role_label) == "dind");
    REQUIRE(s.dind.mounts.size() == 2);
    CHECK(s.dind.mounts[0].source == "gitlab-dind-storage");
    CHECK(s.dind.mounts[0].target == "/var/lib/docker");
    CHECK(s.runner.image == "gitlab/gitlab-runner:alpine");
    CHECK_FALSE(s.runner.privileged);
    CHECK(s.runner.env == std::vector<std::string>{"DOCKER_HOST=tcp://gitlab-dind:2376", "DOCKER_TLS_VERIFY=1",
                                                   "DOCKER_CERT_PATH=/certs/client"});
    REQUIRE(s.runner.mounts.size() == 2);
    CHECK(s.runner.mounts[0].type == "bind");
    CHECK(s.runner.mounts[0].source == "/srv/gitlab-runner");
    CHECK(s.runner.mounts[0].target == "/etc/gitlab-runner");
    CHECK(s.runner.mounts[1].read_only);
}

TEST_CASE("--no-tls gives the seed's plain 2375; --mtu reaches the inner engine", "[setup]") {
    SetupOptions o;
    o.tls = false;
    o.mtu = 1360;
    o.runtime = "sysbox-runc";
    Spec s = make_spec(o, "27.3.1");
    CHECK(s.volumes.size() == 1);
    CHECK(s.dind.env == std::vector<std::string>{"DOCKER_TLS_CERTDIR="});
    CHECK(s.dind.cmd == std::vector<std::string>{"--storage-driver=overlay2", "--mtu=1360"});
    CHECK(s.dind.runtime == "sysbox-runc");
    CHECK(s.runner.env == std::vector<std::string>{"DOCKER_HOST=tcp://gitlab-dind:2375"});
    CHECK(s.runner.absent_env == std::vector<std::string>{"DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH"});
}

TEST_CASE("bad setup options are usage errors", "[setup]") {
    SetupOptions o;
    o.pull = "sometimes";
    CHECK_THROWS_WITH(make_spec(o, "27.3.1"), "invalid --pull 'sometimes': want missing, always or never");
    o = {};
    o.mtu = 100;
    CHECK_THROWS_WITH(make_spec(o, "27.3.1"), "invalid --mtu 100: want 576 to 65535");
    o = {};
    o.runner_config_dir = "relative";
    CHECK_THROWS_WITH(make_spec(o, "27.3.1"), "--runner-config-dir must be an absolute path, not 'relative'");
}

TEST_CASE("create bodies carry everything the spec says and publish no port", "[setup]") {
    Spec s = make_spec(SetupOptions{}, "27.3.1");
    rapidjson::Document d;
    d.Parse(create_body(s.dind).c_str());
    REQUIRE(d.IsObject());
    CHECK(std::string(d["Image"].GetString()) == "docker:27.3.1-dind");
    CHECK(std::string(d["Hostname"].GetString()) == "gitlab-dind");
    CHECK(d["HostConfig"]["Privileged"].GetBool());
    CHECK(std::string(d["HostConfig"]["RestartPolicy"]["Name"].GetString()) == "always");
    CHECK(std::string(d["HostConfig"]["NetworkMode"].GetString()) == "gitlab-runner-net");
    CHECK(d["HostConfig"]["Mounts"].Size() == 2);
    CHECK_FALSE(d["HostConfig"].HasMember("PortBindings"));
    CHECK_FALSE(d.HasMember("ExposedPorts"));
    CHECK(std::string(d["NetworkingConfig"]["EndpointsConfig"]["gitlab-runner-net"]["Aliases"][0].GetString()) ==
          "gitlab-dind");
}

TEST_CASE("a container made from the spec matches it; a changed option shows field by field", "[setup]") {
    Spec s = make_spec(fixture_options(), "20.10.24+dfsg1");
    std::string dind = test::fixture("api-1.41-inspect-dind.json");
    std::string runner = test::fixture("api-1.41-inspect-runner.json");
    CHECK(differences(dind, s.dind).empty());
    CHECK(differences(runner, s.runner).empty());
    CHECK(role_of(dind) == "dind");
    CHECK(role_of(runner) == "runner");

    SetupOptions o = fixture_options();
    o.tls = false;
    o.mtu = 1400;
    o.dind_image = "docker:27-dind";
    Spec t = make_spec(o, "20.10.24+dfsg1");
    CHECK(differences(dind, t.dind) ==
          std::vector<std::string>{"image: have 'dindtest/dind:stand-in', want 'docker:27-dind'",
                                   "command: have '[--storage-driver=overlay2]', want '[--storage-driver=overlay2 "
                                   "--mtu=1400]'",
                                   "env DOCKER_TLS_CERTDIR: have '/certs', want ''",
                                   "mount /certs/client: have volume gitlab-dind-certs, want none"});
    CHECK(differences(runner, t.runner) ==
          std::vector<std::string>{"env DOCKER_HOST: have 'tcp://gitlab-dind:2376', want 'tcp://gitlab-dind:2375'",
                                   "env DOCKER_TLS_VERIFY: have '1', want it unset",
                                   "env DOCKER_CERT_PATH: have '/certs/client', want it unset",
                                   "mount /certs/client: have volume gitlab-dind-certs, want none"});

    o = fixture_options();
    o.network = "other-net";
    o.privileged = true;
    o.storage_volume = "other-storage";
    t = make_spec(o, "20.10.24+dfsg1");
    CHECK(differences(dind, t.dind) ==
          std::vector<std::string>{"mount /var/lib/docker: have volume gitlab-dind-storage, want volume other-storage",
                                   "network: have [gitlab-runner-net], want other-net",
                                   "privileged: have 'false', want 'true'"});
}

TEST_CASE("host checks on a tree: all good", "[setup][host]") {
    Tree t;
    t.write("/proc/filesystems", "nodev\tsysfs\nnodev\toverlay\n");
    t.write("/proc/modules", "overlay 151552 0 - Live 0x0000000000000000\n");
    t.write("/etc/modules", "# modules\noverlay\n");
    auto checks = host_checks(t.root, engine());
    for (const auto& c : checks) CHECK(c.ok);
    CHECK(render_checks(checks) == "ok       overlay filesystem: the overlay module is loaded\n"
                                   "ok       overlay at boot: /etc/modules loads overlay\n"
                                   "ok       storage driver: the engine uses overlay2\n"
                                   "ok       engine version: 20.10.24+dfsg1: the dind image defaults to "
                                   "docker:20.10.24-dind\n");
    CHECK(fix_host(t.root, checks).empty());
}

TEST_CASE("host checks on a tree: overlay built into the kernel needs no /etc/modules line", "[setup][host]") {
    Tree t;
    t.write("/proc/filesystems", "nodev\toverlay\n");
    auto checks = host_checks(t.root, engine());
    CHECK(checks[0].ok);
    CHECK(checks[1].ok);
    CHECK(checks[1].detail == "built into the kernel");
}

TEST_CASE("host checks on a tree: every problem names its fix; --fix-host applies the safe ones", "[setup][host]") {
    Tree t;
    t.write("/proc/filesystems", "nodev\tsysfs\n");
    t.write("/proc/modules", "");
    t.write("/etc/modules", "loop");
    t.write("/etc/docker/daemon.json", "{\"log-driver\": \"json-file\", \"storage-driver\": \"vfs\"}");
    auto checks = host_checks(t.root, engine("vfs"));
    std::string text = render_checks(checks);
    CHECK(text.find("problem  overlay filesystem: the kernel has no overlay filesystem loaded\n"
                    "         fix: modprobe overlay\n") == 0);
    CHECK(text.find("problem  overlay at boot: /etc/modules does not load overlay\n"
                    "         fix: echo overlay >> /etc/modules\n") != std::string::npos);
    CHECK(text.find("problem  storage driver: the engine uses vfs, not overlay2\n"
                    "         fix: set \"storage-driver\": \"overlay2\" in /etc/docker/daemon.json") !=
          std::string::npos);
    CHECK(text.find("switching storage drivers hides every image") != std::string::npos);

    auto done = fix_host(t.root, checks);
    CHECK(done.front() == "skipped modprobe overlay: --host-root is not /");
    CHECK(t.read("/etc/modules") == "loop\noverlay\n");
    CHECK(t.read("/etc/docker/daemon.json.bak") == "{\"log-driver\": \"json-file\", \"storage-driver\": \"vfs\"}");
    rapidjson::Document d;
    d.Parse(t.read("/etc/docker/daemon.json").c_str());
    CHECK(std::string(d["log-driver"].GetString()) == "json-file");
    CHECK(std::string(d["storage-driver"].GetString()) == "overlay2");
    CHECK(done.back().find("restart the engine yourself") != std::string::npos);
}

TEST_CASE("daemon.json merge keeps every other key", "[setup][host]") {
    CHECK(merge_daemon_json("", "overlay2") == "{\n  \"storage-driver\": \"overlay2\"\n}\n");
    rapidjson::Document d;
    d.Parse(merge_daemon_json("{\"mtu\": 1400, \"dns\": [\"1.1.1.1\"]}", "overlay2").c_str());
    CHECK(d["mtu"].GetInt() == 1400);
    CHECK(std::string(d["dns"][0].GetString()) == "1.1.1.1");
    CHECK(std::string(d["storage-driver"].GetString()) == "overlay2");
    try {
        merge_daemon_json("[1, 2]", "overlay2");
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.exit_code() == exit_usage);
    }
}
