#include "common/size.h"

#include <catch2/catch.hpp>

// Expectations are what the docker CLI prints (go-units HumanSizeWithPrecision, decimal units).

TEST_CASE("human_size prints bytes below a kilobyte as they are", "[size]") {
    CHECK(dind::human_size(0) == "0B");
    CHECK(dind::human_size(1) == "1B");
    CHECK(dind::human_size(64) == "64B");
    CHECK(dind::human_size(999) == "999B");
}

TEST_CASE("human_size uses decimal units with three significant digits", "[size]") {
    CHECK(dind::human_size(1000) == "1kB");
    CHECK(dind::human_size(1500) == "1.5kB");
    CHECK(dind::human_size(1234567) == "1.23MB");
    CHECK(dind::human_size(1982394) == "1.98MB"); // dindtest/busybox in the fixtures
    CHECK(dind::human_size(25276063744) == "25.3GB");
    CHECK(dind::human_size(1000000000) == "1GB");
    CHECK(dind::human_size(1000000000000) == "1TB");
    CHECK(dind::human_size(1000000000000000) == "1PB");
    CHECK(dind::human_size(1000000000000000000) == "1EB");
}

TEST_CASE("human_size takes a precision", "[size]") {
    CHECK(dind::human_size(1234567, 4) == "1.235MB");
    CHECK(dind::human_size(1982394, 4) == "1.982MB");
    CHECK(dind::human_size(999, 4) == "999B");
    CHECK(dind::human_size(1000, 4) == "1kB");
    CHECK(dind::human_size(1234567, 2) == "1.2MB");
}

TEST_CASE("human_size stops at exabytes", "[size]") { CHECK(dind::human_size(9223372036854775807) == "9.22EB"); }
