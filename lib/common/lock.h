// A single-instance lock (flock on a file), shared by dind-prune and dind-recreate so a cron
// prune never runs into a recreate.
#pragma once
#include <string>

namespace dind {

// /run/lock/dind-tools.lock where /run/lock is writable, else /tmp/dind-tools.lock.
std::string default_lock_path();

class FileLock {
  public:
    // Takes the lock, waiting up to wait_seconds (0: not at all). Throws dind::Error with exit 75
    // when another run holds it.
    FileLock(const std::string& path, double wait_seconds);
    ~FileLock();
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;

  private:
    int fd_ = -1;
};

} // namespace dind
