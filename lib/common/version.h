#pragma once

namespace dind {
inline constexpr const char* version = "0.1.0";
}
