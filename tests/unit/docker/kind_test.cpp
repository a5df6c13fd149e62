#include "docker/kind.h"

#include <catch2/catch.hpp>

#include <string>

using dind::docker::Kind;

TEST_CASE("all_kinds lists the kinds in removal order", "[kind]") {
    REQUIRE(dind::docker::all_kinds.size() == 5);
    CHECK(dind::docker::all_kinds[0] == Kind::container);
    CHECK(dind::docker::all_kinds[1] == Kind::network);
    CHECK(dind::docker::all_kinds[2] == Kind::volume);
    CHECK(dind::docker::all_kinds[3] == Kind::image);
    CHECK(dind::docker::all_kinds[4] == Kind::build_cache);
}

TEST_CASE("kind_name gives the record field spelling", "[kind]") {
    CHECK(dind::docker::kind_name(Kind::container) == "container");
    CHECK(dind::docker::kind_name(Kind::network) == "network");
    CHECK(dind::docker::kind_name(Kind::volume) == "volume");
    CHECK(dind::docker::kind_name(Kind::image) == "image");
    CHECK(dind::docker::kind_name(Kind::build_cache) == "build-cache");
}

TEST_CASE("parse_kind accepts the singular and the plural", "[kind]") {
    CHECK(dind::docker::parse_kind("container") == Kind::container);
    CHECK(dind::docker::parse_kind("containers") == Kind::container);
    CHECK(dind::docker::parse_kind("network") == Kind::network);
    CHECK(dind::docker::parse_kind("networks") == Kind::network);
    CHECK(dind::docker::parse_kind("volume") == Kind::volume);
    CHECK(dind::docker::parse_kind("volumes") == Kind::volume);
    CHECK(dind::docker::parse_kind("image") == Kind::image);
    CHECK(dind::docker::parse_kind("images") == Kind::image);
    CHECK(dind::docker::parse_kind("build-cache") == Kind::build_cache);
    CHECK(dind::docker::parse_kind("build-caches") == Kind::build_cache);
    CHECK(dind::docker::parse_kind("buildcache") == Kind::build_cache);
}

TEST_CASE("parse_kind round-trips kind_name", "[kind]") {
    for (Kind k : dind::docker::all_kinds) {
        INFO(std::string(dind::docker::kind_name(k)));
        CHECK(dind::docker::parse_kind(dind::docker::kind_name(k)) == k);
    }
}

TEST_CASE("parse_kind rejects anything else", "[kind]") {
    for (const char* text : {"", "s", "Image", "IMAGES", "imagess", "imagex", "containerss", "build", "build_cache",
                             "build-caches2", "cache", "volume ", " volume"}) {
        INFO(text);
        CHECK_FALSE(dind::docker::parse_kind(text));
    }
}
