#include "gitlab/secret.h"

namespace dind::gitlab {
namespace {

// GitLab's token prefixes (longest first where one starts another).
constexpr std::string_view prefixes[] = {"glrtr-", "glrt-", "glpat-", "gloas-",   "gldt-",    "glptt-",
                                         "glcbt-", "glft-", "glimt-", "glagent-", "GR1348941"};

std::string_view prefix_of(std::string_view token) {
    for (auto p : prefixes)
        if (token.substr(0, p.size()) == p) return p;
    return {};
}

} // namespace

bool is_authentication_token(std::string_view token) { return token.substr(0, 5) == "glrt-"; }

std::string redact(std::string_view token) {
    std::string_view prefix = prefix_of(token);
    std::string out(prefix);
    out += "\u2026";
    if (token.size() >= prefix.size() + 16 + 4) out += token.substr(token.size() - 4);
    return out;
}

std::string scrub(std::string text, const std::vector<std::string>& secrets) {
    for (const auto& secret : secrets) {
        if (secret.empty()) continue;
        std::string shown = redact(secret);
        for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at + shown.size()))
            text.replace(at, secret.size(), shown);
    }
    return text;
}

bool looks_like_token(std::string_view argument) {
    // "glrt-…" or "--opt=glrt-…" followed by at least 16 token characters; a file name such as
    // /run/secrets/glrt-token is not a token.
    auto eq = argument.find('=');
    std::string_view value =
        argument.substr(0, 2) == "--" && eq != std::string_view::npos ? argument.substr(eq + 1) : argument;
    std::string_view prefix = prefix_of(value);
    if (prefix.empty()) return false;
    std::string_view rest = value.substr(prefix.size());
    if (rest.size() < 16) return false;
    for (char c : rest) {
        bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '-' ||
                  c == '.';
        if (!ok) return false;
    }
    return true;
}

} // namespace dind::gitlab
