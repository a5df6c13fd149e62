#include "common/error.h"
#include "fake_http.h"
#include "gitlab/api.h"
#include "gitlab/info.h"

#include <catch2/catch.hpp>

#include <rapidjson/document.h>

namespace gitlab = dind::gitlab;
using gitlab::Millis;
using gitlab::testing::FakeHttp;
using Failure = gitlab::HttpResponse::Failure;

namespace {

const std::string token = "glrt-abcdefghijklmnopqrstxyz1";
const std::string info = R"({"name":"gitlab-runner"})";
const std::string ok_body = R"({"id":9171,"token":")" + token + R"(","token_expires_at":null})";

struct Harness {
    FakeHttp http;
    std::vector<Millis> slept;
    gitlab::Api api{http,
                    "https://gitlab.example.com",
                    gitlab::RetryPolicy{},
                    [this](Millis d) { slept.push_back(d); },
                    [] { return std::time_t{1000}; },
                    {token}};
};

// The error an expression throws: its message and exit status.
template <typename F>
std::pair<std::string, int> error_of(F&& f) {
    try {
        f();
    } catch (const dind::Error& e) {
        return {e.what(), e.exit_code()};
    }
    return {"(nothing thrown)", -1};
}

} // namespace

TEST_CASE("verify_body: token, system_id and info, nothing else", "[gitlab][api]") {
    CHECK(gitlab::verify_body("glrt-x", "s_0123456789ab", info) ==
          R"({"token":"glrt-x","system_id":"s_0123456789ab","info":{"name":"gitlab-runner"}})");
}

TEST_CASE("register_body sends gitlab-runner's defaults for what is not given", "[gitlab][api]") {
    gitlab::ServerSettings s;
    s.description = "r1";
    CHECK(
        gitlab::register_body("GR1", s, info) ==
        R"({"token":"GR1","description":"r1","run_untagged":true,"locked":true,"paused":false,"info":{"name":"gitlab-runner"}})");
    s.tags = {"docker", "linux"};
    s.locked = false;
    s.access_level = "ref_protected";
    s.maximum_timeout = 3600;
    s.paused = true;
    s.maintenance_note = "ops \"team\"";
    CHECK(
        gitlab::register_body("GR1", s, info) ==
        R"({"token":"GR1","description":"r1","maintenance_note":"ops \"team\"","tag_list":"docker,linux","run_untagged":false,"locked":false,"paused":true,"access_level":"ref_protected","maximum_timeout":3600,"info":{"name":"gitlab-runner"}})");
}

TEST_CASE("create_body: the scope and only the settings given", "[gitlab][api]") {
    gitlab::ServerSettings s;
    s.description = "r1";
    CHECK(gitlab::create_body({"instance_type", {}, {}}, s) == R"({"runner_type":"instance_type","description":"r1"})");
    s.run_untagged = false;
    s.tags = {"a"};
    CHECK(gitlab::create_body({"group_type", 7, {}}, s) ==
          R"({"runner_type":"group_type","group_id":7,"description":"r1","tag_list":"a","run_untagged":false})");
    CHECK(gitlab::create_body({"project_type", {}, 42}, {}) == R"({"runner_type":"project_type","project_id":42})");
}

TEST_CASE("delete bodies", "[gitlab][api]") {
    CHECK(gitlab::delete_runner_body("t") == R"({"token":"t"})");
    CHECK(gitlab::delete_manager_body("glrt-t", "s_0123456789ab") ==
          R"({"token":"glrt-t","system_id":"s_0123456789ab"})");
}

TEST_CASE("runner_info_json describes gitlab-runner with the docker executor", "[gitlab][api]") {
    rapidjson::Document doc;
    doc.Parse(gitlab::runner_info_json("17.5.0", "amd64").c_str());
    REQUIRE(doc.IsObject());
    CHECK(std::string(doc["name"].GetString()) == "gitlab-runner");
    CHECK(std::string(doc["version"].GetString()) == "17.5.0");
    CHECK(std::string(doc["executor"].GetString()) == "docker");
    CHECK(std::string(doc["platform"].GetString()) == "linux");
    CHECK(std::string(doc["architecture"].GetString()) == "amd64");
    CHECK(doc["features"]["cancelable"].GetBool());
    CHECK(doc["features"]["cancel_gracefully"].GetBool());
    doc.Parse(gitlab::runner_info_json("", "").c_str());
    CHECK_FALSE(doc.HasMember("version"));
}

TEST_CASE("parse_credentials reads id, token and the expiry", "[gitlab][api]") {
    auto c = gitlab::parse_credentials(ok_body);
    CHECK(c.id == 9171);
    CHECK(c.token == token);
    CHECK_FALSE(c.expires_at);

    c = gitlab::parse_credentials(R"({"id":1,"token":"t","token_expires_at":"2026-12-31T12:30:00.250Z"})");
    REQUIRE(c.expires_at);
    CHECK(dind::format_rfc3339(*c.expires_at) == "2026-12-31T12:30:00Z");
    CHECK((c.expires_at->time_since_epoch() % std::chrono::seconds(1)) == std::chrono::milliseconds(250));

    c = gitlab::parse_credentials(R"({"id":1,"token":"t","token_expires_at":"0001-01-01T00:00:00Z"})");
    CHECK_FALSE(c.expires_at);
    c = gitlab::parse_credentials(R"({"id":1,"token":"t"})");
    CHECK_FALSE(c.expires_at);

    for (const char* bad :
         {"", "[]", "not json", R"({"token":"t"})", R"({"id":"1","token":"t"})", R"({"id":1})",
          R"({"id":1,"token":""})", R"({"id":0,"token":"t"})", R"({"id":1,"token":"t","token_expires_at":"tomorrow"})",
          R"({"id":1,"token":"t","token_expires_at":5})"}) {
        INFO(bad);
        CHECK_THROWS_AS(gitlab::parse_credentials(bad), dind::Error);
    }
}

TEST_CASE("parse_error_message reads GitLab's error shapes", "[gitlab][api]") {
    CHECK(gitlab::parse_error_message(R"({"message":"403 Forbidden - invalid token supplied"})") ==
          "403 Forbidden - invalid token supplied");
    CHECK(gitlab::parse_error_message(R"({"message":{"maximum_timeout":["needs to be at least 10 minutes"]}})") ==
          "maximum_timeout needs to be at least 10 minutes");
    CHECK(gitlab::parse_error_message(R"({"message":{"a":["x","y"],"b":["z"]}})") == "a x, y; b z");
    CHECK(gitlab::parse_error_message(R"({"error":"token is missing"})") == "token is missing");
    CHECK(gitlab::parse_error_message("<html>Bad Gateway</html>\n") == "<html>Bad Gateway</html>");
    CHECK(gitlab::parse_error_message("") == "");
}

TEST_CASE("Api::verify posts to /api/v4/runners/verify and reads the answer", "[gitlab][api]") {
    Harness h;
    h.http.answers.push_back(FakeHttp::answer(200, ok_body));
    auto c = h.api.verify(token, "s_0123456789ab", info);
    CHECK(c.id == 9171);
    REQUIRE(h.http.requests.size() == 1);
    CHECK(h.http.requests[0].method == "POST");
    CHECK(h.http.requests[0].url == "https://gitlab.example.com/api/v4/runners/verify");
    CHECK(h.http.requests[0].body == gitlab::verify_body(token, "s_0123456789ab", info));
    CHECK(h.http.requests[0].headers.empty()); // the token travels in the body only
    CHECK(h.slept.empty());
}

TEST_CASE("Api retries 500 and then succeeds", "[gitlab][api][retry]") {
    Harness h;
    h.http.answers.push_back(FakeHttp::answer(500, R"({"message":"500 Internal Server Error"})"));
    h.http.answers.push_back(FakeHttp::answer(502, ""));
    h.http.answers.push_back(FakeHttp::answer(200, ok_body));
    CHECK(h.api.verify(token, "s_0123456789ab", info).id == 9171);
    CHECK(h.http.requests.size() == 3);
    CHECK(h.slept == std::vector<Millis>{Millis(100), Millis(200)});
}

TEST_CASE("Api honours Retry-After on 429", "[gitlab][api][retry]") {
    Harness h;
    h.http.answers.push_back(FakeHttp::answer(429, "", {{"retry-after", "3"}}));
    h.http.answers.push_back(FakeHttp::answer(200, ok_body));
    h.api.verify(token, "s_0123456789ab", info);
    CHECK(h.slept == std::vector<Millis>{Millis(3000)});
}

TEST_CASE("Api gives up after 5 tries: GitLab is unavailable (69)", "[gitlab][api][retry]") {
    Harness h;
    for (int i = 0; i < 6; ++i)
        h.http.answers.push_back(FakeHttp::answer(503, R"({"message":"503 Service Unavailable"})"));
    auto [message, code] = error_of([&] { h.api.verify(token, "s_0123456789ab", info); });
    CHECK(code == dind::exit_unavailable);
    CHECK(message == "GitLab at https://gitlab.example.com is unavailable: POST /api/v4/runners/verify answered 503 "
                     "Service Unavailable 5 times");
    CHECK(h.http.requests.size() == 5);
    CHECK(h.slept.size() == 4);
}

TEST_CASE("Api: 403 is 'GitLab rejected the token'", "[gitlab][api]") {
    Harness h;
    h.http.answers.push_back(FakeHttp::answer(403, R"({"message":"403 Forbidden - invalid token supplied"})"));
    auto [message, code] = error_of([&] { h.api.verify(token, "s_0123456789ab", info); });
    CHECK(message == "GitLab rejected the token: 403 Forbidden - invalid token supplied");
    CHECK(code == dind::exit_failed);
    CHECK(h.http.requests.size() == 1);
}

TEST_CASE("Api: 410 on the legacy path says registration tokens are disabled", "[gitlab][api]") {
    Harness h;
    h.http.answers.push_back(FakeHttp::answer(410, R"({"message":"410 Gone - runner registration disallowed"})"));
    auto [message, code] = error_of([&] { h.api.register_runner("GR1348941abcdefghijklmnopqrst", {}, info); });
    CHECK(code == dind::exit_failed);
    CHECK_THAT(message, Catch::StartsWith("this GitLab has registration tokens disabled (410 Gone - runner "
                                          "registration disallowed): create the runner in GitLab"));
    CHECK_THAT(message, Catch::Contains("glrt-"));
    CHECK_THAT(message, Catch::Contains("--token-file"));
    CHECK_THAT(message, Catch::Contains("--pat-file"));
}

TEST_CASE("Api: validation errors name the field", "[gitlab][api]") {
    Harness h;
    h.http.answers.push_back(
        FakeHttp::answer(400, R"({"message":{"maximum_timeout":["needs to be at least 10 minutes"]}})"));
    auto [message, code] = error_of([&] { h.api.register_runner("GR1348941abcdefghijklmnopqrst", {}, info); });
    CHECK(message == "GitLab refused registering the runner: 400 Bad Request: maximum_timeout needs to be at least 10 "
                     "minutes");
    CHECK(code == dind::exit_failed);
}

TEST_CASE("Api: a token GitLab echoes never reaches a message", "[gitlab][api]") {
    Harness h;
    h.http.answers.push_back(FakeHttp::answer(422, R"({"error":"token )" + token + R"( is odd"})"));
    auto [message, code] = error_of([&] { h.api.verify(token, "s_0123456789ab", info); });
    CHECK(message.find(token) == std::string::npos);
    CHECK_THAT(message, Catch::Contains("glrt-\u2026xyz1"));
}

TEST_CASE("Api: connection and TLS failures are exit 69, TLS with a --tls-ca-file hint", "[gitlab][api]") {
    Harness h;
    h.http.answers.push_back(FakeHttp::failure(Failure::connect, "Failed to connect to gitlab.example.com port 443"));
    auto [m1, c1] = error_of([&] { h.api.verify(token, "s_0123456789ab", info); });
    CHECK(c1 == dind::exit_unavailable);
    CHECK(m1 == "cannot connect to GitLab at https://gitlab.example.com: Failed to connect to gitlab.example.com port "
                "443");
    h.http.answers.push_back(FakeHttp::failure(Failure::tls, "SSL certificate problem: unable to get local issuer"));
    auto [m2, c2] = error_of([&] { h.api.verify(token, "s_0123456789ab", info); });
    CHECK(c2 == dind::exit_unavailable);
    CHECK_THAT(m2, Catch::StartsWith("TLS with GitLab at https://gitlab.example.com failed: SSL certificate problem"));
    CHECK_THAT(m2, Catch::Contains("--tls-ca-file"));
    // Never retried: the request may have been processed.
    CHECK(h.http.requests.size() == 2);
}

TEST_CASE("Api: a redirect asks for the instance's own URL", "[gitlab][api]") {
    Harness h;
    h.http.answers.push_back(
        FakeHttp::answer(301, "", {{"location", "https://gitlab.example.org/api/v4/runners/verify"}}));
    auto [message, code] = error_of([&] { h.api.verify(token, "s_0123456789ab", info); });
    CHECK_THAT(message, Catch::Contains("a redirect to https://gitlab.example.org/api/v4/runners/verify"));
    CHECK_THAT(message, Catch::Contains("--url"));
}

TEST_CASE("Api::create_runner sends the personal access token in PRIVATE-TOKEN", "[gitlab][api]") {
    Harness h;
    std::string pat = "glpat-abcdefghijklmnopqrst";
    h.api.add_secret(pat);
    h.http.answers.push_back(FakeHttp::answer(201, R"({"id":5,"token":"glrt-new","token_expires_at":null})"));
    auto c = h.api.create_runner(pat, {"instance_type", {}, {}}, {});
    CHECK(c.id == 5);
    REQUIRE(h.http.requests.size() == 1);
    CHECK(h.http.requests[0].url == "https://gitlab.example.com/api/v4/user/runners");
    REQUIRE(h.http.requests[0].headers.size() == 1);
    CHECK(h.http.requests[0].headers[0].first == "PRIVATE-TOKEN");
    CHECK(h.http.requests[0].headers[0].second == pat);
    CHECK(h.http.requests[0].body.find(pat) == std::string::npos);

    h.http.answers.push_back(FakeHttp::answer(401, R"({"message":"401 Unauthorized"})"));
    auto [message, code] = error_of([&] { h.api.create_runner(pat, {"instance_type", {}, {}}, {}); });
    CHECK_THAT(message, Catch::StartsWith("GitLab rejected the personal access token (401 Unauthorized)"));
    CHECK_THAT(message, Catch::Contains("create_runner"));
}

TEST_CASE("Api deletes: 204 removed, 403 (and 404 for managers) already gone", "[gitlab][api]") {
    Harness h;
    h.http.answers.push_back(FakeHttp::answer(204));
    CHECK(h.api.delete_runner("t") == gitlab::Api::Removal::removed);
    CHECK(h.http.requests.back().method == "DELETE");
    CHECK(h.http.requests.back().url == "https://gitlab.example.com/api/v4/runners");
    CHECK(h.http.requests.back().body == R"({"token":"t"})");
    h.http.answers.push_back(FakeHttp::answer(403, R"({"message":"403 Forbidden"})"));
    CHECK(h.api.delete_runner("t") == gitlab::Api::Removal::already_gone);
    h.http.answers.push_back(FakeHttp::answer(204));
    CHECK(h.api.delete_manager(token, "s_0123456789ab") == gitlab::Api::Removal::removed);
    CHECK(h.http.requests.back().url == "https://gitlab.example.com/api/v4/runners/managers");
    h.http.answers.push_back(FakeHttp::answer(404, R"({"message":"404 Not Found"})"));
    CHECK(h.api.delete_manager(token, "s_0123456789ab") == gitlab::Api::Removal::already_gone);
    h.http.answers.push_back(FakeHttp::answer(404, R"({"message":"404 Not Found"})"));
    CHECK_THROWS_AS(h.api.delete_runner("t"), dind::Error);
}

TEST_CASE("Api::check: 200 alive, 403 dead", "[gitlab][api]") {
    Harness h;
    h.http.answers.push_back(FakeHttp::answer(200, ok_body));
    CHECK(h.api.check(token, "s_0123456789ab", info) == gitlab::Api::Check::alive);
    h.http.answers.push_back(FakeHttp::answer(403, R"({"message":"403 Forbidden"})"));
    CHECK(h.api.check(token, "s_0123456789ab", info) == gitlab::Api::Check::dead);
    h.http.answers.push_back(FakeHttp::answer(500, ""));
    h.http.answers.push_back(FakeHttp::answer(200, ok_body));
    CHECK(h.api.check(token, "s_0123456789ab", info) == gitlab::Api::Check::alive);
}
