#include "docker/kind.h"

namespace dind::docker {

std::string_view kind_name(Kind kind) {
    switch (kind) {
    case Kind::container: return "container";
    case Kind::network: return "network";
    case Kind::volume: return "volume";
    case Kind::image: return "image";
    case Kind::build_cache: return "build-cache";
    }
    return "?";
}

std::optional<Kind> parse_kind(std::string_view text) {
    for (Kind k : all_kinds) {
        std::string_view name = kind_name(k);
        if (text == name) return k;
        if (k != Kind::build_cache && text.size() == name.size() + 1 && text.substr(0, name.size()) == name &&
            text.back() == 's')
            return k;
    }
    if (text == "buildcache" || text == "build-caches") return Kind::build_cache;
    return std::nullopt;
}

} // namespace dind::docker
