// Times and durations as the Docker engine and the docker CLI spell them. Pure: the clock is read
// once per run by the caller (from the engine's /info SystemTime) and passed in.
#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dind {

using Nanos = std::chrono::nanoseconds;
using TimePoint = std::chrono::time_point<std::chrono::system_clock, Nanos>;

// The engine's "now" and its local UTC offset (dates without a zone are read in the ENGINE's
// local time, as the engine itself reads them).
struct EngineClock {
    TimePoint now{};
    std::chrono::seconds utc_offset{0};
};

// RFC 3339 with optional fraction and Z or ±hh:mm. The zero time 0001-01-01T00:00:00Z and
// anything unparsable give nullopt: an unknown time is never taken for "very old".
std::optional<TimePoint> parse_rfc3339(std::string_view text);

// The UTC offset written in an RFC 3339 time ("+01:00" → 3600s); 0 for Z or none.
std::chrono::seconds rfc3339_offset(std::string_view text);

// "2026-11-29T23:58:44Z" (seconds precision, UTC).
std::string format_rfc3339(TimePoint t);

TimePoint from_unix_seconds(std::int64_t seconds);

// A Go duration ("168h", "1h30m", "1.5h", "300ms") extended with days and weeks ("7d", "2w").
// nullopt when the text is not one. Negative durations are not accepted.
std::optional<Nanos> parse_duration(std::string_view text);

// The value of an `until` filter: a duration counted back from clock.now, a date or date-time
// (without a zone read at clock.utc_offset), or unix seconds with an optional fraction.
// Throws a usage error naming the value when it is none of these.
TimePoint parse_until(std::string_view text, const EngineClock& clock);

// Compact age for tables: "42s", "17m", "5h", "3d".
std::string format_age(Nanos age);

// Whole seconds in a duration, for JSON and metrics.
inline double to_seconds(Nanos d) { return std::chrono::duration<double>(d).count(); }

} // namespace dind
