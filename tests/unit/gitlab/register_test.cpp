#include "../fixtures.h"
#include "common/error.h"
#include "fake_http.h"
#include "gitlab/engine.h"
#include "gitlab/register.h"
#include "gitlab/system_id.h"

#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace gitlab = dind::gitlab;
using gitlab::testing::FakeHttp;

using dind::test::slurp;
using dind::test::spit;
using dind::test::TempDir;

namespace {

dind::docker::Getenv env_of(std::map<std::string, std::string> vars) {
    return [vars](const std::string& name) -> std::optional<std::string> {
        auto it = vars.find(name);
        if (it == vars.end()) return std::nullopt;
        return it->second;
    };
}

template <typename F>
std::pair<std::string, int> error_of(F&& f) {
    try {
        f();
    } catch (const dind::Error& e) {
        return {e.what(), e.exit_code()};
    }
    return {"(nothing thrown)", -1};
}

class Forward : public gitlab::HttpClient {
  public:
    explicit Forward(FakeHttp& to) : to_(to) {}
    gitlab::HttpResponse perform(const gitlab::HttpRequest& r) override { return to_.perform(r); }

  private:
    FakeHttp& to_;
};

// A run of dind-register's library against FakeHttp, in a scratch directory.
struct Run {
    TempDir dir;
    FakeHttp http;
    std::string out;
    gitlab::RegisterOptions o;
    gitlab::Context cx;
    std::map<std::string, std::string> vars;

    Run() {
        o.url = "https://gitlab.example.com/";
        o.name = "r1";
        o.config = dir.path + "/etc/config.toml";
        cx.read_stdin = [] { return std::string(); };
        cx.probe_engine = [] { return gitlab::EngineFacts{"docker:27.3.1", "17.5.0", "test"}; };
        cx.make_http = [this](const gitlab::HttpOptions&) { return std::make_unique<Forward>(http); };
        cx.now = [] { return dind::from_unix_seconds(1764460800); };
        cx.sleep = [](gitlab::Millis) {};
        cx.wall_clock = [] { return std::time_t{0}; };
        cx.out = [this](const std::string& t) { out += t; };
        cx.hostname = "host1";
    }
    int operator()() {
        cx.env = env_of(vars);
        return gitlab::run(o, cx);
    }
};

const std::string glrt = "glrt-abcdefghijklmnopqrstxyz1";

} // namespace

TEST_CASE("resolve_token: one option, else one environment variable", "[gitlab][token]") {
    TempDir d;
    spit(d.path + "/t", glrt + "\n");
    spit(d.path + "/reg", "GR1348941abcdefghijklmnopqrst");
    spit(d.path + "/glrt-as-reg", glrt);
    spit(d.path + "/empty", "\n\n");
    spit(d.path + "/two", "a\nb\n");
    auto none = env_of({});
    auto no_stdin = [] { return std::string(); };

    gitlab::TokenSources s;
    s.token_file = d.path + "/t";
    auto t = gitlab::resolve_token(s, none, no_stdin);
    REQUIRE(t);
    CHECK(t->kind == gitlab::TokenKind::authentication);
    CHECK(t->value == glrt);

    s = {};
    s.registration_token_file = d.path + "/reg";
    CHECK(gitlab::resolve_token(s, none, no_stdin)->kind == gitlab::TokenKind::registration);
    // A glrt- token given as a registration token is taken for what it is, as gitlab-runner does.
    s.registration_token_file = d.path + "/glrt-as-reg";
    CHECK(gitlab::resolve_token(s, none, no_stdin)->kind == gitlab::TokenKind::authentication);

    s = {};
    s.pat_file = d.path + "/reg";
    CHECK(gitlab::resolve_token(s, none, no_stdin)->kind == gitlab::TokenKind::personal);

    s = {};
    s.from_stdin = true;
    CHECK(gitlab::resolve_token(s, none, [] { return std::string("glpat-abcdefghijklmnopqrst\n"); })->kind ==
          gitlab::TokenKind::personal);
    CHECK(gitlab::resolve_token(s, none, [] { return glrt; })->kind == gitlab::TokenKind::authentication);
    CHECK(gitlab::resolve_token(s, none, [] { return std::string("GR1348941x"); })->kind ==
          gitlab::TokenKind::registration);

    s = {};
    CHECK_FALSE(gitlab::resolve_token(s, none, no_stdin));
    CHECK(gitlab::resolve_token(s, env_of({{"RUNNER_TOKEN", glrt}}), no_stdin)->kind ==
          gitlab::TokenKind::authentication);
    CHECK(gitlab::resolve_token(s, env_of({{"REGISTRATION_TOKEN", "GR1348941x"}}), no_stdin)->kind ==
          gitlab::TokenKind::registration);
    CHECK(gitlab::resolve_token(s, env_of({{"GITLAB_PAT", "glpat-x"}}), no_stdin)->source == "GITLAB_PAT");
    // An empty variable counts as unset.
    CHECK_FALSE(gitlab::resolve_token(s, env_of({{"RUNNER_TOKEN", ""}}), no_stdin));
    // An option wins over the environment.
    s.registration_token_file = d.path + "/reg";
    CHECK(gitlab::resolve_token(s, env_of({{"RUNNER_TOKEN", glrt}}), no_stdin)->kind ==
          gitlab::TokenKind::registration);
}

TEST_CASE("resolve_token refuses ambiguity and bad files, never quoting the token", "[gitlab][token]") {
    TempDir d;
    spit(d.path + "/t", glrt);
    spit(d.path + "/empty", " \n");
    spit(d.path + "/two", glrt + "\n" + glrt + "\n");
    auto none = env_of({});
    auto no_stdin = [] { return std::string(); };
    gitlab::TokenSources s;
    s.token_file = d.path + "/t";
    s.pat_file = d.path + "/t";
    auto [m1, c1] = error_of([&] { gitlab::resolve_token(s, none, no_stdin); });
    CHECK(c1 == dind::exit_usage);
    CHECK_THAT(m1, Catch::StartsWith("give one token"));

    s = {};
    auto [m2, c2] = error_of([&] {
        gitlab::resolve_token(s, env_of({{"RUNNER_TOKEN", glrt}, {"GITLAB_PAT", "glpat-x"}}), no_stdin);
    });
    CHECK(c2 == dind::exit_usage);
    CHECK(m2 == "RUNNER_TOKEN and GITLAB_PAT are all set: unset all but one, or give the token with an option");

    for (const char* f : {"/empty", "/two", "/missing"}) {
        s = {};
        s.token_file = d.path + f;
        auto [m, c] = error_of([&] { gitlab::resolve_token(s, none, no_stdin); });
        INFO(m);
        CHECK(c == dind::exit_usage);
        CHECK_THAT(m, Catch::Contains(d.path + f));
        CHECK(m.find(glrt) == std::string::npos);
    }
}

TEST_CASE("runner_environment: the COMPOSE_PROJECT_NAME default, then --env in order", "[gitlab][register]") {
    using V = std::vector<std::string>;
    CHECK(gitlab::runner_environment({}) == V{"COMPOSE_PROJECT_NAME=ci-${CI_JOB_ID}"});
    CHECK(gitlab::runner_environment({"A=1", "B=x=y", "A=2"}) ==
          V{"COMPOSE_PROJECT_NAME=ci-${CI_JOB_ID}", "A=2", "B=x=y"});
    CHECK(gitlab::runner_environment({"COMPOSE_PROJECT_NAME=mine", "EMPTY="}) ==
          V{"COMPOSE_PROJECT_NAME=mine", "EMPTY="});
    CHECK_THROWS_AS(gitlab::runner_environment({"NOEQUALS"}), dind::Error);
    CHECK_THROWS_AS(gitlab::runner_environment({"=value"}), dind::Error);
}

TEST_CASE("docker_settings: dind-setup's TLS defaults, plain TCP, overrides", "[gitlab][register]") {
    gitlab::RegisterOptions o;
    auto d = gitlab::docker_settings(o, "docker:27");
    CHECK(d.host == "tcp://gitlab-dind:2376");
    CHECK(d.tls_verify);
    CHECK(d.tls_cert_path == std::string("/certs/client"));
    CHECK(d.image == "docker:27");
    CHECK_FALSE(d.privileged);
    CHECK_FALSE(d.disable_cache);
    CHECK(d.volumes == std::vector<std::string>{"/var/run/docker.sock:/var/run/docker.sock", "/cache"});
    CHECK(d.shm_size == 0);

    o.no_docker_tls = true;
    d = gitlab::docker_settings(o, "docker:27");
    CHECK(d.host == "tcp://gitlab-dind:2375");
    CHECK_FALSE(d.tls_verify);
    CHECK_FALSE(d.tls_cert_path);

    o = {};
    o.docker_host = "tcp://dind2:2376";
    o.docker_tls_cert_path = "/certs/other";
    o.docker_privileged = true;
    o.docker_disable_cache = true;
    o.docker_volumes = {"/cache"};
    o.docker_shm_size = 268435456;
    d = gitlab::docker_settings(o, "docker:26");
    CHECK(d.host == "tcp://dind2:2376");
    CHECK(d.tls_cert_path == std::string("/certs/other"));
    CHECK(d.privileged);
    CHECK(d.disable_cache);
    CHECK(d.volumes == std::vector<std::string>{"/cache"});
    CHECK(d.shm_size == 268435456);
}

TEST_CASE("check_options refuses bad values before anything happens", "[gitlab][register]") {
    auto refuses = [](auto change) {
        gitlab::RegisterOptions o;
        change(o);
        auto [m, c] = error_of([&] { gitlab::check_options(o); });
        INFO(m);
        return c == dind::exit_usage;
    };
    CHECK(refuses([](auto& o) { o.settings.access_level = "everyone"; }));
    CHECK(refuses([](auto& o) { o.settings.maximum_timeout = 599; }));
    CHECK(refuses([](auto& o) { o.runner_type = "shared"; }));
    CHECK(refuses([](auto& o) { o.group_id = 0; }));
    CHECK(refuses([](auto& o) {
        o.no_docker_tls = true;
        o.docker_tls_cert_path = "/c";
    }));
    CHECK(refuses([](auto& o) { o.docker_image = ""; }));
    CHECK(refuses([](auto& o) { o.docker_shm_size = -1; }));
    CHECK(refuses([](auto& o) { o.env = {"X"}; }));
    CHECK(refuses([](auto& o) { o.settings.tags = {"a", ""}; }));
    CHECK(refuses([](auto& o) { o.name = "\xff"; }));
    gitlab::RegisterOptions fine;
    fine.settings.maximum_timeout = 600;
    fine.settings.access_level = "ref_protected";
    CHECK_NOTHROW(gitlab::check_options(fine));
}

TEST_CASE("server_settings_given names each server-side option given", "[gitlab][register]") {
    gitlab::RegisterOptions o;
    CHECK(gitlab::server_settings_given(o).empty());
    o.settings.tags = {"a"};
    o.settings.locked = false; // given, even as false
    o.settings.maintenance_note = "";
    CHECK(gitlab::server_settings_given(o) == std::vector<std::string>{"--tag-list", "--locked", "--maintenance-note"});
}

TEST_CASE("arguments_carry_token spots a token on the command line", "[gitlab][register]") {
    const char* with[] = {"dind-register", "--url", "https://x", "--token", "glrt-abcdefghijklmnopqrst"};
    CHECK(gitlab::arguments_carry_token(5, with));
    const char* with_eq[] = {"dind-register", "--token=GR1348941abcdefghijklmnopqrst"};
    CHECK(gitlab::arguments_carry_token(2, with_eq));
    const char* without[] = {"dind-register", "--token-file", "/run/secrets/glrt-abcdefghijklmnopqrst", "--name", "r1"};
    CHECK_FALSE(gitlab::arguments_carry_token(5, without));
}

TEST_CASE("engine image helpers", "[gitlab][engine]") {
    CHECK(gitlab::cli_image_for_dind_image("docker:27.3.1-dind") == std::string("docker:27.3.1"));
    CHECK(gitlab::cli_image_for_dind_image("docker:27-dind-rootless") == std::string("docker:27"));
    CHECK(gitlab::cli_image_for_dind_image("docker.io/library/docker:dind") ==
          std::string("docker.io/library/docker:latest"));
    CHECK(gitlab::cli_image_for_dind_image("registry:5000/docker:26.1-dind@sha256:abc") ==
          std::string("registry:5000/docker:26.1"));
    CHECK_FALSE(gitlab::cli_image_for_dind_image("docker:27.3.1"));
    CHECK_FALSE(gitlab::cli_image_for_dind_image("docker"));
    CHECK_FALSE(gitlab::cli_image_for_dind_image("registry:5000/docker"));

    CHECK(gitlab::cli_image_for_engine_version("24.0.7") == std::string("docker:24.0.7"));
    CHECK(gitlab::cli_image_for_engine_version("20.10.24+dfsg1") == std::string("docker:20.10.24"));
    CHECK(gitlab::cli_image_for_engine_version("28.0.0-rc.1") == std::string("docker:28.0.0"));
    CHECK_FALSE(gitlab::cli_image_for_engine_version("dev"));
    CHECK_FALSE(gitlab::cli_image_for_engine_version(""));

    CHECK(gitlab::runner_version_for_image("gitlab/gitlab-runner:v17.5.0") == "17.5.0");
    CHECK(gitlab::runner_version_for_image("gitlab/gitlab-runner:alpine-v17.5.0") == "17.5.0");
    CHECK(gitlab::runner_version_for_image("gitlab/gitlab-runner:latest") == "");
    CHECK(gitlab::runner_version_for_image("gitlab/gitlab-runner") == "");
}

TEST_CASE("Registering with a glrt- token: system_id first, then verify, then config.toml", "[gitlab][flow]") {
    Run run;
    run.vars["RUNNER_TOKEN"] = glrt;
    std::string sid_file = run.dir.path + "/etc/.runner_system_id";
    bool sid_before = false;
    run.http.on_request = [&](const gitlab::HttpRequest&) { sid_before = ::access(sid_file.c_str(), F_OK) == 0; };
    run.http.answers.push_back(FakeHttp::answer(200, R"({"id":9171,"token":")" + glrt +
                                                         R"(","token_expires_at":"2026-12-31T12:30:00.000Z"})"));
    CHECK(run() == dind::exit_ok);
    CHECK(sid_before);
    std::string sid = slurp(sid_file);
    CHECK(gitlab::valid_system_id(sid));
    REQUIRE(run.http.requests.size() == 1);
    CHECK(run.http.requests[0].url == "https://gitlab.example.com/api/v4/runners/verify");
    CHECK_THAT(run.http.requests[0].body, Catch::Contains("\"system_id\":\"" + sid + "\""));
    CHECK_THAT(run.http.requests[0].body, Catch::Contains("\"version\":\"17.5.0\""));
    std::string config = slurp(run.o.config);
    CHECK_THAT(config, Catch::Contains("token = \"" + glrt + "\""));
    CHECK_THAT(config, Catch::Contains("token_obtained_at = 2025-11-30T00:00:00Z"));
    CHECK_THAT(config, Catch::Contains("token_expires_at = 2026-12-31T12:30:00Z"));
    CHECK_THAT(config, Catch::Contains("image = \"docker:27.3.1\""));
    struct stat st {};
    REQUIRE(::stat(run.o.config.c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0600);
    CHECK(run.out == "registered r1 (runner 9171 at https://gitlab.example.com): added it to " + run.o.config + "\n");
}

TEST_CASE("Server-side settings with a glrt- token are refused before anything is sent", "[gitlab][flow]") {
    Run run;
    run.vars["RUNNER_TOKEN"] = glrt;
    run.o.settings.tags = {"docker"};
    run.o.settings.paused = true;
    auto [m, c] = error_of([&] { run(); });
    CHECK(c == dind::exit_usage);
    CHECK_THAT(m, Catch::Contains("(--tag-list, --paused)"));
    CHECK_THAT(m, Catch::Contains("cannot be given with a runner authentication token"));
    CHECK(run.http.requests.empty());
    CHECK(::access((run.dir.path + "/etc").c_str(), F_OK) != 0);
}

TEST_CASE("Missing values without a terminal: say what is missing, exit 2", "[gitlab][flow]") {
    Run run;
    run.o.url.clear();
    auto [m, c] = error_of([&] { run(); });
    CHECK(c == dind::exit_usage);
    CHECK_THAT(m, Catch::StartsWith("missing the GitLab URL (--url, or CI_SERVER_URL) and a token"));
    CHECK_THAT(m, Catch::Contains("no terminal"));
    run.vars["CI_SERVER_URL"] = "https://gitlab.example.com";
    auto [m2, c2] = error_of([&] { run(); });
    CHECK_THAT(m2, Catch::StartsWith("missing a token"));
}

TEST_CASE("An invalid config.toml stops the run before GitLab hears of it, file untouched", "[gitlab][flow]") {
    Run run;
    run.vars["RUNNER_TOKEN"] = glrt;
    ::mkdir((run.dir.path + "/etc").c_str(), 0700);
    spit(run.o.config, "concurrent = [\n");
    auto [m, c] = error_of([&] { run(); });
    CHECK(c == dind::exit_usage);
    CHECK_THAT(m, Catch::Contains("not valid TOML"));
    CHECK(run.http.requests.empty());
    CHECK(slurp(run.o.config) == "concurrent = [\n");
}

TEST_CASE("A failed write unregisters again and leaves the old file", "[gitlab][flow]") {
    Run run;
    run.vars["RUNNER_TOKEN"] = glrt;
    std::string etc = run.dir.path + "/etc";
    ::mkdir(etc.c_str(), 0700);
    spit(run.o.config, "concurrent = 2\n");
    // Once GitLab has accepted, the directory turns into one nothing can be created in, even by
    // root: the write fails.
    run.http.on_request = [&](const gitlab::HttpRequest& r) {
        if (r.url.find("/runners/verify") == std::string::npos) return;
        std::rename(etc.c_str(), (etc + ".moved").c_str());
        (void)::symlink("/proc/self", etc.c_str());
    };
    run.http.answers.push_back(
        FakeHttp::answer(200, R"({"id":9171,"token":")" + glrt + R"(","token_expires_at":null})"));
    run.http.answers.push_back(FakeHttp::answer(204));
    auto [m, c] = error_of([&] { run(); });
    INFO(m);
    CHECK(c == dind::exit_failed);
    CHECK_THAT(m, Catch::Contains("removed this host from runner 9171 in GitLab again"));
    CHECK_THAT(m, Catch::EndsWith(run.o.config + " is unchanged"));
    CHECK(m.find(glrt) == std::string::npos);
    REQUIRE(run.http.requests.size() == 2);
    CHECK(run.http.requests[1].method == "DELETE");
    CHECK(run.http.requests[1].url == "https://gitlab.example.com/api/v4/runners/managers");
    CHECK_THAT(run.http.requests[1].body, Catch::Contains("\"token\":\"" + glrt + "\""));
    CHECK(slurp(etc + ".moved/config.toml") == "concurrent = 2\n");
}

TEST_CASE("Creating with a personal access token, then verifying; a failed verify deletes it again", "[gitlab][flow]") {
    Run run;
    run.vars["GITLAB_PAT"] = "glpat-abcdefghijklmnopqrst";
    run.o.runner_type = "project_type";
    run.o.project_id = 42;
    run.o.settings.tags = {"docker"};
    std::string created = "glrt-createdcreatedcreated";
    run.http.answers.push_back(
        FakeHttp::answer(201, R"({"id":77,"token":")" + created + R"(","token_expires_at":null})"));
    run.http.answers.push_back(FakeHttp::answer(403, R"({"message":"403 Forbidden"})"));
    run.http.answers.push_back(FakeHttp::answer(204));
    auto [m, c] = error_of([&] { run(); });
    CHECK(c == dind::exit_failed);
    CHECK_THAT(m, Catch::StartsWith("GitLab rejected the token: 403 Forbidden; deleted runner 77 from GitLab again"));
    REQUIRE(run.http.requests.size() == 3);
    CHECK(run.http.requests[0].url == "https://gitlab.example.com/api/v4/user/runners");
    CHECK(run.http.requests[0].body ==
          R"({"runner_type":"project_type","project_id":42,"description":"r1","tag_list":"docker"})");
    CHECK(run.http.requests[1].url == "https://gitlab.example.com/api/v4/runners/verify");
    CHECK(run.http.requests[2].method == "DELETE");
    CHECK(run.http.requests[2].url == "https://gitlab.example.com/api/v4/runners");
    CHECK(run.http.requests[2].body == R"({"token":")" + created + R"("})");
    CHECK(::access(run.o.config.c_str(), F_OK) != 0);
}

TEST_CASE("A dry run sends nothing, writes nothing and shows no token", "[gitlab][flow]") {
    Run run;
    run.vars["RUNNER_TOKEN"] = glrt;
    run.o.dry_run = true;
    CHECK(run() == dind::exit_ok);
    CHECK(run.http.requests.empty());
    CHECK(::access((run.dir.path + "/etc").c_str(), F_OK) != 0);
    CHECK(run.out.find(glrt) == std::string::npos);
    CHECK_THAT(run.out, Catch::Contains("would send POST https://gitlab.example.com/api/v4/runners/verify"));
    CHECK_THAT(run.out, Catch::Contains("\"token\":\"glrt-\u2026xyz1\""));
    CHECK_THAT(run.out, Catch::Contains("token = \"glrt-\u2026xyz1\""));
    CHECK_THAT(run.out, Catch::Contains("would create " + run.o.config));
}

TEST_CASE("Unregistering: managers for glrt- tokens, runners for legacy ones", "[gitlab][flow]") {
    Run run;
    ::mkdir((run.dir.path + "/etc").c_str(), 0700);
    spit(run.dir.path + "/etc/.runner_system_id", "s_0123456789ab");
    spit(run.o.config, R"(concurrent = 2
[[runners]]
name = "a"
url = "https://gitlab.example.com/"
token = "glrt-aaaaaaaaaaaaaaaaaaaaaaaa"
id = 1
[[runners]]
name = "b"
url = "https://gitlab.example.com/ci"
token = "legacylegacylegacylegacy"
id = 2
[[runners]]
name = "c"
url = "https://gitlab.example.com"
token = "glrt-cccccccccccccccccccccccc"
id = 3
)");
    run.o.url.clear();
    run.o.name.clear();
    run.o.unregister_all = true;
    run.http.answers.push_back(FakeHttp::answer(204));
    run.http.answers.push_back(FakeHttp::answer(403, R"({"message":"403 Forbidden"})"));
    run.http.answers.push_back(FakeHttp::answer(500, ""));
    for (int i = 0; i < 4; ++i) run.http.answers.push_back(FakeHttp::answer(500, ""));
    CHECK(run() == dind::exit_unavailable); // c could not be unregistered: GitLab kept answering 500
    REQUIRE(run.http.requests.size() == 7);
    CHECK(run.http.requests[0].url == "https://gitlab.example.com/api/v4/runners/managers");
    CHECK(run.http.requests[0].body == R"({"token":"glrt-aaaaaaaaaaaaaaaaaaaaaaaa","system_id":"s_0123456789ab"})");
    CHECK(run.http.requests[1].url == "https://gitlab.example.com/api/v4/runners");
    CHECK(run.http.requests[1].body == R"({"token":"legacylegacylegacylegacy"})");
    std::string config = slurp(run.o.config);
    CHECK(config.find("name = \"a\"") == std::string::npos);
    CHECK(config.find("name = \"b\"") == std::string::npos);
    CHECK_THAT(config, Catch::Contains("name = \"c\""));
    CHECK_THAT(config, Catch::StartsWith("concurrent = 2\n"));
    CHECK_THAT(run.out, Catch::Contains("unregistered a (runner 1"));
    CHECK_THAT(run.out, Catch::Contains("unregistered b (runner 2; GitLab had already forgotten it)"));
}

TEST_CASE("Other modes refuse registration options and unknown names", "[gitlab][flow]") {
    Run run;
    run.o.verify = true;
    run.o.registration_options_given = {"--docker-image"};
    auto [m, c] = error_of([&] { run(); });
    CHECK(c == dind::exit_usage);
    CHECK(m == "--docker-image: only for registering, not with --verify");
    run.o.registration_options_given.clear();
    run.o.delete_dead = true;
    run.o.unregister = "x";
    CHECK(error_of([&] { run(); }).second == dind::exit_usage);
    run.o.verify = false;
    run.o.delete_dead = false;
    auto [m2, c2] = error_of([&] { run(); });
    CHECK(c2 == dind::exit_usage);
    CHECK_THAT(m2, Catch::StartsWith("no runner named x"));
}
