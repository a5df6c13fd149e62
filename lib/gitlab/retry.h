// When to try a GitLab request again: gitlab-runner's policy (5 tries, 100 ms doubling up to 60 s,
// Retry-After honoured) for 408, 429, 500, 502, 503 and 504. Pure.
#pragma once
#include <chrono>
#include <ctime>
#include <optional>
#include <string_view>

namespace dind::gitlab {

using Millis = std::chrono::milliseconds;

struct RetryPolicy {
    int max_tries = 5;
    Millis base_delay{100};
    Millis max_delay{60000};
};

bool retryable_status(long status);

// Retry-After: delta-seconds or an HTTP-date (counted from now, never negative). nullopt when
// absent or unreadable.
std::optional<Millis> parse_retry_after(std::string_view value, std::time_t now);

// How long to wait before the next try after `tries_done` tries, the last answered with `status`
// (and this Retry-After value, "" if none); nullopt: give up (not retryable, or out of tries).
// The wait is Retry-After when given, else base_delay doubled per try; never above max_delay.
std::optional<Millis> retry_delay(const RetryPolicy& policy, int tries_done, long status, std::string_view retry_after,
                                  std::time_t now);

} // namespace dind::gitlab
