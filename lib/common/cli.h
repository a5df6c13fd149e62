// The command-line plumbing every binary shares: engine options, logging, exit codes, stdout
// checks. A binary's main() builds a Tool, adds its own options and calls run().
#pragma once
#include "docker/endpoint.h"

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

namespace dind {

struct CommonOptions {
    docker::EngineOptions engine;
    std::string log_level = "warn";
    bool quiet = false;
    bool syslog = false; // --syslog: the log goes to syslog too, stderr keeps only errors
};

class Tool {
  public:
    Tool(std::string name, std::string description);

    CLI::App& app() { return app_; }
    const std::string& name() const { return name_; }
    const CommonOptions& common() const { return common_; }

    // -H/--host, --tls, --tlsverify, --tlscacert, --tlscert, --tlskey, --timeout. A tool whose own
    // --tls means something else (dind-setup: the dind engine's TLS) leaves out the plain --tls;
    // --tlsverify and the certificate options still turn TLS on.
    void add_engine_options(bool plain_tls_flag = true);

    // The engine endpoint from the options and the environment (DOCKER_HOST, DOCKER_TLS_VERIFY…).
    docker::Endpoint endpoint() const;

    // Parses argv, sets up logging, runs body and maps every failure onto the shared exit codes.
    int run(int argc, char** argv, const std::function<int()>& body);

  private:
    std::string name_;
    CLI::App app_;
    CommonOptions common_;
};

// Data goes to stdout through here, so a failed write (closed pipe, full disk) is noticed.
void write_out(const std::string& text);

} // namespace dind

namespace dind {
// For a binary whose tool is not written yet: says so and exits 1.
[[noreturn]] void not_built_yet(const std::string& tool);
} // namespace dind
