#pragma once
#include <cstdint>
#include <string>

namespace dind {

// Decimal sizes as the docker CLI prints them (go-units HumanSizeWithPrecision): "1.23GB", "0B".
std::string human_size(std::int64_t bytes, int precision = 3);

} // namespace dind
