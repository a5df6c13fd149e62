// dind-register's three jobs, on top of the API client and config.toml: register a runner (three
// paths, rollback when config.toml cannot be written), unregister entries, verify them. All
// input is checked before anything is read from GitLab or written; side effects (HTTP, clock,
// terminal, the Docker engine, stdout) come in through Context.
#pragma once
#include "common/time.h"
#include "docker/endpoint.h"
#include "gitlab/api.h"
#include "gitlab/config.h"
#include "gitlab/engine.h"
#include "gitlab/http.h"
#include "gitlab/prompt.h"
#include "gitlab/token.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dind::gitlab {

inline constexpr const char* default_environment = "COMPOSE_PROJECT_NAME=ci-${CI_JOB_ID}";

struct RegisterOptions {
    std::string url;  // --url, else CI_SERVER_URL
    std::string name; // --name, else the host name
    std::string config = default_config_path;
    std::string tls_ca_file;
    bool dry_run = false;
    TokenSources tokens;

    // --pat-file: where the runner is created.
    std::string runner_type;
    std::optional<std::int64_t> group_id, project_id;
    // Server-side settings (description is the name).
    ServerSettings settings;

    // The [[runners]] entry.
    std::vector<std::string> env; // K=V
    std::optional<std::string> docker_host, docker_tls_cert_path, docker_image;
    bool no_docker_tls = false;
    bool docker_privileged = false;
    bool docker_disable_cache = false;
    std::vector<std::string> docker_volumes; // empty: the defaults
    std::int64_t docker_shm_size = 0;

    // Other modes.
    std::optional<std::string> unregister;
    bool unregister_all = false;
    bool verify = false;
    bool delete_dead = false;
    // Options given that only registering uses ("--docker-image", …): an error in other modes.
    std::vector<std::string> registration_options_given;
};

struct Context {
    docker::Getenv env = docker::process_env();
    Prompter* prompter = nullptr;              // null: never ask
    std::function<std::string()> read_stdin;   // all of standard input (--token-stdin)
    std::function<EngineFacts()> probe_engine; // for the default image
    std::function<std::unique_ptr<HttpClient>(const HttpOptions&)> make_http = make_curl_client;
    std::function<TimePoint()> now; // read once per run
    Api::Sleep sleep;
    Api::Clock wall_clock; // for Retry-After dates
    RetryPolicy retry;
    std::function<void(const std::string&)> out; // standard output
    std::string hostname;                        // the default name
    std::string user_agent;
};

// Registers, unregisters or verifies, as the options say; returns the exit status.
int run(const RegisterOptions& options, Context& context);

// The checks that need nothing but the options (usage errors).
void check_options(const RegisterOptions& options);

// The server-side settings given ("--tag-list", "--locked", …).
std::vector<std::string> server_settings_given(const RegisterOptions& options);

// The environment entry: the default COMPOSE_PROJECT_NAME, then each K=V (a key given again
// replaces the earlier value in place). Throws a usage error for an item without K=.
std::vector<std::string> runner_environment(const std::vector<std::string>& env_options);

// [runners.docker] from the options; image is the resolved default when --docker-image is absent.
DockerSettings docker_settings(const RegisterOptions& options, const std::string& image);

// Whether some argument carries a token (see looks_like_token) and is not an existing file.
bool arguments_carry_token(int argc, const char* const* argv);

} // namespace dind::gitlab
