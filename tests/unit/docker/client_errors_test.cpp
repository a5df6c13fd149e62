#include "docker/client.h"
#include "docker/parse.h"

#include <catch2/catch.hpp>

#include <string>

namespace docker = dind::docker;

TEST_CASE("engine_error_message lower-cases the engine's 'No such' messages", "[client][errors]") {
    CHECK(docker::engine_error_message(404, R"({"message":"No such container: x"})") == "no such container: x");
    CHECK(docker::engine_error_message(404, R"({"message":"No such image: bc:1"})") == "no such image: bc:1");
    CHECK(docker::engine_error_message(404, R"({"message":"get vnamed: no such volume"})") ==
          "get vnamed: no such volume");
    CHECK(docker::engine_error_message(404, R"({"message":"network tn1 not found"})") == "network tn1 not found");
}

TEST_CASE("engine_error_message marks conflicts once", "[client][errors]") {
    CHECK(
        docker::engine_error_message(
            409,
            R"({"message":"You cannot remove a running container 926f90239150. Stop the container before attempting removal or force remove"})") ==
        "conflict: You cannot remove a running container 926f90239150. Stop the container before attempting "
        "removal or force remove");
    CHECK(
        docker::engine_error_message(
            409,
            R"({"message":"remove vnamed: volume is in use - [3ed5928a83d1e2fc914db3205d92dd218f57b914c6d469357ea6f21e6441e206]"})") ==
        "conflict: remove vnamed: volume is in use - "
        "[3ed5928a83d1e2fc914db3205d92dd218f57b914c6d469357ea6f21e6441e206]");
    CHECK(
        docker::engine_error_message(
            409,
            R"({"message":"conflict: unable to delete d0ae12b55554 (cannot be forced) - image is being used by running container 926f90239150"})") ==
        "conflict: unable to delete d0ae12b55554 (cannot be forced) - image is being used by running container "
        "926f90239150");
    // Only 409 is a conflict.
    CHECK(docker::engine_error_message(500, R"({"message":"driver failed"})") == "driver failed");
}

TEST_CASE("engine_error_message falls back to the body, then the status", "[client][errors]") {
    CHECK(docker::engine_error_message(404, "404 page not found\n") == "404 page not found");
    CHECK(docker::engine_error_message(502, "") == "HTTP status 502");
    CHECK(docker::engine_error_message(409, "") == "conflict: HTTP status 409");
    CHECK(docker::engine_error_message(500, "\n") == "HTTP status 500");
}

TEST_CASE("url_encode keeps unreserved characters and escapes the rest", "[client]") {
    CHECK(docker::url_encode("abcXYZ019-_.~") == "abcXYZ019-_.~");
    CHECK(docker::url_encode("dindtest/busybox:latest") == "dindtest%2Fbusybox%3Alatest");
    CHECK(docker::url_encode("a b+c&d=e?f#g%") == "a%20b%2Bc%26d%3De%3Ff%23g%25");
    CHECK(docker::url_encode("{\"id\":{\"q7nrxtrjozjvimtr9j2t2eyki\":true}}") ==
          "%7B%22id%22%3A%7B%22q7nrxtrjozjvimtr9j2t2eyki%22%3Atrue%7D%7D");
    CHECK(docker::url_encode("\xc3\xa9") == "%C3%A9");
    CHECK(docker::url_encode("") == "");
}

TEST_CASE("api_version_less compares major then minor numerically", "[client]") {
    CHECK(docker::api_version_less("1.41", "1.43"));
    CHECK_FALSE(docker::api_version_less("1.43", "1.41"));
    CHECK_FALSE(docker::api_version_less("1.41", "1.41"));
    CHECK(docker::api_version_less("1.9", "1.41"));
    CHECK(docker::api_version_less("1.12", "1.41"));
    CHECK(docker::api_version_less("1.45", "2.0"));
    CHECK_FALSE(docker::api_version_less("2.0", "1.45"));
    CHECK(docker::api_version_less(docker::min_api_version, docker::max_api_version));
}

TEST_CASE("api_version_less is false for anything unparsable", "[client]") {
    for (const char* bad : {"", "1", "v1.41", "1.41x", "1.41.0", "abc", "1,41"}) {
        INFO(bad);
        CHECK_FALSE(docker::api_version_less(bad, "1.45"));
        CHECK_FALSE(docker::api_version_less("1.0", bad));
    }
}
