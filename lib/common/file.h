#pragma once
#include <cstddef>
#include <string>

namespace dind {

// Reads fd to its end, or until more than limit bytes have come, and closes it. On a read error
// it returns false with errno's value in error (fd closed too).
bool read_and_close(int fd, std::string& text, int& error, std::size_t limit = static_cast<std::size_t>(-1));

} // namespace dind
