#include "common/cli.h"
#include "common/error.h"
#include "common/version.h"
#include "docker/client.h"
#include "gitlab/register.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <iterator>
#include <thread>
#include <unistd.h>

namespace {

namespace gitlab = dind::gitlab;

const char* const token_group = "Token";
const char* const server_group = "Server-side settings (registration token or --pat-file only)";
const char* const entry_group = "The [[runners]] entry";
const char* const mode_group = "Unregister and verify";

// Options that exist only to refuse a token on the command line, without repeating it.
void add_refusals(CLI::App& app, std::string& sink) {
    for (const char* name : {"--token", "--registration-token", "--pat", "-r"}) {
        app.add_option(name, sink)
            ->group("")
            ->check(CLI::Validator(
                [](std::string&) {
                    return std::string("tokens are not taken on the command line, where ps shows them to every user: "
                                       "use --token-file, --registration-token-file, --pat-file, --token-stdin or "
                                       "RUNNER_TOKEN, REGISTRATION_TOKEN, GITLAB_PAT");
                },
                "", ""));
    }
}

std::string host_name() {
    char buf[256] = {};
    if (::gethostname(buf, sizeof buf - 1) != 0) return "";
    return buf;
}

} // namespace

int main(int argc, char** argv) {
    if (gitlab::arguments_carry_token(argc, argv)) {
        std::fprintf(stderr, "dind-register: error: a token was given on the command line, where ps shows it to "
                             "every user: use --token-file, --registration-token-file, --pat-file, --token-stdin or "
                             "RUNNER_TOKEN, REGISTRATION_TOKEN, GITLAB_PAT\n");
        return dind::exit_usage;
    }
    dind::Tool tool("dind-register", "Register a GitLab runner and write config.toml");
    gitlab::RegisterOptions o;
    auto& app = tool.app();
    std::string refused;

    app.add_option("--url", o.url, "GitLab instance URL (default $CI_SERVER_URL)")->option_text("URL");
    app.add_option("--name", o.name, "The entry's name; registering a name again replaces it (default: host name)")
        ->option_text("NAME");
    app.add_option("--config", o.config, "The runner's config.toml (default " + o.config + ")")->option_text("FILE");
    app.add_flag("-n,--dry-run", o.dry_run, "Print what would be sent and written, tokens redacted; change nothing");
    app.add_option("--tls-ca-file", o.tls_ca_file,
                   "Trust GitLab certificates signed by this CA (default: the system's)")
        ->option_text("FILE");

    app.add_option("--token-file", o.tokens.token_file, "Runner authentication token (glrt-) from FILE")
        ->option_text("FILE")
        ->group(token_group);
    app.add_option("--registration-token-file", o.tokens.registration_token_file, "Legacy registration token from FILE")
        ->option_text("FILE")
        ->group(token_group);
    app.add_option("--pat-file", o.tokens.pat_file, "Create the runner with the personal access token in FILE")
        ->option_text("FILE")
        ->group(token_group);
    app.add_flag("--token-stdin", o.tokens.from_stdin, "Read the token from standard input")->group(token_group);
    app.add_option("--runner-type", o.runner_type, "With --pat-file: instance_type, group_type or project_type")
        ->option_text("TYPE")
        ->group(token_group);
    std::int64_t group_id = 0, project_id = 0;
    auto* group_opt = app.add_option("--group-id", group_id, "With group_type: the group's id")
                          ->option_text("ID")
                          ->group(token_group);
    auto* project_opt = app.add_option("--project-id", project_id, "With project_type: the project's id")
                            ->option_text("ID")
                            ->group(token_group);

    bool run_untagged = false, locked = false, paused = false;
    std::string access_level, maintenance_note;
    std::int64_t maximum_timeout = 0;
    app.add_option("--tag-list", o.settings.tags, "Comma-separated job tags; repeatable")
        ->delimiter(',')
        ->option_text("TAGS")
        ->group(server_group);
    auto* run_untagged_opt =
        app.add_flag("--run-untagged", run_untagged, "Run jobs without tags too (=false to refuse)")
            ->group(server_group);
    auto* locked_opt =
        app.add_flag("--locked", locked, "Lock the runner to its projects (=false to unlock)")->group(server_group);
    auto* access_opt = app.add_option("--access-level", access_level, "not_protected or ref_protected")
                           ->option_text("LEVEL")
                           ->group(server_group);
    auto* timeout_opt = app.add_option("--maximum-timeout", maximum_timeout, "Job timeout limit, at least 600")
                            ->option_text("SECONDS")
                            ->group(server_group);
    auto* paused_opt = app.add_flag("--paused", paused, "Register the runner paused")->group(server_group);
    auto* note_opt = app.add_option("--maintenance-note", maintenance_note, "A note for the runner's maintainers")
                         ->option_text("TEXT")
                         ->group(server_group);

    std::string docker_host, docker_tls_cert_path, docker_image;
    app.add_option("--env", o.env, "Job environment K=V, added to COMPOSE_PROJECT_NAME=ci-${CI_JOB_ID}; repeatable")
        ->option_text("K=V")
        ->group(entry_group);
    auto* host_opt = app.add_option("--docker-host", docker_host, "The jobs' engine (default tcp://gitlab-dind:2376)")
                         ->option_text("URL")
                         ->group(entry_group);
    auto* cert_opt = app.add_option("--docker-tls-cert-path", docker_tls_cert_path,
                                    "Client certificates in the runner (default /certs/client)")
                         ->option_text("DIR")
                         ->group(entry_group);
    app.add_flag("--no-docker-tls", o.no_docker_tls, "Plain tcp://gitlab-dind:2375, tls_verify = false")
        ->group(entry_group);
    auto* image_opt =
        app.add_option("--docker-image", docker_image, "Default job image (default: docker:<the engine's version>)")
            ->option_text("IMAGE")
            ->group(entry_group);
    app.add_flag("--docker-privileged", o.docker_privileged, "Run job containers privileged")->group(entry_group);
    app.add_option("--docker-volume", o.docker_volumes,
                   "A volume for job containers, replacing the defaults; repeatable")
        ->option_text("VOLUME")
        ->group(entry_group);
    app.add_flag("--docker-disable-cache", o.docker_disable_cache, "No cache volumes for jobs")->group(entry_group);
    app.add_option("--docker-shm-size", o.docker_shm_size, "Job containers' /dev/shm size (default 0: the engine's)")
        ->option_text("BYTES")
        ->group(entry_group);

    std::string unregister;
    auto* unregister_opt = app.add_option("--unregister", unregister, "Unregister the entry NAME and remove it")
                               ->option_text("NAME")
                               ->group(mode_group);
    app.add_flag("--unregister-all", o.unregister_all, "Unregister every entry and remove them")->group(mode_group);
    app.add_flag("--verify", o.verify, "Check every entry's token with GitLab")->group(mode_group);
    app.add_flag("--delete", o.delete_dead, "With --verify: remove the entries GitLab rejects")->group(mode_group);

    add_refusals(app, refused);
    tool.add_engine_options();

    return tool.run(argc, argv, [&] {
        if (group_opt->count()) o.group_id = group_id;
        if (project_opt->count()) o.project_id = project_id;
        if (run_untagged_opt->count()) o.settings.run_untagged = run_untagged;
        if (locked_opt->count()) o.settings.locked = locked;
        if (paused_opt->count()) o.settings.paused = paused;
        if (access_opt->count()) o.settings.access_level = access_level;
        if (timeout_opt->count()) o.settings.maximum_timeout = maximum_timeout;
        if (note_opt->count()) o.settings.maintenance_note = maintenance_note;
        if (host_opt->count()) o.docker_host = docker_host;
        if (cert_opt->count()) o.docker_tls_cert_path = docker_tls_cert_path;
        if (image_opt->count()) o.docker_image = docker_image;
        if (unregister_opt->count()) o.unregister = unregister;
        for (const CLI::Option* opt : app.get_options()) {
            const std::string& g = opt->get_group();
            bool registering = g == token_group || g == server_group || g == entry_group || opt->check_lname("url") ||
                               opt->check_lname("name");
            if (registering && opt->count()) o.registration_options_given.push_back(opt->get_name());
        }

        auto prompter = gitlab::terminal_prompter();
        gitlab::Context cx;
        cx.prompter = prompter.get();
        cx.read_stdin = [] { return std::string(std::istreambuf_iterator<char>(std::cin), {}); };
        cx.probe_engine = [&tool] {
            dind::docker::Client client(tool.endpoint());
            return gitlab::probe_engine(client);
        };
        cx.now = [] { return std::chrono::time_point_cast<dind::Nanos>(std::chrono::system_clock::now()); };
        cx.sleep = [](gitlab::Millis d) { std::this_thread::sleep_for(d); };
        cx.wall_clock = [] { return std::time(nullptr); };
        bool quiet = tool.common().quiet;
        cx.out = [quiet](const std::string& text) {
            if (!quiet) dind::write_out(text);
        };
        cx.hostname = host_name();
        cx.user_agent = std::string("dind-register/") + dind::version + " (dind-tools)";
        return gitlab::run(o, cx);
    });
}
