#include "gitlab/register.h"

#include "common/atomic_file.h"
#include "common/error.h"
#include "common/file.h"
#include "gitlab/info.h"
#include "gitlab/secret.h"
#include "gitlab/system_id.h"
#include "gitlab/url.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

namespace dind::gitlab {
namespace {

std::string join(const std::vector<std::string>& items, const std::string& sep) {
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : sep) + i;
    return out;
}

std::string indent(const std::string& text, const std::string& pad = "    ") {
    std::string out;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        out += (end > start ? pad : std::string()) + text.substr(start, end - start) + "\n";
        start = end + 1;
    }
    return out;
}

bool valid_utf8(const std::string& s) {
    std::size_t i = 0;
    while (i < s.size()) {
        auto c = static_cast<unsigned char>(s[i]);
        std::size_t extra = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : 9;
        if (extra > 3 || i + extra >= s.size() + (extra == 0 ? 1 : 0)) return false;
        for (std::size_t k = 1; k <= extra; ++k)
            if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) return false;
        i += extra + 1;
    }
    return true;
}

// --- config.toml on disk -------------------------------------------------------------------

struct ConfigFile {
    std::string path; // the file written (a symbolic link's target)
    std::string dir;
};

ConfigFile locate_config(const std::string& given) {
    if (given.empty()) throw usage_error("--config is empty");
    ConfigFile f{given, ""};
    struct stat st {};
    if (::lstat(given.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
        char* real = ::realpath(given.c_str(), nullptr);
        if (!real) throw usage_error(given + " is a symbolic link to nothing: " + std::strerror(errno));
        f.path = real;
        std::free(real);
    }
    auto slash = f.path.rfind('/');
    f.dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : f.path.substr(0, slash));
    return f;
}

// nullopt when the file does not exist.
std::optional<std::string> read_config_text(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return std::nullopt;
        throw usage_error("cannot read " + path + ": " + std::strerror(errno));
    }
    struct stat st {};
    if (::fstat(fd, &st) == 0 && !S_ISREG(st.st_mode)) {
        ::close(fd);
        throw usage_error(path + " is not a regular file");
    }
    std::string text;
    int e = 0;
    if (!read_and_close(fd, text, e)) throw usage_error("cannot read " + path + ": " + std::strerror(e));
    return text;
}

// The current file, parsed (a fresh one when missing); a usage error when it is not valid TOML.
Config load_config(const ConfigFile& f, bool* existed = nullptr) {
    auto text = read_config_text(f.path);
    if (existed) *existed = text.has_value();
    return text ? Config::parse(*text, f.path) : Config::fresh();
}

void make_dirs(const std::string& dir) {
    if (dir.empty() || dir == "." || dir == "/") return;
    struct stat st {};
    if (::stat(dir.c_str(), &st) == 0) {
        if (!S_ISDIR(st.st_mode)) throw Error(dir + " is not a directory");
        return;
    }
    auto slash = dir.rfind('/');
    if (slash != std::string::npos && slash > 0) make_dirs(dir.substr(0, slash));
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
        throw Error("cannot create the directory " + dir + ": " + std::strerror(errno));
}

void save_config(const ConfigFile& f, const Config& c) { write_file_atomically(f.path, c.to_toml(), 0600); }

// --- options ---------------------------------------------------------------------------------

std::string required_missing_text(bool url, bool token) {
    std::vector<std::string> missing;
    if (url) missing.push_back("the GitLab URL (--url, or CI_SERVER_URL)");
    if (token)
        missing.push_back("a token (--token-file, --registration-token-file, --pat-file or --token-stdin, or "
                          "RUNNER_TOKEN, REGISTRATION_TOKEN or GITLAB_PAT in the environment)");
    return join(missing, " and ");
}

void check_token_against_options(const Token& token, const RegisterOptions& o) {
    auto server = server_settings_given(o);
    if (token.kind == TokenKind::authentication && !server.empty())
        throw usage_error(
            "runner settings other than the name and the executor's configuration (" + join(server, ", ") +
            ") are kept by GitLab and cannot be given with a runner authentication token (glrt-, from " + token.source +
            "): set them on the runner in GitLab, or create the runner with --pat-file and give them then");
    bool scope_given = !o.runner_type.empty() || o.group_id || o.project_id;
    if (token.kind != TokenKind::personal) {
        if (scope_given)
            throw usage_error("--runner-type, --group-id and --project-id are for creating a runner with a personal "
                              "access token (--pat-file)");
        return;
    }
    if (o.runner_type.empty())
        throw usage_error("creating a runner with a personal access token needs --runner-type instance_type, "
                          "group_type or project_type");
    if (o.runner_type == "group_type" && !o.group_id) throw usage_error("--runner-type group_type needs --group-id");
    if (o.runner_type == "project_type" && !o.project_id)
        throw usage_error("--runner-type project_type needs --project-id");
    if (o.runner_type != "group_type" && o.group_id)
        throw usage_error("--group-id goes with --runner-type group_type only");
    if (o.runner_type != "project_type" && o.project_id)
        throw usage_error("--project-id goes with --runner-type project_type only");
}

std::string kind_text(TokenKind k) {
    switch (k) {
    case TokenKind::authentication: return "runner authentication token";
    case TokenKind::registration: return "registration token";
    case TokenKind::personal: return "personal access token";
    }
    return "token";
}

HttpOptions http_options(const RegisterOptions& o, const Context& cx) {
    HttpOptions h;
    h.ca_file = o.tls_ca_file;
    h.user_agent = cx.user_agent;
    return h;
}

Api make_api(HttpClient& http, const std::string& base, const Context& cx, std::vector<std::string> secrets) {
    return Api(http, base, cx.retry, cx.sleep, cx.wall_clock, std::move(secrets));
}

void warn_if_plain(const std::string& base) {
    static std::set<std::string> warned;
    if (!is_https(base) && warned.insert(base).second)
        spdlog::warn("{} is plain HTTP: tokens cross the network unencrypted; use https:// where you can", base);
}

// --- registering ------------------------------------------------------------------------------

struct Plan {
    RegisterOptions o;
    Token token;
    std::string base;
    ConfigFile file;
    std::string image;
    std::string runner_version;
};

// Fills in what is missing from the terminal, or says what is missing.
Plan complete(const RegisterOptions& given, Context& cx) {
    Plan p{given, {}, "", {}, "", ""};
    RegisterOptions& o = p.o;
    auto token = resolve_token(o.tokens, cx.env, cx.read_stdin);
    if (o.url.empty()) o.url = cx.env("CI_SERVER_URL").value_or("");
    bool interactive = cx.prompter && cx.prompter->interactive() && !o.tokens.from_stdin;
    if ((o.url.empty() || !token) && interactive) {
        if (o.url.empty())
            o.url = cx.prompter->ask("Enter the GitLab instance URL (for example, https://gitlab.com/):", "", false)
                        .value_or("");
        if (!token) {
            auto answer =
                cx.prompter->ask("Enter the runner authentication token (glrt-…) or the registration token:", "", true);
            if (answer && !answer->empty()) {
                Token t{kind_by_prefix(*answer), *answer, "the prompt"};
                if (t.value.find_first_of(" \t") != std::string::npos)
                    throw usage_error("the token typed holds more than one word");
                token = t;
            }
        }
        if (o.name.empty())
            o.name = cx.prompter
                         ->ask("Enter a name for the runner. This is stored only in the local config.toml file:",
                               cx.hostname, false)
                         .value_or(cx.hostname);
        if (token && token->kind == TokenKind::registration) {
            if (o.settings.tags.empty()) {
                std::string tags =
                    cx.prompter->ask("Enter tags for the runner (comma-separated):", "", false).value_or("");
                std::size_t start = 0;
                while (start <= tags.size()) {
                    auto comma = tags.find(',', start);
                    if (comma == std::string::npos) comma = tags.size();
                    std::string tag = tags.substr(start, comma - start);
                    tag.erase(0, tag.find_first_not_of(' '));
                    tag.erase(tag.find_last_not_of(' ') + 1);
                    if (!tag.empty()) o.settings.tags.push_back(tag);
                    start = comma + 1;
                }
            }
            if (!o.settings.maintenance_note) {
                std::string note =
                    cx.prompter->ask("Enter optional maintenance note for the runner:", "", false).value_or("");
                if (!note.empty()) o.settings.maintenance_note = note;
            }
        }
    }
    if (o.url.empty() || !token)
        throw usage_error("missing " + required_missing_text(o.url.empty(), !token) +
                          (interactive ? "" : " (there is no terminal to ask on)"));
    p.token = *token;
    if (o.name.empty()) o.name = cx.hostname;
    if (o.name.empty()) throw usage_error("--name is empty and the host has no name");
    if (!valid_utf8(o.name)) throw usage_error("--name is not valid UTF-8");
    o.settings.description = o.name;
    p.base = normalise_url(o.url);
    check_token_against_options(p.token, o);
    return p;
}

std::string format_time(TimePoint t) { return format_rfc3339(t); }

RunnerEntry make_entry(const Plan& p, const Credentials& c, TimePoint now) {
    RunnerEntry e;
    e.name = p.o.name;
    e.url = p.base;
    e.id = c.id;
    e.token = c.token;
    e.token_obtained_at = std::chrono::time_point_cast<std::chrono::seconds>(now);
    e.token_expires_at = c.expires_at;
    e.environment = runner_environment(p.o.env);
    e.docker = docker_settings(p.o, p.image);
    return e;
}

void print_dry_run(const Plan& p, const SystemId& sid, const Config& config, bool config_existed,
                   const std::string& info, Context& cx) {
    std::string out = "dry run: nothing is sent to GitLab and nothing is written\n";
    out += "system_id " + sid.value + " " +
           (sid.created ? "(new: would be written to " + sid.path + ")" : "(from " + sid.path + ")") + "\n";
    std::string shown = redact(p.token.value);
    std::string returned = "(the token GitLab returns)";
    switch (p.token.kind) {
    case TokenKind::authentication:
        out +=
            "would send POST " + api_url(p.base, "runners/verify") + "\n" + indent(verify_body(shown, sid.value, info));
        break;
    case TokenKind::registration:
        out +=
            "would send POST " + api_url(p.base, "runners") + "\n" + indent(register_body(shown, p.o.settings, info));
        break;
    case TokenKind::personal: {
        RunnerScope scope{p.o.runner_type, p.o.group_id, p.o.project_id};
        out += "would send POST " + api_url(p.base, "user/runners") + " with PRIVATE-TOKEN: " + shown + "\n" +
               indent(create_body(scope, p.o.settings));
        out += "then POST " + api_url(p.base, "runners/verify") + "\n" + indent(verify_body(returned, sid.value, info));
        break;
    }
    }
    Credentials placeholder;
    placeholder.token = p.token.kind == TokenKind::authentication ? shown : returned;
    RunnerEntry entry = make_entry(p, placeholder, cx.now());
    Config only;
    only.upsert(entry);
    auto others = config.runners();
    bool replaces = std::any_of(others.begin(), others.end(), [&](const auto& r) { return r.name == p.o.name; });
    std::size_t kept = others.size() - (replaces ? 1 : 0);
    out += "would " + std::string(config_existed ? "update " : "create ") + p.file.path + " (mode 0600), " +
           (replaces ? "replacing the entry " + toml_quote(p.o.name) + " in place (its other keys kept)"
                     : "adding an entry") +
           " and keeping " + std::to_string(kept) + " other " + (kept == 1 ? "entry" : "entries") +
           (config_existed ? " and every global key" : "") + "; id, token and token_expires_at come from GitLab:\n";
    out += indent(only.to_toml());
    cx.out(out);
}

// The manager (glrt-) or the runner (legacy, or created here) that registering made in GitLab.
struct Undo {
    bool whole_runner = false;
    std::string token;
    std::string system_id;
    std::int64_t id = 0;
};

std::string undo(Api& api, const Undo& u) {
    try {
        if (u.whole_runner)
            api.delete_runner(u.token);
        else
            api.delete_manager(u.token, u.system_id);
        return u.whole_runner ? "deleted runner " + std::to_string(u.id) + " from GitLab again"
                              : "removed this host from runner " + std::to_string(u.id) + " in GitLab again";
    } catch (const Error& e) {
        return std::string("could not undo the registration (") + e.what() + "): " +
               (u.whole_runner ? "delete runner " + std::to_string(u.id) + " in GitLab by hand"
                               : "remove this host's manager (" + u.system_id + ") from runner " +
                                     std::to_string(u.id) + " in GitLab by hand");
    }
}

int register_runner(const RegisterOptions& given, Context& cx) {
    check_options(given);
    Plan p = complete(given, cx);
    p.file = locate_config(p.o.config);
    if (!p.o.tls_ca_file.empty() && ::access(p.o.tls_ca_file.c_str(), R_OK) != 0)
        throw usage_error("cannot read --tls-ca-file " + p.o.tls_ca_file + ": " + std::strerror(errno));
    bool existed = false;
    Config config = load_config(p.file, &existed); // an invalid file stops the run before GitLab hears of it
    warn_if_plain(p.base);

    if (p.o.docker_image) {
        p.image = *p.o.docker_image;
    } else {
        EngineFacts facts =
            cx.probe_engine ? cx.probe_engine() : EngineFacts{fallback_docker_image, "", "the fallback"};
        p.image = facts.docker_image;
        p.runner_version = facts.runner_version;
        spdlog::info("job image {} from {}", p.image, facts.how);
    }
    std::string info = runner_info_json(p.runner_version, host_architecture());

    if (!p.o.dry_run) make_dirs(p.file.dir);
    SystemId sid = load_or_create_system_id(p.file.dir, !p.o.dry_run);
    if (sid.replaced_invalid)
        spdlog::warn("{} did not hold a valid system_id; replaced it with {}", sid.path, sid.value);
    if (p.o.dry_run) {
        print_dry_run(p, sid, config, existed, info, cx);
        return exit_ok;
    }
    spdlog::info("registering {} with {} using a {} from {}", p.o.name, p.base, kind_text(p.token.kind),
                 p.token.source);

    auto http = cx.make_http(http_options(p.o, cx));
    Api api = make_api(*http, p.base, cx, {p.token.value});
    Credentials creds;
    Undo u;
    u.system_id = sid.value;
    switch (p.token.kind) {
    case TokenKind::authentication:
        creds = api.verify(p.token.value, sid.value, info);
        u.whole_runner = false;
        break;
    case TokenKind::registration:
        creds = api.register_runner(p.token.value, p.o.settings, info);
        u.whole_runner = true;
        break;
    case TokenKind::personal: {
        Credentials created =
            api.create_runner(p.token.value, {p.o.runner_type, p.o.group_id, p.o.project_id}, p.o.settings);
        api.add_secret(created.token);
        spdlog::info("GitLab created runner {}", created.id);
        try {
            creds = api.verify(created.token, sid.value, info);
        } catch (const Error& e) {
            std::string undone = undo(api, {true, created.token, sid.value, created.id});
            throw Error(std::string(e.what()) + "; " + undone, e.exit_code());
        }
        u.whole_runner = true;
        break;
    }
    }
    api.add_secret(creds.token);
    u.token = creds.token;
    u.id = creds.id;

    RunnerEntry entry = make_entry(p, creds, cx.now());
    bool replaced = false;
    try {
        // Read again: gitlab-runner may have rewritten the file (a token rotation) meanwhile.
        Config current = load_config(p.file);
        replaced = current.upsert(entry);
        save_config(p.file, current);
    } catch (const Error& e) {
        throw Error(scrub(e.what(), {p.token.value, creds.token}) + "; " + undo(api, u) + "; " + p.file.path +
                        " is unchanged",
                    exit_failed);
    }
    if (creds.expires_at) spdlog::info("the runner's token expires at {}", format_time(*creds.expires_at));
    cx.out("registered " + p.o.name + " (runner " + std::to_string(creds.id) + " at " + p.base +
           "): " + (replaced ? "replaced its entry in " : "added it to ") + p.file.path + "\n");
    return exit_ok;
}

// --- unregistering and verifying --------------------------------------------------------------

struct Outcome {
    RunnerSummary runner;
    std::string status;
    bool remove = false;
    int failure = exit_ok;
};

int worst(const std::vector<Outcome>& outcomes) {
    int code = exit_ok;
    for (const auto& o : outcomes) {
        if (o.failure == exit_unavailable) return exit_unavailable;
        if (o.failure != exit_ok) code = exit_failed;
    }
    return code;
}

// Removes the entries marked remove from a fresh read of the file.
void remove_entries(const ConfigFile& f, const std::vector<Outcome>& outcomes) {
    Config current = load_config(f);
    current.remove_if([&](const RunnerSummary& r) {
        return std::any_of(outcomes.begin(), outcomes.end(), [&](const Outcome& o) {
            return o.remove && o.runner.name == r.name && o.runner.token == r.token;
        });
    });
    save_config(f, current);
}

std::string entry_label(const RunnerSummary& r) {
    return r.name.empty() ? "(unnamed entry, runner " + std::to_string(r.id) + ")" : r.name;
}

void check_mode_options(const RegisterOptions& o, const char* mode) {
    if (!o.registration_options_given.empty())
        throw usage_error(join(o.registration_options_given, ", ") + ": only for registering, not with " + mode);
}

int unregister_runners(const RegisterOptions& o, Context& cx) {
    const char* mode = o.unregister_all ? "--unregister-all" : "--unregister";
    check_mode_options(o, mode);
    ConfigFile file = locate_config(o.config);
    auto text = read_config_text(file.path);
    if (!text) {
        if (o.unregister_all) {
            spdlog::info("{} does not exist: no runner to unregister", file.path);
            return exit_ok;
        }
        throw usage_error("no runner named " + *o.unregister + ": " + file.path + " does not exist");
    }
    Config config = Config::parse(*text, file.path);
    std::vector<RunnerSummary> chosen;
    for (const auto& r : config.runners())
        if (o.unregister_all || r.name == *o.unregister) chosen.push_back(r);
    if (chosen.empty()) {
        if (o.unregister_all) {
            spdlog::info("{} has no runners to unregister", file.path);
            return exit_ok;
        }
        throw usage_error("no runner named " + *o.unregister + " in " + file.path);
    }
    if (!o.tls_ca_file.empty() && ::access(o.tls_ca_file.c_str(), R_OK) != 0)
        throw usage_error("cannot read --tls-ca-file " + o.tls_ca_file + ": " + std::strerror(errno));
    // Made now if missing, as the runner would on its first start, so every run uses the same one.
    SystemId sid = load_or_create_system_id(file.dir, !o.dry_run);

    if (o.dry_run) {
        std::string out = "dry run: nothing is sent to GitLab and nothing is written\n";
        for (const auto& r : chosen) {
            std::string base = r.url.empty() ? "(no url)" : r.url;
            try {
                base = normalise_url(r.url);
            } catch (const Error&) {}
            bool manager = is_authentication_token(r.token);
            out +=
                "would send DELETE " + api_url(base, manager ? "runners/managers" : "runners") + " for " +
                entry_label(r) + "\n" +
                indent(manager ? delete_manager_body(redact(r.token), sid.value) : delete_runner_body(redact(r.token)));
        }
        out += "would remove " + std::to_string(chosen.size()) + (chosen.size() == 1 ? " entry" : " entries") +
               " from " + file.path + "\n";
        cx.out(out);
        return exit_ok;
    }

    std::vector<std::string> secrets;
    for (const auto& r : config.runners()) secrets.push_back(r.token);
    auto http = cx.make_http(http_options(o, cx));
    std::vector<Outcome> outcomes;
    for (const auto& r : chosen) {
        Outcome out{r, "", false, exit_ok};
        try {
            if (r.token.empty()) throw Error("the entry has no token");
            std::string base = normalise_url(r.url);
            warn_if_plain(base);
            Api api = make_api(*http, base, cx, secrets);
            bool manager = is_authentication_token(r.token);
            auto removal = manager ? api.delete_manager(r.token, sid.value) : api.delete_runner(r.token);
            out.remove = true;
            if (removal == Api::Removal::already_gone) {
                spdlog::warn("GitLab no longer knows {} (runner {}): removing its entry only", entry_label(r), r.id);
                out.status = "unregistered " + entry_label(r) + " (runner " + std::to_string(r.id) +
                             "; GitLab had already forgotten it)";
            } else {
                out.status = "unregistered " + entry_label(r) + " (runner " + std::to_string(r.id) + " at " + base +
                             (manager ? "; removed this host's manager" : "") + ")";
            }
        } catch (const Error& e) {
            spdlog::error("cannot unregister {}: {}", entry_label(r), scrub(e.what(), secrets));
            out.failure = e.exit_code() == exit_unavailable ? exit_unavailable : exit_failed;
        }
        outcomes.push_back(std::move(out));
    }
    bool any = std::any_of(outcomes.begin(), outcomes.end(), [](const Outcome& x) { return x.remove; });
    if (any) {
        try {
            remove_entries(file, outcomes);
        } catch (const Error& e) {
            throw Error(std::string(e.what()) +
                            "; GitLab has already forgotten the runners: remove their entries from " + file.path +
                            " by hand",
                        exit_failed);
        }
    }
    std::string text_out;
    for (const auto& x : outcomes)
        if (x.remove) text_out += x.status + "\n";
    cx.out(text_out);
    return worst(outcomes);
}

int verify_runners(const RegisterOptions& o, Context& cx) {
    check_mode_options(o, "--verify");
    ConfigFile file = locate_config(o.config);
    auto text = read_config_text(file.path);
    if (!text) throw usage_error("nothing to verify: " + file.path + " does not exist");
    Config config = Config::parse(*text, file.path);
    auto runners = config.runners();
    if (runners.empty()) {
        spdlog::info("{} has no runners to verify", file.path);
        return exit_ok;
    }
    if (!o.tls_ca_file.empty() && ::access(o.tls_ca_file.c_str(), R_OK) != 0)
        throw usage_error("cannot read --tls-ca-file " + o.tls_ca_file + ": " + std::strerror(errno));
    // Made now if missing, as the runner would on its first start, so every run uses the same one.
    SystemId sid = load_or_create_system_id(file.dir, !o.dry_run);
    std::string info = runner_info_json("", host_architecture());

    if (o.dry_run) {
        std::string out = "dry run: nothing is sent to GitLab and nothing is written\n";
        for (const auto& r : runners) {
            std::string base = r.url;
            try {
                base = normalise_url(r.url);
            } catch (const Error&) {}
            out += "would send POST " + api_url(base, "runners/verify") + " for " + entry_label(r) + "\n" +
                   indent(verify_body(redact(r.token), sid.value, info));
        }
        if (o.delete_dead) out += "would remove the entries whose token GitLab rejects from " + file.path + "\n";
        cx.out(out);
        return exit_ok;
    }

    std::vector<std::string> secrets;
    for (const auto& r : runners) secrets.push_back(r.token);
    auto http = cx.make_http(http_options(o, cx));
    std::vector<Outcome> outcomes;
    bool dead_kept = false;
    for (const auto& r : runners) {
        Outcome out{r, "", false, exit_ok};
        try {
            if (r.token.empty()) throw Error("the entry has no token");
            std::string base = normalise_url(r.url);
            warn_if_plain(base);
            Api api = make_api(*http, base, cx, secrets);
            if (api.check(r.token, sid.value, info) == Api::Check::alive) {
                out.status = "alive";
            } else if (o.delete_dead) {
                out.status = "dead, removed";
                out.remove = true;
            } else {
                out.status = "dead";
                dead_kept = true;
            }
        } catch (const Error& e) {
            std::string why = scrub(e.what(), secrets);
            spdlog::error("cannot verify {}: {}", entry_label(r), why);
            out.status = "unknown";
            out.failure = e.exit_code() == exit_unavailable ? exit_unavailable : exit_failed;
        }
        outcomes.push_back(std::move(out));
    }
    if (std::any_of(outcomes.begin(), outcomes.end(), [](const Outcome& x) { return x.remove; }))
        remove_entries(file, outcomes);

    std::size_t wname = 4, wid = 2, wurl = 3;
    for (const auto& x : outcomes) {
        wname = std::max(wname, entry_label(x.runner).size());
        wid = std::max(wid, std::to_string(x.runner.id).size());
        wurl = std::max(wurl, x.runner.url.size());
    }
    auto row = [&](const std::string& a, const std::string& b, const std::string& c, const std::string& d) {
        return a + std::string(wname - a.size() + 2, ' ') + b + std::string(wid - b.size() + 2, ' ') + c +
               std::string(wurl - c.size() + 2, ' ') + d + "\n";
    };
    std::string table = row("NAME", "ID", "URL", "STATUS");
    for (const auto& x : outcomes)
        table += row(entry_label(x.runner), std::to_string(x.runner.id), x.runner.url, x.status);
    cx.out(table);
    int code = worst(outcomes);
    if (code == exit_ok && dead_kept) {
        spdlog::warn("GitLab rejects the token of some entries; --delete removes them");
        code = exit_failed;
    }
    return code;
}

} // namespace

void check_options(const RegisterOptions& o) {
    if (o.settings.access_level && *o.settings.access_level != "not_protected" &&
        *o.settings.access_level != "ref_protected")
        throw usage_error("--access-level must be not_protected or ref_protected, not '" + *o.settings.access_level +
                          "'");
    if (o.settings.maximum_timeout && *o.settings.maximum_timeout < 600)
        throw usage_error("--maximum-timeout must be at least 600 seconds (GitLab's minimum)");
    if (!o.runner_type.empty() && o.runner_type != "instance_type" && o.runner_type != "group_type" &&
        o.runner_type != "project_type")
        throw usage_error("--runner-type must be instance_type, group_type or project_type, not '" + o.runner_type +
                          "'");
    if ((o.group_id && *o.group_id <= 0) || (o.project_id && *o.project_id <= 0))
        throw usage_error("--group-id and --project-id are positive numbers");
    for (const auto& tag : o.settings.tags)
        if (tag.empty() || tag.find(',') != std::string::npos) throw usage_error("--tag-list has an empty tag");
    if (o.no_docker_tls && o.docker_tls_cert_path)
        throw usage_error("--no-docker-tls and --docker-tls-cert-path contradict each other");
    if (o.docker_image && o.docker_image->empty()) throw usage_error("--docker-image is empty");
    if (o.docker_host && o.docker_host->empty()) throw usage_error("--docker-host is empty");
    if (o.docker_shm_size < 0) throw usage_error("--docker-shm-size must not be negative");
    for (const auto& v : o.docker_volumes)
        if (v.empty()) throw usage_error("--docker-volume is empty");
    runner_environment(o.env);
    for (const std::string* s : {&o.name, &o.url})
        if (!valid_utf8(*s)) throw usage_error("an option is not valid UTF-8");
}

std::vector<std::string> server_settings_given(const RegisterOptions& o) {
    std::vector<std::string> out;
    if (!o.settings.tags.empty()) out.push_back("--tag-list");
    if (o.settings.run_untagged) out.push_back("--run-untagged");
    if (o.settings.locked) out.push_back("--locked");
    if (o.settings.access_level) out.push_back("--access-level");
    if (o.settings.maximum_timeout) out.push_back("--maximum-timeout");
    if (o.settings.paused) out.push_back("--paused");
    if (o.settings.maintenance_note) out.push_back("--maintenance-note");
    return out;
}

std::vector<std::string> runner_environment(const std::vector<std::string>& env_options) {
    std::vector<std::string> out = {default_environment};
    for (const auto& item : env_options) {
        auto eq = item.find('=');
        if (eq == std::string::npos || eq == 0)
            throw usage_error("--env takes KEY=VALUE, not '" + item.substr(0, item.find('=')) + "…'");
        if (!valid_utf8(item)) throw usage_error("--env " + item.substr(0, eq) + " is not valid UTF-8");
        std::string key = item.substr(0, eq + 1);
        auto same = std::find_if(out.begin(), out.end(), [&](const std::string& e) { return e.rfind(key, 0) == 0; });
        if (same != out.end())
            *same = item;
        else
            out.push_back(item);
    }
    return out;
}

DockerSettings docker_settings(const RegisterOptions& o, const std::string& image) {
    DockerSettings d;
    if (o.no_docker_tls) {
        d.host = "tcp://gitlab-dind:2375";
        d.tls_verify = false;
        d.tls_cert_path.reset();
    }
    if (o.docker_host) d.host = *o.docker_host;
    if (o.docker_tls_cert_path) d.tls_cert_path = *o.docker_tls_cert_path;
    d.image = image;
    d.privileged = o.docker_privileged;
    d.disable_cache = o.docker_disable_cache;
    if (!o.docker_volumes.empty()) d.volumes = o.docker_volumes;
    d.shm_size = o.docker_shm_size;
    return d;
}

bool arguments_carry_token(int argc, const char* const* argv) {
    for (int i = 1; i < argc; ++i) {
        if (!argv[i] || !looks_like_token(argv[i])) continue;
        struct stat st {};
        if (::stat(argv[i], &st) == 0) continue; // a file that happens to be named like a token
        return true;
    }
    return false;
}

int run(const RegisterOptions& o, Context& cx) {
    int modes = (o.unregister ? 1 : 0) + o.unregister_all + o.verify;
    if (modes > 1) throw usage_error("give one of --unregister, --unregister-all and --verify");
    if (o.delete_dead && !o.verify) throw usage_error("--delete goes with --verify");
    if (o.unregister && o.unregister->empty()) throw usage_error("--unregister needs a runner name");
    if (o.unregister || o.unregister_all) return unregister_runners(o, cx);
    if (o.verify) return verify_runners(o, cx);
    return register_runner(o, cx);
}

} // namespace dind::gitlab
