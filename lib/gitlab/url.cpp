#include "gitlab/url.h"

#include "common/error.h"

#include <cctype>

namespace dind::gitlab {

std::string normalise_url(std::string_view url) {
    std::string given(url);
    auto bad = [&](const std::string& why) { return usage_error("invalid GitLab URL '" + given + "': " + why); };
    if (given.empty()) throw usage_error("the GitLab URL is empty");
    for (char c : given)
        if (std::isspace(static_cast<unsigned char>(c)) || std::iscntrl(static_cast<unsigned char>(c)))
            throw bad("it contains blanks");
    auto sep = given.find("://");
    if (sep == std::string::npos) throw bad("want https://host[:port][/path]");
    std::string scheme = given.substr(0, sep);
    for (auto& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (scheme != "https" && scheme != "http") throw bad("the scheme must be https or http");
    std::string rest = given.substr(sep + 3);
    if (rest.find_first_of("?#") != std::string::npos) throw bad("no query or fragment allowed");
    auto slash = rest.find('/');
    std::string authority = rest.substr(0, slash);
    std::string path = slash == std::string::npos ? "" : rest.substr(slash);
    if (authority.find('@') != std::string::npos) throw bad("no credentials allowed in the URL");
    if (authority.empty() || authority[0] == ':') throw bad("no host");
    auto close = authority.rfind(']');
    auto colon = authority.rfind(':');
    if (colon != std::string::npos && (close == std::string::npos || colon > close)) {
        std::string port = authority.substr(colon + 1);
        bool digits = !port.empty() && port.size() <= 5 && port.find_first_not_of("0123456789") == std::string::npos;
        if (!digits || std::stoi(port) < 1 || std::stoi(port) > 65535) throw bad("bad port '" + port + "'");
    }
    while (!path.empty() && path.back() == '/') path.pop_back();
    if (path.size() >= 3 && path.compare(path.size() - 3, 3, "/ci") == 0) path.erase(path.size() - 3);
    while (!path.empty() && path.back() == '/') path.pop_back();
    return scheme + "://" + authority + path;
}

std::string api_url(const std::string& base, std::string_view endpoint) {
    return base + "/api/v4/" + std::string(endpoint);
}

bool is_https(std::string_view normalised_url) { return normalised_url.substr(0, 8) == "https://"; }

} // namespace dind::gitlab
