#include "common/cli.h"

#include "common/error.h"
#include "common/log.h"
#include "common/version.h"

#include <spdlog/spdlog.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>

namespace dind {

void write_out(const std::string& text) { std::fwrite(text.data(), 1, text.size(), stdout); }

Tool::Tool(std::string name, std::string description) : name_(std::move(name)), app_(std::move(description), name_) {
    // As with the docker CLI, a repeated single-value option takes its last value.
    app_.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    app_.set_version_flag("--version", name_ + " (dind-tools) " + version);
    app_.add_option("--log-level", common_.log_level, "Log level: error, warn, info, debug (default warn)")
        ->check(CLI::IsMember({"error", "warn", "info", "debug"}))
        ->option_text("LEVEL");
    app_.add_flag("-q,--quiet", common_.quiet, "Print only errors");
    app_.add_flag("--syslog", common_.syslog,
                  "Also log to syslog, tagged with the tool's name; only errors go to stderr");
    app_.get_formatter()->column_width(34);
}

void Tool::add_engine_options(bool plain_tls_flag) {
    auto& e = common_.engine;
    const char* group = "Engine";
    app_.add_option("-H,--host", e.host,
                    "Engine socket or address (default $DOCKER_HOST, else unix:///var/run/docker.sock)")
        ->option_text("URL")
        ->group(group);
    if (plain_tls_flag) app_.add_flag("--tls", e.tls, "Use TLS; implied by --tlsverify")->group(group);
    app_.add_flag("--tlsverify", e.tlsverify, "Use TLS and verify the engine (default $DOCKER_TLS_VERIFY)")
        ->group(group);
    app_.add_option("--tlscacert", e.tlscacert, "Trust certs signed only by this CA (default $DOCKER_CERT_PATH/ca.pem)")
        ->option_text("FILE")
        ->group(group);
    app_.add_option("--tlscert", e.tlscert, "TLS certificate file (default $DOCKER_CERT_PATH/cert.pem)")
        ->option_text("FILE")
        ->group(group);
    app_.add_option("--tlskey", e.tlskey, "TLS key file (default $DOCKER_CERT_PATH/key.pem)")
        ->option_text("FILE")
        ->group(group);
    app_.add_option("--timeout", e.timeout_seconds, "Seconds to wait for each engine request (default 60)")
        ->check(CLI::PositiveNumber)
        ->option_text("SECONDS")
        ->group(group);
}

docker::Endpoint Tool::endpoint() const { return docker::resolve_endpoint(common_.engine, docker::process_env()); }

namespace {

bool flush_stdout(std::string& error) {
    if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
        error = std::strerror(errno ? errno : EIO);
        return false;
    }
    return true;
}

} // namespace

int Tool::run(int argc, char** argv, const std::function<int()>& body) {
    // A closed pipe must surface as a write error (and exit 1), not kill us silently mid-run.
    std::signal(SIGPIPE, SIG_IGN);
    int code = exit_ok;
    try {
        app_.parse(argc, argv);
    } catch (const CLI::Success& e) { // --help, --version
        write_out(e.get_name() == "CallForHelp" ? app_.help() : std::string(e.what()) + "\n");
        if (e.get_name() == "CallForAllHelp") write_out(app_.help("", CLI::AppFormatMode::All));
        std::string err;
        if (!flush_stdout(err)) {
            std::fprintf(stderr, "%s: error: cannot write to standard output: %s\n", name_.c_str(), err.c_str());
            return exit_failed;
        }
        return exit_ok;
    } catch (const CLI::ParseError& e) {
        std::fprintf(stderr, "%s: error: %s\nTry '%s --help' for more information.\n", name_.c_str(), e.what(),
                     name_.c_str());
        return exit_usage;
    }
    // -q quiets what is printed; with --syslog stderr has only errors anyway, and syslog gets --log-level.
    setup_logging(name_, common_.quiet && !common_.syslog ? "error" : common_.log_level, common_.syslog);
    try {
        code = body();
    } catch (const Error& e) {
        spdlog::error("{}", e.what());
        code = e.exit_code();
    } catch (const std::exception& e) {
        spdlog::error("{}", e.what());
        code = exit_failed;
    }
    std::string err;
    if (!flush_stdout(err)) {
        spdlog::error("cannot write to standard output: {}", err);
        if (code == exit_ok) code = exit_failed;
    }
    return code;
}

} // namespace dind

namespace dind {
void not_built_yet(const std::string& tool) { throw Error(tool + " is not built yet in this version of dind-tools"); }
} // namespace dind
