#include "common/time.h"

#include "common/error.h"

#include <date/date.h>

#include <cctype>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace dind {
namespace {

// A tiny scanner over fixed-width date fields; every accessor fails soft (returns false).
class Scanner {
  public:
    explicit Scanner(std::string_view text) : text_(text) {}
    bool done() const { return pos_ == text_.size(); }
    char peek() const { return done() ? '\0' : text_[pos_]; }
    bool accept(char c) {
        if (peek() != c) return false;
        ++pos_;
        return true;
    }
    bool digits(int count, int& value) {
        value = 0;
        for (int i = 0; i < count; ++i) {
            if (done() || !std::isdigit(static_cast<unsigned char>(text_[pos_]))) return false;
            value = value * 10 + (text_[pos_++] - '0');
        }
        return true;
    }
    // ".123456789" → nanoseconds; more than 9 digits are read and truncated.
    bool fraction(Nanos& value) {
        value = Nanos{0};
        if (!accept('.')) return true;
        std::int64_t ns = 0;
        int n = 0;
        while (!done() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) {
            if (n < 9) ns = ns * 10 + (text_[pos_] - '0');
            ++n;
            ++pos_;
        }
        if (n == 0) return false;
        for (int i = n; i < 9; ++i) ns *= 10;
        value = Nanos{ns};
        return true;
    }

  private:
    std::string_view text_;
    std::size_t pos_ = 0;
};

struct Civil {
    TimePoint local{};                          // the wall-clock time read as if it were UTC
    std::optional<std::chrono::seconds> offset; // nullopt when the text had no zone
};

// YYYY-MM-DD[Thh:mm[:ss[.frac]]][Z|±hh:mm]; requires_time demands the time part.
std::optional<Civil> parse_civil(std::string_view text, bool requires_time) {
    Scanner s(text);
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
    Nanos frac{0};
    if (!s.digits(4, y) || !s.accept('-') || !s.digits(2, mo) || !s.accept('-') || !s.digits(2, d)) return std::nullopt;
    bool has_time = s.accept('T') || s.accept('t') || s.accept(' ');
    if (has_time) {
        if (!s.digits(2, h) || !s.accept(':') || !s.digits(2, mi)) return std::nullopt;
        if (s.accept(':') && (!s.digits(2, sec) || !s.fraction(frac))) return std::nullopt;
    } else if (requires_time) {
        return std::nullopt;
    }
    Civil out;
    if (s.accept('Z') || s.accept('z')) {
        out.offset = std::chrono::seconds{0};
    } else if (s.peek() == '+' || s.peek() == '-') {
        int sign = s.peek() == '-' ? -1 : 1;
        s.accept(s.peek());
        int oh = 0, om = 0;
        if (!s.digits(2, oh) || !s.accept(':') || !s.digits(2, om)) return std::nullopt;
        out.offset = std::chrono::seconds{sign * (oh * 3600 + om * 60)};
    }
    if (!s.done()) return std::nullopt;
    date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(mo)},
                             date::day{static_cast<unsigned>(d)}};
    if (!ymd.ok() || h > 23 || mi > 59 || sec > 60) return std::nullopt;
    // TimePoint counts int64 nanoseconds (about 1677 to 2262); a date outside would wrap around,
    // and the zero time 0001-01-01 would come out as a real time in 1754. A day of margin each
    // way leaves room for the time of day and the offset.
    constexpr std::int64_t max_days = std::numeric_limits<std::int64_t>::max() / (86400LL * 1000000000LL) - 2;
    auto days = date::sys_days{ymd}.time_since_epoch().count();
    if (days > max_days || days < -max_days) return std::nullopt;
    out.local = TimePoint{date::sys_days{ymd}.time_since_epoch()} + std::chrono::hours{h} + std::chrono::minutes{mi} +
                std::chrono::seconds{sec} + frac;
    return out;
}

} // namespace

std::optional<TimePoint> parse_rfc3339(std::string_view text) {
    auto civil = parse_civil(text, true);
    if (!civil || !civil->offset) return std::nullopt;
    TimePoint t = civil->local - *civil->offset;
    if (date::year_month_day{date::floor<date::days>(t)}.year() <= date::year{1}) return std::nullopt;
    return t;
}

std::chrono::seconds rfc3339_offset(std::string_view text) {
    auto civil = parse_civil(text, true);
    return civil && civil->offset ? *civil->offset : std::chrono::seconds{0};
}

std::string format_rfc3339(TimePoint t) { return date::format("%FT%TZ", date::floor<std::chrono::seconds>(t)); }

TimePoint from_unix_seconds(std::int64_t seconds) { return TimePoint{std::chrono::seconds{seconds}}; }

std::optional<Nanos> parse_duration(std::string_view text) {
    if (text.empty() || text == "0") return text == "0" ? std::optional<Nanos>(Nanos{0}) : std::nullopt;
    struct Unit {
        std::string_view name;
        double ns;
    };
    static constexpr Unit units[] = {
        {"ns", 1.0}, {"us", 1e3},   {"\xc2\xb5s", 1e3}, {"ms", 1e6},        {"s", 1e9},
        {"m", 60e9}, {"h", 3600e9}, {"d", 86400e9},     {"w", 7 * 86400e9},
    };
    long double total = 0;
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t start = i;
        while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
        std::string_view number = text.substr(start, i - start);
        if (number.empty() || number == "." || number.find('.') != number.rfind('.')) return std::nullopt;
        std::size_t unit_start = i;
        while (i < text.size() && !std::isdigit(static_cast<unsigned char>(text[i])) && text[i] != '.') ++i;
        std::string_view unit = text.substr(unit_start, i - unit_start);
        const Unit* found = nullptr;
        for (const auto& u : units)
            if (u.name == unit) found = &u;
        if (!found) return std::nullopt;
        try {
            total += std::stold(std::string(number)) * found->ns;
        } catch (const std::out_of_range&) { // thousands of digits
            return std::nullopt;
        }
    }
    if (total > static_cast<long double>(std::numeric_limits<std::int64_t>::max())) return std::nullopt;
    return Nanos{static_cast<std::int64_t>(total)};
}

TimePoint parse_until(std::string_view text, const EngineClock& clock) {
    // Like the engine: "0" is the epoch, not a zero duration.
    if (text != "0") {
        if (auto d = parse_duration(text)) return clock.now - *d;
    }
    if (auto civil = parse_civil(text, false)) {
        return civil->local - civil->offset.value_or(clock.utc_offset);
    }
    // seconds[.fraction]
    std::size_t dot = text.find('.');
    std::string_view whole = text.substr(0, dot);
    std::string_view frac = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
    auto all_digits = [](std::string_view s) {
        for (char c : s)
            if (!std::isdigit(static_cast<unsigned char>(c))) return false;
        return true;
    };
    // Up to 2262-04-11, the last second a TimePoint can hold.
    constexpr std::int64_t max_seconds = std::numeric_limits<std::int64_t>::max() / 1000000000LL - 1;
    if (!whole.empty() && whole.size() <= 12 && all_digits(whole) && all_digits(frac) && frac.size() <= 9 &&
        (dot == std::string_view::npos || !frac.empty()) && std::stoll(std::string(whole)) <= max_seconds) {
        std::int64_t ns = 0;
        for (char c : frac) ns = ns * 10 + (c - '0');
        for (std::size_t i = frac.size(); i < 9; ++i) ns *= 10;
        return from_unix_seconds(std::stoll(std::string(whole))) + Nanos{ns};
    }
    throw usage_error("invalid until value '" + std::string(text) +
                      "': want a duration (168h, 7d, 2w), a date (2026-11-01, 2026-11-01T03:00:00Z) or unix seconds");
}

std::string format_age(Nanos age) {
    using namespace std::chrono;
    auto s = duration_cast<seconds>(age).count();
    if (s < 0) s = 0;
    if (s < 60) return std::to_string(s) + "s";
    if (s < 3600) return std::to_string(s / 60) + "m";
    if (s < 48 * 3600) return std::to_string(s / 3600) + "h";
    return std::to_string(s / 86400) + "d";
}

} // namespace dind
