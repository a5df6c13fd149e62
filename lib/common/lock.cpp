#include "common/lock.h"

#include "common/error.h"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <thread>
#include <unistd.h>

namespace dind {

std::string default_lock_path() {
    if (::access("/run/lock", W_OK) == 0) return "/run/lock/dind-tools.lock";
    return "/tmp/dind-tools.lock";
}

FileLock::FileLock(const std::string& path, double wait_seconds) {
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) throw Error("cannot open lock file " + path + ": " + std::strerror(errno));
    auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(wait_seconds);
    for (;;) {
        if (::flock(fd_, LOCK_EX | LOCK_NB) == 0) return;
        if (errno != EWOULDBLOCK && errno != EINTR) {
            int e = errno;
            ::close(fd_);
            throw Error("cannot lock " + path + ": " + std::strerror(e));
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            ::close(fd_);
            throw Error("another run holds the lock " + path, exit_locked);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
}

FileLock::~FileLock() {
    if (fd_ >= 0) ::close(fd_);
}

} // namespace dind
