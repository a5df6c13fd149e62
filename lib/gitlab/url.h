// GitLab URLs as gitlab-runner treats them: the API lives at the instance URL without trailing
// slashes and without the legacy "/ci" suffix, plus "/api/v4/".
#pragma once
#include <string>
#include <string_view>

namespace dind::gitlab {

// "https://gitlab.example.com/" and "https://gitlab.example.com/ci" → "https://gitlab.example.com";
// a relative URL root stays ("https://example.com/gitlab/" → "https://example.com/gitlab"). The
// scheme is lower-cased. Throws a usage error for anything but http(s)://host[:port][/path], and
// for credentials, a query or a fragment in the URL.
std::string normalise_url(std::string_view url);

// base + "/api/v4/" + endpoint ("runners/verify").
std::string api_url(const std::string& base, std::string_view endpoint);

bool is_https(std::string_view normalised_url);

} // namespace dind::gitlab
