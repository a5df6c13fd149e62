#include "gitlab/retry.h"

#include <catch2/catch.hpp>

namespace gitlab = dind::gitlab;
using gitlab::Millis;

TEST_CASE("retryable_status: 408, 429, 500, 502, 503, 504", "[gitlab][retry]") {
    for (long s : {408, 429, 500, 502, 503, 504}) CHECK(gitlab::retryable_status(s));
    for (long s : {200, 201, 204, 400, 401, 403, 404, 409, 410, 422, 501, 505})
        CHECK_FALSE(gitlab::retryable_status(s));
}

TEST_CASE("retry_delay doubles from 100 ms and stops after 5 tries", "[gitlab][retry]") {
    gitlab::RetryPolicy p;
    CHECK(gitlab::retry_delay(p, 1, 500, "", 0) == Millis(100));
    CHECK(gitlab::retry_delay(p, 2, 502, "", 0) == Millis(200));
    CHECK(gitlab::retry_delay(p, 3, 503, "", 0) == Millis(400));
    CHECK(gitlab::retry_delay(p, 4, 504, "", 0) == Millis(800));
    CHECK_FALSE(gitlab::retry_delay(p, 5, 500, "", 0));
    CHECK_FALSE(gitlab::retry_delay(p, 1, 403, "", 0));
    CHECK_FALSE(gitlab::retry_delay(p, 1, 200, "", 0));
}

TEST_CASE("retry_delay never waits more than max_delay", "[gitlab][retry]") {
    gitlab::RetryPolicy p;
    p.max_tries = 20;
    CHECK(gitlab::retry_delay(p, 10, 500, "", 0) == Millis(51200));
    CHECK(gitlab::retry_delay(p, 11, 500, "", 0) == Millis(60000));
    CHECK(gitlab::retry_delay(p, 19, 500, "", 0) == Millis(60000));
    CHECK(gitlab::retry_delay(p, 1, 429, "3600", 0) == Millis(60000));
}

TEST_CASE("retry_delay honours Retry-After", "[gitlab][retry]") {
    gitlab::RetryPolicy p;
    CHECK(gitlab::retry_delay(p, 1, 429, "3", 0) == Millis(3000));
    CHECK(gitlab::retry_delay(p, 1, 503, " 1 ", 0) == Millis(1000));
    CHECK(gitlab::retry_delay(p, 4, 429, "0", 0) == Millis(0));
    // An unreadable one: the usual backoff.
    CHECK(gitlab::retry_delay(p, 2, 429, "soon", 0) == Millis(200));
    // Still bounded by the tries.
    CHECK_FALSE(gitlab::retry_delay(p, 5, 429, "1", 0));
}

TEST_CASE("parse_retry_after reads seconds and HTTP dates", "[gitlab][retry]") {
    // Wed, 21 Oct 2015 07:28:00 GMT = 1445412480
    std::time_t now = 1445412480 - 7;
    CHECK(gitlab::parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now) == Millis(7000));
    CHECK(gitlab::parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now + 100) == Millis(0));
    CHECK(gitlab::parse_retry_after("120", now) == Millis(120000));
    CHECK_FALSE(gitlab::parse_retry_after("", now));
    CHECK_FALSE(gitlab::parse_retry_after("-5", now));
    CHECK_FALSE(gitlab::parse_retry_after("1.5", now));
    CHECK_FALSE(gitlab::parse_retry_after("Wed, 21 Oct 2015", now));
}
