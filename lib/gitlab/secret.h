// Tokens never reach a log, a message, stdout or --dry-run output in full: they are shown as
// "glrt-…xyz1" at most.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace dind::gitlab {

// A runner authentication token (created in the UI or by POST /user/runners) starts "glrt-";
// anything else given as a runner token is a legacy one.
bool is_authentication_token(std::string_view token);

// The token's known prefix ("glrt-", "glpat-", "GR1348941", …), an ellipsis, and its last four
// characters when at least 16 others stay hidden: "glrt-…xyz1". Never more.
std::string redact(std::string_view token);

// text with every occurrence of each (non-empty) secret replaced by its redaction.
std::string scrub(std::string text, const std::vector<std::string>& secrets);

// An argument that carries a GitLab token by its prefix: such a command line is refused, since
// `ps` shows it to every user.
bool looks_like_token(std::string_view argument);

} // namespace dind::gitlab
