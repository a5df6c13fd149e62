#include "common/error.h"
#include "gitlab/config.h"

#include <catch2/catch.hpp>

#define TOML_ENABLE_FORMATTERS 0
#include <toml++/toml.h>

#include <string>

namespace gitlab = dind::gitlab;

namespace {

gitlab::RunnerEntry entry(const std::string& name, std::int64_t id = 9171) {
    gitlab::RunnerEntry e;
    e.name = name;
    e.url = "https://gitlab.example.com";
    e.id = id;
    e.token = "glrt-abcdefghijklmnopqrst";
    e.token_obtained_at = dind::from_unix_seconds(1764460800); // 2025-11-30T00:00:00Z
    e.environment = {"COMPOSE_PROJECT_NAME=ci-${CI_JOB_ID}"};
    e.docker.image = "docker:27.3.1";
    return e;
}

toml::table reparse(const gitlab::Config& c) { return toml::parse(c.to_toml()); }

// A config.toml as gitlab-runner writes it, with a global key, a table and another runner with
// keys and tables dind-register does not manage.
const char* existing = R"(concurrent = 4
check_interval = 3
log_level = "info"
shutdown_timeout = 30
connection_max_age = "15m0s"
# a comment gitlab-runner would drop too
custom_key = 1.5

[session_server]
  session_timeout = 1800

[[runners]]
  name = "other"
  url = "https://gitlab.example.com/"
  id = 7
  token = "glrt-otherotherotherother"
  token_obtained_at = 2025-01-01T00:00:00Z
  token_expires_at = 0001-01-01T00:00:00Z
  executor = "shell"
  limit = 2
  [runners.custom_build_dir]
  [runners.cache]
    Type = "s3"
    Shared = true
    [runners.cache.s3]
      ServerAddress = "minio:9000"
      BucketName = "cache"

[[runners]]
  name = "mine"
  url = "https://old.example.com"
  id = 1
  token = "glrt-oldoldoldoldoldoldold"
  token_obtained_at = 2024-01-01T00:00:00Z
  token_expires_at = 2024-02-01T00:00:00Z
  executor = "docker"
  request_concurrency = 3
  environment = ["OLD=1"]
  [runners.feature_flags]
    FF_NETWORK_PER_BUILD = true
  [runners.docker]
    host = "tcp://old:2376"
    tls_verify = true
    tls_cert_path = "/old"
    image = "docker:20"
    privileged = true
    pull_policy = ["always", "if-not-present"]
    network_mtu = 1360
    volumes = ["/x"]
    shm_size = 1
)";

} // namespace

TEST_CASE("Config::fresh is concurrent = 1, check_interval = 0", "[gitlab][config]") {
    CHECK(gitlab::Config::fresh().to_toml() == "concurrent = 1\ncheck_interval = 0\n");
}

TEST_CASE("A new entry has every key gitlab-runner needs, with its types and in its order", "[gitlab][config]") {
    gitlab::Config c = gitlab::Config::fresh();
    CHECK_FALSE(c.upsert(entry("r1")));
    CHECK(c.to_toml() == R"(concurrent = 1
check_interval = 0

[[runners]]
  name = "r1"
  url = "https://gitlab.example.com"
  id = 9171
  token = "glrt-abcdefghijklmnopqrst"
  token_obtained_at = 2025-11-30T00:00:00Z
  token_expires_at = 0001-01-01T00:00:00Z
  executor = "docker"
  environment = ["COMPOSE_PROJECT_NAME=ci-${CI_JOB_ID}"]
  [runners.docker]
    host = "tcp://gitlab-dind:2376"
    tls_verify = true
    tls_cert_path = "/certs/client"
    image = "docker:27.3.1"
    privileged = false
    disable_cache = false
    volumes = ["/var/run/docker.sock:/var/run/docker.sock", "/cache"]
    shm_size = 0
)");
    toml::table t = reparse(c);
    auto r = t["runners"][0];
    CHECK(r["id"].is_integer());
    CHECK(r["token_obtained_at"].is_date_time());
    CHECK(r["token_expires_at"].is_date_time());
    CHECK(r["environment"].is_array());
    CHECK(r["docker"]["tls_verify"].is_boolean());
    CHECK(r["docker"]["privileged"].is_boolean());
    CHECK(r["docker"]["shm_size"].is_integer());
    CHECK(r["docker"]["volumes"].as_array()->size() == 2);
}

TEST_CASE("An expiry is written as a TOML date-time with its fraction", "[gitlab][config]") {
    gitlab::Config c = gitlab::Config::fresh();
    auto e = entry("r1");
    e.token_expires_at = dind::from_unix_seconds(1798720200) + std::chrono::milliseconds(250);
    c.upsert(e);
    CHECK_THAT(c.to_toml(), Catch::Contains("token_expires_at = 2026-12-31T12:30:00.25Z\n"));
    auto dt = reparse(c)["runners"][0]["token_expires_at"].value<toml::date_time>();
    REQUIRE(dt);
    CHECK(dt->time.nanosecond == 250000000u);
    CHECK(dt->offset->minutes == 0);
}

TEST_CASE("Merging keeps every global key, every other entry and every unmanaged key", "[gitlab][config]") {
    gitlab::Config c = gitlab::Config::parse(existing, "config.toml");
    CHECK(c.upsert(entry("mine")));
    toml::table t = reparse(c);

    CHECK(t["concurrent"].value<std::int64_t>() == 4);
    CHECK(t["check_interval"].value<std::int64_t>() == 3);
    CHECK(t["log_level"].value<std::string>() == "info");
    CHECK(t["shutdown_timeout"].value<std::int64_t>() == 30);
    CHECK(t["connection_max_age"].value<std::string>() == "15m0s");
    CHECK(t["custom_key"].value<double>() == 1.5);
    CHECK(t["session_server"]["session_timeout"].value<std::int64_t>() == 1800);

    REQUIRE(t["runners"].as_array()->size() == 2);
    auto other = t["runners"][0];
    CHECK(other["name"].value<std::string>() == "other");
    CHECK(other["url"].value<std::string>() == "https://gitlab.example.com/");
    CHECK(other["id"].value<std::int64_t>() == 7);
    CHECK(other["token"].value<std::string>() == "glrt-otherotherotherother");
    CHECK(other["executor"].value<std::string>() == "shell");
    CHECK(other["limit"].value<std::int64_t>() == 2);
    CHECK(other["custom_build_dir"].is_table());
    CHECK(other["cache"]["Type"].value<std::string>() == "s3");
    CHECK(other["cache"]["Shared"].value<bool>() == true);
    CHECK(other["cache"]["s3"]["BucketName"].value<std::string>() == "cache");
    CHECK(other["token_obtained_at"].is_date_time());

    // Replaced in place: still the second entry, managed keys new, the others kept.
    auto mine = t["runners"][1];
    CHECK(mine["name"].value<std::string>() == "mine");
    CHECK(mine["url"].value<std::string>() == "https://gitlab.example.com");
    CHECK(mine["id"].value<std::int64_t>() == 9171);
    CHECK(mine["token"].value<std::string>() == "glrt-abcdefghijklmnopqrst");
    CHECK(mine["request_concurrency"].value<std::int64_t>() == 3);
    CHECK(mine["feature_flags"]["FF_NETWORK_PER_BUILD"].value<bool>() == true);
    CHECK(mine["environment"].as_array()->size() == 1);
    CHECK(mine["environment"][0].value<std::string>() == "COMPOSE_PROJECT_NAME=ci-${CI_JOB_ID}");
    auto d = mine["docker"];
    CHECK(d["host"].value<std::string>() == "tcp://gitlab-dind:2376");
    CHECK(d["tls_cert_path"].value<std::string>() == "/certs/client");
    CHECK(d["image"].value<std::string>() == "docker:27.3.1");
    CHECK(d["privileged"].value<bool>() == false);
    CHECK(d["network_mtu"].value<std::int64_t>() == 1360);
    REQUIRE(d["pull_policy"].as_array());
    CHECK(d["pull_policy"][1].value<std::string>() == "if-not-present");
    CHECK(d["volumes"].as_array()->size() == 2);
    CHECK(d["shm_size"].value<std::int64_t>() == 0);
    CHECK(d["disable_cache"].value<bool>() == false);
}

TEST_CASE("Merged output keeps gitlab-runner's key order, keys before sub-tables", "[gitlab][config]") {
    gitlab::Config c = gitlab::Config::parse(existing, "config.toml");
    c.upsert(entry("mine"));
    std::string out = c.to_toml();
    // Known global keys first in gitlab-runner's order, then the others; tables after.
    CHECK(out.rfind("concurrent = 4\ncheck_interval = 3\nlog_level = \"info\"\nshutdown_timeout = 30\n"
                    "connection_max_age = \"15m0s\"\ncustom_key = 1.5\n\n[session_server]\n",
                    0) == 0);
    auto mine = out.find("name = \"mine\"");
    REQUIRE(mine != std::string::npos);
    std::string entry_text = out.substr(mine);
    CHECK(entry_text.rfind(
              "name = \"mine\"\n  request_concurrency = 3\n  url = \"https://gitlab.example.com\"\n  id = 9171\n", 0) ==
          0);
    CHECK(entry_text.find("request_concurrency = 3") < entry_text.find("[runners.feature_flags]"));
    CHECK(entry_text.find("environment = ") < entry_text.find("[runners.feature_flags]"));
    CHECK(entry_text.find("[runners.feature_flags]") < entry_text.find("[runners.docker]"));
    CHECK(entry_text.find("shm_size = 0") < entry_text.find("pull_policy"));
    CHECK(out.find("# a comment") == std::string::npos);
    // Writing it again changes nothing.
    CHECK(gitlab::Config::parse(out, "again").to_toml() == out);
}

TEST_CASE("Registering a name again replaces its entry: no duplicates", "[gitlab][config]") {
    gitlab::Config c = gitlab::Config::fresh();
    c.upsert(entry("a", 1));
    c.upsert(entry("b", 2));
    CHECK(c.upsert(entry("a", 3)));
    auto runners = c.runners();
    REQUIRE(runners.size() == 2);
    CHECK(runners[0].name == "a");
    CHECK(runners[0].id == 3);
    CHECK(runners[1].name == "b");
    CHECK(runners[1].id == 2);
}

TEST_CASE("Plain TCP: tls_cert_path is removed, tls_verify false", "[gitlab][config]") {
    gitlab::Config c = gitlab::Config::parse(existing, "config.toml");
    auto e = entry("mine");
    e.docker.host = "tcp://gitlab-dind:2375";
    e.docker.tls_verify = false;
    e.docker.tls_cert_path.reset();
    c.upsert(e);
    toml::table t = reparse(c);
    auto d = t["runners"][1]["docker"];
    CHECK(d["host"].value<std::string>() == "tcp://gitlab-dind:2375");
    CHECK(d["tls_verify"].value<bool>() == false);
    CHECK_FALSE(d["tls_cert_path"]);
}

TEST_CASE("A docker key of another shape becomes a [runners.docker] table", "[gitlab][config]") {
    gitlab::Config c = gitlab::Config::parse(R"([[runners]]
name = "x"
docker = { network_mode = "host" }
)",
                                             "c");
    c.upsert(entry("x"));
    std::string out = c.to_toml();
    CHECK_THAT(out, Catch::Contains("  [runners.docker]\n"));
    CHECK(reparse(c)["runners"][0]["docker"]["network_mode"].value<std::string>() == "host");
}

TEST_CASE("Every TOML value type survives a rewrite", "[gitlab][config]") {
    const char* text = R"(str = "a \"quoted\" \\ line\nnext\ttab é"
literal = 'C:\path'
multi = """
two
lines"""
int = -42
hex = 0xff
float = 6.02e23
fraction = 0.1
whole = 3.0
neg_zero = -0.0
inf = -inf
nan = nan
yes = true
odt = 1979-05-27T07:32:00.999-07:00
ldt = 1979-05-27T07:32:00
ld = 1979-05-27
lt = 07:32:00.5
arr = [1, [2, 3], "x", { a = 1, "b c" = [true] }]
empty = []
"key with spaces" = 1
"ünï" = 2
inline = { x = 1, y = { z = "w" } }
[a.b.c]
d = 1
[[a.list]]
e = 1
[[a.list]]
e = 2
[a.list.sub]
f = "g"
)";
    auto original = toml::parse(text);
    gitlab::Config c = gitlab::Config::parse(text, "types");
    std::string out = c.to_toml();
    INFO(out);
    auto again = toml::parse(out);
    CHECK(again == original);
    CHECK_THAT(out, Catch::Contains("inline = { x = 1, y = { z = \"w\" } }"));
    CHECK_THAT(out, Catch::Contains("\"key with spaces\" = 1"));
    CHECK_THAT(out, Catch::Contains("[[a.list]]"));
}

TEST_CASE("Invalid TOML is a usage error naming the place", "[gitlab][config]") {
    try {
        gitlab::Config::parse("concurrent = 1\n[[runners]\nname = \"x\"\n", "/srv/config.toml");
        FAIL("parsed");
    } catch (const dind::Error& e) {
        CHECK(e.exit_code() == dind::exit_usage);
        CHECK_THAT(std::string(e.what()), Catch::StartsWith("/srv/config.toml:2:"));
        CHECK_THAT(std::string(e.what()), Catch::Contains("not valid TOML"));
    }
    // Duplicate keys are fatal for gitlab-runner too.
    CHECK_THROWS_AS(gitlab::Config::parse("a = 1\na = 2\n", "c"), dind::Error);
}

TEST_CASE("runners must be an array of tables with string names", "[gitlab][config]") {
    for (const char* bad : {"runners = 1\n", "runners = [1, 2]\n", "[runners]\nname = \"x\"\n",
                            "[[runners]]\nname = 1\n", "[[runners]]\ntoken = true\n", "[[runners]]\nid = \"7\"\n"}) {
        INFO(bad);
        try {
            gitlab::Config::parse(bad, "c");
            FAIL("parsed");
        } catch (const dind::Error& e) {
            CHECK(e.exit_code() == dind::exit_usage);
        }
    }
}

TEST_CASE("remove_if removes entries; no runners key is left when none remains", "[gitlab][config]") {
    gitlab::Config c = gitlab::Config::parse(existing, "config.toml");
    CHECK(c.remove_if([](const gitlab::RunnerSummary& r) { return r.name == "mine"; }) == 1);
    auto runners = c.runners();
    REQUIRE(runners.size() == 1);
    CHECK(runners[0].name == "other");
    CHECK(runners[0].token == "glrt-otherotherotherother");
    CHECK(runners[0].id == 7);
    CHECK(c.remove_if([](const gitlab::RunnerSummary&) { return true; }) == 1);
    CHECK(c.runners().empty());
    std::string out = c.to_toml();
    CHECK(out.find("runners") == std::string::npos);
    CHECK_THAT(out, Catch::Contains("[session_server]"));
}

TEST_CASE("toml_quote escapes quotes, backslashes and control characters", "[gitlab][config]") {
    CHECK(gitlab::toml_quote("plain") == "\"plain\"");
    CHECK(gitlab::toml_quote("a\"b\\c") == "\"a\\\"b\\\\c\"");
    CHECK(gitlab::toml_quote("\n\t\r\b\f") == "\"\\n\\t\\r\\b\\f\"");
    CHECK(gitlab::toml_quote(std::string("\x01\x7f", 2)) == "\"\\u0001\\u007F\"");
    CHECK(gitlab::toml_quote("${CI_JOB_ID} é") == "\"${CI_JOB_ID} é\"");
}
