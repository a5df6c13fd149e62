#include "gitlab/token.h"

#include "common/error.h"
#include "common/file.h"

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace dind::gitlab {
namespace {

std::string trim(const std::string& s) {
    const char* blanks = " \t\r\n\v\f";
    auto b = s.find_first_not_of(blanks);
    if (b == std::string::npos) return "";
    return s.substr(b, s.find_last_not_of(blanks) - b + 1);
}

// A token is one word; a newline or blank inside means the wrong file (or a paste gone wrong).
std::string check_token(const std::string& raw, const std::string& source) {
    std::string token = trim(raw);
    if (token.empty()) throw usage_error(source + " is empty");
    if (token.find_first_of(" \t\r\n\v\f") != std::string::npos)
        throw usage_error(source + " holds more than one word; it must hold just the token");
    return token;
}

} // namespace

TokenKind kind_by_prefix(const std::string& token) {
    if (token.rfind("glrt-", 0) == 0) return TokenKind::authentication;
    if (token.rfind("glpat-", 0) == 0) return TokenKind::personal;
    return TokenKind::registration;
}

std::string read_token_file(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw usage_error("cannot read the token file " + path + ": " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & S_IROTH))
        spdlog::warn("every user can read the token file {}; chmod o-r it", path);
    std::string text;
    int e = 0;
    if (!read_and_close(fd, text, e, 65536))
        throw usage_error("cannot read the token file " + path + ": " + std::strerror(e));
    return check_token(text, "the token file " + path);
}

std::optional<Token> resolve_token(const TokenSources& sources, const docker::Getenv& env,
                                   const std::function<std::string()>& read_stdin) {
    int given = !sources.token_file.empty() + !sources.registration_token_file.empty() + !sources.pat_file.empty() +
                sources.from_stdin;
    if (given > 1)
        throw usage_error("give one token: --token-file, --registration-token-file, --pat-file or --token-stdin");
    Token t;
    if (!sources.token_file.empty()) {
        t = {TokenKind::authentication, read_token_file(sources.token_file), "--token-file " + sources.token_file};
    } else if (!sources.registration_token_file.empty()) {
        t = {TokenKind::registration, read_token_file(sources.registration_token_file),
             "--registration-token-file " + sources.registration_token_file};
    } else if (!sources.pat_file.empty()) {
        t = {TokenKind::personal, read_token_file(sources.pat_file), "--pat-file " + sources.pat_file};
    } else if (sources.from_stdin) {
        std::string token = check_token(read_stdin(), "the token on standard input");
        t = {kind_by_prefix(token), token, "standard input"};
    } else {
        struct Var {
            const char* name;
            TokenKind kind;
        };
        std::vector<Token> found;
        for (Var v : {Var{"RUNNER_TOKEN", TokenKind::authentication},
                      Var{"REGISTRATION_TOKEN", TokenKind::registration}, Var{"GITLAB_PAT", TokenKind::personal}}) {
            auto value = env(v.name);
            if (value && !trim(*value).empty()) found.push_back({v.kind, check_token(*value, v.name), v.name});
        }
        if (found.empty()) return std::nullopt;
        if (found.size() > 1) {
            std::string names;
            for (const auto& f : found) names += (names.empty() ? "" : " and ") + f.source;
            throw usage_error(names + " are all set: unset all but one, or give the token with an option");
        }
        t = found.front();
    }
    if (t.kind == TokenKind::registration && t.value.rfind("glrt-", 0) == 0) {
        spdlog::info("the token from {} is a runner authentication token (glrt-): verifying it", t.source);
        t.kind = TokenKind::authentication;
    }
    return t;
}

} // namespace dind::gitlab
