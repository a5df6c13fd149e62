#include "gitlab/prompt.h"

#include <cstdio>
#include <iostream>
#include <optional>
#include <termios.h>
#include <unistd.h>

namespace dind::gitlab {
namespace {

// Echo off on stdin for as long as it lives.
class NoEcho {
  public:
    NoEcho() {
        if (::tcgetattr(STDIN_FILENO, &saved_) != 0) return;
        termios quiet = saved_;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        quiet.c_lflag |= ECHONL;
        // TCSANOW, not TCSAFLUSH: an answer typed ahead must not be thrown away.
        active_ = ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet) == 0;
    }
    ~NoEcho() {
        if (active_) ::tcsetattr(STDIN_FILENO, TCSANOW, &saved_);
    }
    NoEcho(const NoEcho&) = delete;
    NoEcho& operator=(const NoEcho&) = delete;

  private:
    termios saved_{};
    bool active_ = false;
};

class TerminalPrompter : public Prompter {
  public:
    bool interactive() const override { return ::isatty(STDIN_FILENO) && ::isatty(STDERR_FILENO); }

    std::optional<std::string> ask(const std::string& question, const std::string& default_value,
                                   bool secret) override {
        // Echo goes off before the question shows, so an answer typed at once is never echoed.
        std::optional<NoEcho> no_echo;
        if (secret) no_echo.emplace();
        std::fprintf(stderr, "%s\n", question.c_str());
        if (!default_value.empty()) std::fprintf(stderr, "[%s]", default_value.c_str());
        std::fprintf(stderr, ": ");
        std::fflush(stderr);
        std::string line;
        bool ok = static_cast<bool>(std::getline(std::cin, line));
        no_echo.reset();
        if (!ok) return std::nullopt;
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.pop_back();
        while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.erase(line.begin());
        return line.empty() ? default_value : line;
    }
};

class NoPrompter : public Prompter {
  public:
    bool interactive() const override { return false; }
    std::optional<std::string> ask(const std::string&, const std::string&, bool) override { return std::nullopt; }
};

} // namespace

std::unique_ptr<Prompter> terminal_prompter() { return std::make_unique<TerminalPrompter>(); }
std::unique_ptr<Prompter> no_prompter() { return std::make_unique<NoPrompter>(); }

} // namespace dind::gitlab
