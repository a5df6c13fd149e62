// Asking for missing values on a terminal, as gitlab-runner register does. Without a terminal
// nothing ever waits for input.
#pragma once
#include <memory>
#include <optional>
#include <string>

namespace dind::gitlab {

class Prompter {
  public:
    virtual ~Prompter() = default;
    virtual bool interactive() const = 0;
    // Shows question (and the default in brackets) and reads one line; a secret is not echoed.
    // An empty answer gives the default; nullopt at end of input.
    virtual std::optional<std::string> ask(const std::string& question, const std::string& default_value,
                                           bool secret) = 0;
};

// Questions on stderr, answers from stdin; interactive only when stdin and stderr are terminals.
std::unique_ptr<Prompter> terminal_prompter();

// Never interactive.
std::unique_ptr<Prompter> no_prompter();

} // namespace dind::gitlab
