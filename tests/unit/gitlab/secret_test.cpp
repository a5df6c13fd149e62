#include "gitlab/secret.h"

#include <catch2/catch.hpp>

namespace gitlab = dind::gitlab;

TEST_CASE("redact shows the prefix and at most the last four characters", "[gitlab][secret]") {
    CHECK(gitlab::redact("glrt-abcdefghijklmnopqrstxyz1") == "glrt-\u2026xyz1");
    CHECK(gitlab::redact("glpat-abcdefghijklmnopqrst") == "glpat-\u2026qrst");
    CHECK(gitlab::redact("GR1348941abcdefghijklmnopqrst") == "GR1348941\u2026qrst");
    CHECK(gitlab::redact("glrtr-abcdefghijklmnopqrst") == "glrtr-\u2026qrst");
    // A legacy token without a prefix.
    CHECK(gitlab::redact("abcdefghijklmnopqrst") == "\u2026qrst");
    // Short tokens: no tail at all, so most of it never shows.
    CHECK(gitlab::redact("glrt-short") == "glrt-\u2026");
    CHECK(gitlab::redact("abcdefghijklmnopqrs") == "\u2026");
    CHECK(gitlab::redact("") == "\u2026");
}

TEST_CASE("scrub replaces every occurrence of every secret", "[gitlab][secret]") {
    std::string a = "glrt-abcdefghijklmnopqrstxyz1", b = "GR1348941abcdefghijklmnopqrst";
    CHECK(gitlab::scrub("token " + a + " and " + a + ", " + b + ".", {a, b, ""}) ==
          "token glrt-\u2026xyz1 and glrt-\u2026xyz1, GR1348941\u2026qrst.");
    CHECK(gitlab::scrub("nothing here", {a}) == "nothing here");
    CHECK(gitlab::scrub("", {a}) == "");
}

TEST_CASE("is_authentication_token is the glrt- prefix", "[gitlab][secret]") {
    CHECK(gitlab::is_authentication_token("glrt-abc"));
    CHECK(gitlab::is_authentication_token("glrt-t1_abc"));
    CHECK_FALSE(gitlab::is_authentication_token("glrtr-abc")); // a runner registration token
    CHECK_FALSE(gitlab::is_authentication_token("GR1348941abc"));
    CHECK_FALSE(gitlab::is_authentication_token("abc"));
}

TEST_CASE("looks_like_token finds tokens in arguments, not file names", "[gitlab][secret]") {
    CHECK(gitlab::looks_like_token("glrt-abcdefghijklmnopqrst"));
    CHECK(gitlab::looks_like_token("--token=glrt-abcdefghijklmnopqrst"));
    CHECK(gitlab::looks_like_token("glpat-abcdefghijklmnopqrst"));
    CHECK(gitlab::looks_like_token("GR1348941abcdefghijklmnopqrst"));
    CHECK(gitlab::looks_like_token("glrt-t1_abcdefghijklmnop.0123"));
    CHECK_FALSE(gitlab::looks_like_token("/run/secrets/glrt-abcdefghijklmnopqrst"));
    CHECK_FALSE(gitlab::looks_like_token("glrt-token.txt"));
    CHECK_FALSE(gitlab::looks_like_token("--token-file=/run/glrt-abcdefghijklmnopqrst"));
    CHECK_FALSE(gitlab::looks_like_token("glrt-abcdefghij/klmnopqrst"));
    CHECK_FALSE(gitlab::looks_like_token("--name"));
    CHECK_FALSE(gitlab::looks_like_token("runner-1"));
}
