#include "common/time.h"

#include "common/error.h"

#include <catch2/catch.hpp>

#include <string>

using namespace std::chrono_literals;
using dind::EngineClock;
using dind::Nanos;
using dind::TimePoint;

namespace {

// Nanoseconds since the epoch: comparable, and printable when an assertion fails.
std::int64_t ns(TimePoint t) { return t.time_since_epoch().count(); }
std::int64_t ns(std::int64_t seconds, std::int64_t nanos = 0) { return seconds * 1000000000 + nanos; }

// A parsed duration in nanoseconds, -1 (never a result) for nullopt: printable when a check fails.
std::int64_t dur(const std::string& text) {
    auto d = dind::parse_duration(text);
    return d ? d->count() : -1;
}

// The engine's SystemTime in tests/unit/fixtures/api-1.41-info.json: 2026-11-29T23:59:05.808067598Z.
const std::int64_t system_time_s = 1795996745;

} // namespace

TEST_CASE("parse_rfc3339 reads UTC times with and without a fraction", "[time]") {
    auto t = dind::parse_rfc3339("2026-11-29T23:59:05Z");
    REQUIRE(t);
    CHECK(ns(*t) == ns(system_time_s));

    auto engine = dind::parse_rfc3339("2026-11-29T23:59:05.808067598Z");
    REQUIRE(engine);
    CHECK(ns(*engine) == ns(system_time_s, 808067598));

    // Shorter fractions are scaled; digits past nanoseconds are dropped.
    CHECK(ns(*dind::parse_rfc3339("2026-11-29T23:59:05.5Z")) == ns(system_time_s, 500000000));
    CHECK(ns(*dind::parse_rfc3339("2026-11-29T23:59:05.000001Z")) == ns(system_time_s, 1000));
    CHECK(ns(*dind::parse_rfc3339("2026-11-29T23:59:05.1234567891Z")) == ns(system_time_s, 123456789));
    CHECK(ns(*dind::parse_rfc3339("2026-11-29t23:59:05z")) == ns(system_time_s));
    CHECK(ns(*dind::parse_rfc3339("1970-01-01T00:00:00Z")) == 0);
}

TEST_CASE("parse_rfc3339 applies the written UTC offset", "[time]") {
    CHECK(ns(*dind::parse_rfc3339("2026-11-30T00:59:05+01:00")) == ns(system_time_s));
    CHECK(ns(*dind::parse_rfc3339("2026-11-29T18:29:05-05:30")) == ns(system_time_s));
    CHECK(ns(*dind::parse_rfc3339("2026-11-29T23:59:05+00:00")) == ns(system_time_s));
    // The form the engine uses for BuildTime.
    CHECK(ns(*dind::parse_rfc3339("2026-05-07T21:09:36.000000000+00:00")) ==
          ns(*dind::parse_rfc3339("2026-05-07T21:09:36Z")));
}

TEST_CASE("parse_rfc3339 gives nullopt for the zero time, so it is never taken for very old", "[time]") {
    CHECK_FALSE(dind::parse_rfc3339("0001-01-01T00:00:00Z"));
    CHECK_FALSE(dind::parse_rfc3339("0001-01-01T00:00:00.000000000Z"));
}

TEST_CASE("parse_rfc3339 gives nullopt for anything it cannot read", "[time]") {
    for (const char* text : {"", "garbage", "2026-11-29", "2026-11-29T23:59:05", "2026-11-29 23:59",
                             "2026-11-29T23:59:05ZZ", "2026-11-29T23:59:05.Z", "2026-11-29T23:59:05+0100",
                             "26-11-29T23:59:05Z", "2026/11/29T23:59:05Z", "1795996745"}) {
        INFO(text);
        CHECK_FALSE(dind::parse_rfc3339(text));
    }
}

TEST_CASE("parse_rfc3339 rejects impossible dates and times", "[time]") {
    for (const char* text :
         {"2026-02-30T00:00:00Z", "2026-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z",
          "2026-04-31T00:00:00Z", "2026-11-29T24:00:00Z", "2026-11-29T23:60:00Z", "2026-11-29T23:59:61Z"}) {
        INFO(text);
        CHECK_FALSE(dind::parse_rfc3339(text));
    }
    CHECK(dind::parse_rfc3339("2028-02-29T00:00:00Z")); // a leap year
}

TEST_CASE("parse_rfc3339 rejects times a nanosecond clock cannot hold instead of wrapping", "[time]") {
    CHECK_FALSE(dind::parse_rfc3339("9999-12-31T23:59:59Z"));
    CHECK_FALSE(dind::parse_rfc3339("1500-01-01T00:00:00Z"));
    CHECK(dind::parse_rfc3339("2200-01-01T00:00:00Z"));
}

TEST_CASE("rfc3339_offset reads the zone of a time", "[time]") {
    CHECK(dind::rfc3339_offset("2026-11-30T00:59:05+01:00").count() == 3600);
    CHECK(dind::rfc3339_offset("2026-11-29T18:29:05.123-05:30").count() == -19800);
    CHECK(dind::rfc3339_offset("2026-11-29T23:59:05.808067598Z").count() == 0);
    CHECK(dind::rfc3339_offset("2026-11-29T23:59:05").count() == 0);
    CHECK(dind::rfc3339_offset("garbage").count() == 0);
}

TEST_CASE("format_rfc3339 prints UTC at seconds precision", "[time]") {
    CHECK(dind::format_rfc3339(TimePoint{Nanos{ns(system_time_s, 808067598)}}) == "2026-11-29T23:59:05Z");
    CHECK(dind::format_rfc3339(TimePoint{}) == "1970-01-01T00:00:00Z");
    CHECK(dind::format_rfc3339(dind::from_unix_seconds(1764000000)) == "2025-11-24T16:00:00Z");
    CHECK(dind::format_rfc3339(*dind::parse_rfc3339("2026-11-30T00:59:05+01:00")) == "2026-11-29T23:59:05Z");
}

TEST_CASE("parse_duration reads Go durations", "[time][duration]") {
    CHECK(dur("168h") == Nanos{168h}.count());
    CHECK(dur("1h30m") == Nanos{90min}.count());
    CHECK(dur("1.5h") == Nanos{90min}.count());
    CHECK(dur("300ms") == Nanos{300ms}.count());
    CHECK(dur("2h45m30.5s") == Nanos{2h + 45min + 30s + 500ms}.count());
    CHECK(dur("10s") == Nanos{10s}.count());
    CHECK(dur("1500us") == Nanos{1500us}.count());
    CHECK(dur("1500\xc2\xb5s") == Nanos{1500us}.count());
    CHECK(dur("42ns") == Nanos{42}.count());
    CHECK(dur(".5s") == Nanos{500ms}.count());
    CHECK(dur("0s") == Nanos{0}.count());
}

TEST_CASE("parse_duration adds days and weeks", "[time][duration]") {
    CHECK(dur("7d") == Nanos{168h}.count());
    CHECK(dur("2w") == Nanos{336h}.count());
    CHECK(dur("1w2d3h") == Nanos{168h + 48h + 3h}.count());
}

TEST_CASE("parse_duration accepts a bare 0 as Go does", "[time][duration]") { CHECK(dur("0") == Nanos{0}.count()); }

TEST_CASE("parse_duration rejects what is not a duration", "[time][duration]") {
    for (const char* text : {"", "h", "7", "10", "-1h", "+1h", "1x", "1..5h", ".h", "1h30", "1 h", " 1h", "1H",
                             "1.5.5h", "abc", "1h-30m"}) {
        INFO(text);
        CHECK_FALSE(dind::parse_duration(text));
    }
}

TEST_CASE("parse_duration rejects durations too long to hold instead of overflowing", "[time][duration]") {
    CHECK_FALSE(dind::parse_duration("3000000h"));
    CHECK_FALSE(dind::parse_duration("99999999999999999999w"));
    CHECK_FALSE(dind::parse_duration(std::string(5000, '9') + "h"));
    CHECK(dur("2000000h") == Nanos{2000000h}.count());
}

TEST_CASE("parse_until counts a duration back from the engine's clock", "[time][until]") {
    EngineClock clock{TimePoint{Nanos{ns(system_time_s, 808067598)}}, 3600s};
    CHECK(ns(dind::parse_until("168h", clock)) == ns(system_time_s - 168 * 3600, 808067598));
    CHECK(ns(dind::parse_until("7d", clock)) == ns(system_time_s - 7 * 86400, 808067598));
    CHECK(ns(dind::parse_until("2w", clock)) == ns(system_time_s - 14 * 86400, 808067598));
    CHECK(ns(dind::parse_until("1h30m", clock)) == ns(system_time_s - 5400, 808067598));
    CHECK(ns(dind::parse_until("0s", clock)) == ns(clock.now));
}

TEST_CASE("parse_until reads dates and date-times", "[time][until]") {
    EngineClock utc{TimePoint{Nanos{ns(system_time_s)}}, 0s};
    EngineClock cet{TimePoint{Nanos{ns(system_time_s)}}, 3600s};
    const std::int64_t nov1 = 1793491200; // 2026-11-01T00:00:00Z

    SECTION("with a zone, the zone counts and the engine's offset does not") {
        CHECK(ns(dind::parse_until("2026-11-01T03:00:00Z", cet)) == ns(nov1 + 3 * 3600));
        CHECK(ns(dind::parse_until("2026-11-01T03:00:00+01:00", utc)) == ns(nov1 + 2 * 3600));
        CHECK(ns(dind::parse_until("2026-11-01T03:00:00.25Z", cet)) == ns(nov1 + 3 * 3600, 250000000));
        CHECK(ns(dind::parse_until("2026-11-01Z", cet)) == ns(nov1));
    }
    SECTION("without a zone, it is the engine's local time") {
        CHECK(ns(dind::parse_until("2026-11-01", utc)) == ns(nov1));
        CHECK(ns(dind::parse_until("2026-11-01", cet)) == ns(nov1 - 3600));
        CHECK(ns(dind::parse_until("2026-11-01T03:00:00", cet)) == ns(nov1 + 2 * 3600));
        CHECK(ns(dind::parse_until("2026-11-01T03:00", cet)) == ns(nov1 + 2 * 3600));
        EngineClock west{utc.now, -5 * 3600s};
        CHECK(ns(dind::parse_until("2026-11-01", west)) == ns(nov1 + 5 * 3600));
    }
}

TEST_CASE("parse_until reads unix seconds with an optional fraction", "[time][until]") {
    EngineClock clock{TimePoint{Nanos{ns(system_time_s)}}, 3600s};
    CHECK(ns(dind::parse_until("1764000000", clock)) == ns(1764000000));
    CHECK(ns(dind::parse_until("1764000000.5", clock)) == ns(1764000000, 500000000));
    CHECK(ns(dind::parse_until("1764000000.000000001", clock)) == ns(1764000000, 1));
}

TEST_CASE("parse_until reads 0 as the epoch, not as no time at all", "[time][until]") {
    EngineClock clock{TimePoint{Nanos{ns(system_time_s)}}, 3600s};
    CHECK(ns(dind::parse_until("0", clock)) == 0);
}

TEST_CASE("parse_until throws a usage error naming the value", "[time][until]") {
    EngineClock clock{TimePoint{Nanos{ns(system_time_s)}}, 0s};
    for (const char* text : {"garbage", "", "-1h", "1x", "2026-02-30", "2026-11-01T25:00:00Z", "1764000000.",
                             "1764000000.1234567891", "1.2.3", "yesterday", "99999999999"}) {
        INFO(text);
        try {
            dind::parse_until(text, clock);
            FAIL_CHECK("no error for '" << text << "'");
        } catch (const dind::Error& e) {
            CHECK(e.exit_code() == dind::exit_usage);
            CHECK_THAT(e.what(), Catch::Contains("'" + std::string(text) + "'"));
        }
    }
}

TEST_CASE("format_age prints the largest whole unit", "[time]") {
    CHECK(dind::format_age(Nanos{0}) == "0s");
    CHECK(dind::format_age(42s) == "42s");
    CHECK(dind::format_age(59s + 999ms) == "59s");
    CHECK(dind::format_age(60s) == "1m");
    CHECK(dind::format_age(17min + 30s) == "17m");
    CHECK(dind::format_age(59min) == "59m");
    CHECK(dind::format_age(1h) == "1h");
    CHECK(dind::format_age(5h + 59min) == "5h");
    CHECK(dind::format_age(47h) == "47h");
    CHECK(dind::format_age(48h) == "2d");
    CHECK(dind::format_age(3 * 24h + 5h) == "3d");
    CHECK(dind::format_age(400 * 24h) == "400d");
    CHECK(dind::format_age(-5s) == "0s"); // a clock skew never shows a negative age
}

TEST_CASE("to_seconds keeps the fraction", "[time]") {
    CHECK(dind::to_seconds(1500ms) == Approx(1.5));
    CHECK(dind::to_seconds(168h) == Approx(604800.0));
}
