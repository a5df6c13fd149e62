#include "gitlab/retry.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <string>

namespace dind::gitlab {

bool retryable_status(long status) {
    return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

std::optional<Millis> parse_retry_after(std::string_view value, std::time_t now) {
    std::string v(value);
    while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back()))) v.pop_back();
    while (!v.empty() && std::isspace(static_cast<unsigned char>(v.front()))) v.erase(v.begin());
    if (v.empty()) return std::nullopt;
    if (std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        if (v.size() > 9) return Millis(std::chrono::hours(24 * 365)); // absurd, capped by the caller
        return Millis(std::stoll(v) * 1000);
    }
    std::tm tm{};
    const char* end = ::strptime(v.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    if (!end || *end != '\0') return std::nullopt;
    std::time_t at = ::timegm(&tm);
    return Millis(at > now ? (at - now) * 1000 : 0);
}

std::optional<Millis> retry_delay(const RetryPolicy& policy, int tries_done, long status, std::string_view retry_after,
                                  std::time_t now) {
    if (!retryable_status(status) || tries_done >= policy.max_tries) return std::nullopt;
    if (auto given = parse_retry_after(retry_after, now)) return std::min(*given, policy.max_delay);
    Millis delay = policy.base_delay;
    for (int i = 1; i < tries_done && delay < policy.max_delay; ++i) delay *= 2;
    return std::min(delay, policy.max_delay);
}

} // namespace dind::gitlab
