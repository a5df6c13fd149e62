// Where a token comes from: a file, standard input, the environment, or a prompt on the terminal;
// never the command line.
#pragma once
#include "docker/endpoint.h"

#include <functional>
#include <optional>
#include <string>

namespace dind::gitlab {

enum class TokenKind {
    authentication, // glrt-…: POST /runners/verify
    registration,   // legacy: POST /runners
    personal,       // a personal access token: POST /user/runners, then verify
};

struct Token {
    TokenKind kind = TokenKind::authentication;
    std::string value;
    std::string source; // "--token-file /run/secrets/t", "RUNNER_TOKEN", …: for messages
};

struct TokenSources {
    std::string token_file;              // --token-file: a runner authentication token
    std::string registration_token_file; // --registration-token-file
    std::string pat_file;                // --pat-file
    bool from_stdin = false;             // --token-stdin
};

// What a token given without saying its kind is: glrt- → authentication, glpat- → personal,
// else a registration token.
TokenKind kind_by_prefix(const std::string& token);

// The token, from exactly one of the options, else from exactly one of RUNNER_TOKEN,
// REGISTRATION_TOKEN and GITLAB_PAT; nullopt when none is given. A registration token that
// starts with glrt- is an authentication token, as gitlab-runner takes it. Throws a usage error
// for several sources, an unreadable or empty file, or a token of more than one line.
// read_stdin reads all of standard input.
std::optional<Token> resolve_token(const TokenSources& sources, const docker::Getenv& env,
                                   const std::function<std::string()>& read_stdin);

// The trimmed content of a token file; throws a usage error naming it when it cannot be read,
// is empty or holds more than one line. Warns when every user may read it.
std::string read_token_file(const std::string& path);

} // namespace dind::gitlab
