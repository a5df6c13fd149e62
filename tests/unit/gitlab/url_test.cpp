#include "common/error.h"
#include "gitlab/url.h"

#include <catch2/catch.hpp>

namespace gitlab = dind::gitlab;

TEST_CASE("normalise_url drops trailing slashes and the legacy /ci suffix", "[gitlab][url]") {
    CHECK(gitlab::normalise_url("https://gitlab.example.com") == "https://gitlab.example.com");
    CHECK(gitlab::normalise_url("https://gitlab.example.com/") == "https://gitlab.example.com");
    CHECK(gitlab::normalise_url("https://gitlab.example.com//") == "https://gitlab.example.com");
    CHECK(gitlab::normalise_url("https://gitlab.example.com/ci") == "https://gitlab.example.com");
    CHECK(gitlab::normalise_url("https://gitlab.example.com/ci/") == "https://gitlab.example.com");
    CHECK(gitlab::normalise_url("https://example.com/gitlab/") == "https://example.com/gitlab");
    CHECK(gitlab::normalise_url("https://example.com/gitlab/ci") == "https://example.com/gitlab");
    CHECK(gitlab::normalise_url("https://example.com/cicd") == "https://example.com/cicd");
    CHECK(gitlab::normalise_url("HTTPS://gitlab.example.com:8443/") == "https://gitlab.example.com:8443");
    CHECK(gitlab::normalise_url("http://127.0.0.1:8080") == "http://127.0.0.1:8080");
    CHECK(gitlab::normalise_url("https://[::1]:8443/") == "https://[::1]:8443");
}

TEST_CASE("normalise_url refuses what is not an http(s) instance URL", "[gitlab][url]") {
    for (const char* bad : {"", "gitlab.example.com", "ftp://gitlab.example.com", "https://", "https:///path",
                            "https://user:secret@gitlab.example.com", "https://gitlab.example.com/?x=1",
                            "https://gitlab.example.com/#top", "https://gitlab.example.com:/", "https://h:99999",
                            "https://h:8x", "https://gitlab example.com"}) {
        INFO(bad);
        try {
            gitlab::normalise_url(bad);
            FAIL("accepted");
        } catch (const dind::Error& e) {
            CHECK(e.exit_code() == dind::exit_usage);
        }
    }
}

TEST_CASE("api_url appends /api/v4/", "[gitlab][url]") {
    CHECK(gitlab::api_url("https://gitlab.example.com", "runners/verify") ==
          "https://gitlab.example.com/api/v4/runners/verify");
    CHECK(gitlab::api_url("https://example.com/gitlab", "runners") == "https://example.com/gitlab/api/v4/runners");
    CHECK(gitlab::is_https("https://x"));
    CHECK_FALSE(gitlab::is_https("http://x"));
}
