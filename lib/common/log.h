#pragma once
#include <string>

namespace dind {

// Diagnostics go to stderr as "<tool>: <level>: <message>"; colour only on a terminal and never
// with NO_COLOR set.
void setup_logging(const std::string& tool, const std::string& level);

} // namespace dind
