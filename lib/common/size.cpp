#include "common/size.h"

#include <cstdio>

namespace dind {

std::string human_size(std::int64_t bytes, int precision) {
    static const char* const units[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
    double size = static_cast<double>(bytes);
    std::size_t unit = 0;
    while (size >= 1000.0 && unit + 1 < sizeof units / sizeof *units) {
        size /= 1000.0;
        ++unit;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*g%s", precision, size, units[unit]);
    return buf;
}

} // namespace dind
