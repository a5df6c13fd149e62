// The five kinds of objects the tools list, report and remove, in removal order.
#pragma once
#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace dind::docker {

enum class Kind { container, network, volume, image, build_cache };

inline constexpr std::array<Kind, 5> all_kinds = {Kind::container, Kind::network, Kind::volume, Kind::image,
                                                  Kind::build_cache};

// "container", "network", "volume", "image", "build-cache": the record field `kind`.
std::string_view kind_name(Kind kind);
// Accepts the singular and the plural ("images", "build-cache").
std::optional<Kind> parse_kind(std::string_view text);

} // namespace dind::docker
