#include "common/atomic_file.h"

#include "common/error.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace dind {
namespace {

void write_atomically(const std::string& path, const std::string& content, mode_t mode) {
    auto slash = path.rfind('/');
    std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
    std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
    std::string tmp = dir + "/." + base + ".XXXXXX";
    int fd = ::mkstemp(tmp.data());
    if (fd < 0) throw Error("cannot create a temporary file in " + dir + ": " + std::strerror(errno));
    auto fail = [&](const std::string& what) {
        int e = errno;
        ::close(fd);
        ::unlink(tmp.c_str());
        throw Error(what + " " + path + ": " + std::strerror(e));
    };
    if (::fchmod(fd, mode) != 0) fail("cannot set the mode of");
    std::size_t done = 0;
    while (done < content.size()) {
        ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) fail("cannot write");
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) fail("cannot sync");
    if (::close(fd) != 0) {
        int e = errno;
        ::unlink(tmp.c_str());
        throw Error("cannot write " + path + ": " + std::strerror(e));
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        int e = errno;
        ::unlink(tmp.c_str());
        throw Error("cannot replace " + path + ": " + std::strerror(e));
    }
}

} // namespace

void write_file_atomically(const std::string& path, const std::string& content) {
    // Readers such as node_exporter run as another user: the file is world-readable like any
    // file created under the usual umask.
    mode_t mask = ::umask(0);
    ::umask(mask);
    write_atomically(path, content, 0666 & ~mask);
}

void write_file_atomically(const std::string& path, const std::string& content, unsigned mode) {
    write_atomically(path, content, static_cast<mode_t>(mode));
}

} // namespace dind
