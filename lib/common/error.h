// Two tiers of errors: expected failures travel as values (see docker::Outcome); Error stops the
// run, is caught once in main and printed as "<tool>: error: <message>".
#pragma once
#include <stdexcept>
#include <string>

namespace dind {

// The exit statuses every tool shares (sysexits.h where one fits).
enum ExitCode : int {
    exit_ok = 0,
    exit_failed = 1,
    exit_usage = 2,        // usage error or invalid input, detected before anything changed
    exit_unavailable = 69, // the engine (or GitLab) cannot be reached
    exit_locked = 75,      // another run holds the lock
};

class Error : public std::runtime_error {
  public:
    explicit Error(const std::string& message, int exit_code = exit_failed)
        : std::runtime_error(message), code_(exit_code) {}
    int exit_code() const { return code_; }

  private:
    int code_;
};

// Invalid input: nothing has been changed yet.
inline Error usage_error(const std::string& message) { return Error(message, exit_usage); }

} // namespace dind
