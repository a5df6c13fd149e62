#include "common/file.h"

#include <cerrno>
#include <unistd.h>

namespace dind {

bool read_and_close(int fd, std::string& text, int& error, std::size_t limit) {
    char buf[16384];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            error = errno;
            ::close(fd);
            return false;
        }
        if (n == 0) break;
        text.append(buf, static_cast<std::size_t>(n));
        if (text.size() > limit) break;
    }
    ::close(fd);
    return true;
}

} // namespace dind
