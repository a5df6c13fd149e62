#include "common/cli.h"
#include "common/error.h"
#include "docker/client.h"
#include "setup/apply.h"
#include "setup/host.h"
#include "setup/spec.h"

#include <spdlog/spdlog.h>

#include <unistd.h>

namespace {

struct Options {
    dind::setup::SetupOptions setup;
    int mtu = 0;
    bool dry_run = false, update = false, check = false, fix_host = false;
    std::string host_root = "/";
};

std::string register_hint(const dind::setup::Spec& spec, const dind::setup::SetupOptions& o) {
    std::string cmd = "  dind-register --url https://gitlab.example.com --token-file RUNNER_TOKEN_FILE \\\n"
                      "      --config " +
                      o.runner_config_dir + "/config.toml --docker-host " + spec.inner_host;
    cmd += o.tls ? " --docker-tls-cert-path /certs/client\n" : " --no-docker-tls\n";
    return "\nNext, register the runner (gitlab-runner reads config.toml again when it changes):\n" + cmd;
}

int setup(const dind::Tool& tool, Options& o) {
    using namespace dind;
    if (o.mtu) o.setup.mtu = o.mtu;
    setup::make_spec(o.setup, "0.0"); // every option is checked before the engine is touched
    if (o.check && o.fix_host) throw usage_error("--check and --fix-host do not go together");

    docker::Client client(tool.endpoint());
    docker::EngineInfo info = client.info();
    auto checks = setup::host_checks(o.host_root, info);
    bool all_ok = true;
    for (const auto& c : checks) all_ok = all_ok && c.ok;

    if (o.check) {
        write_out(setup::render_checks(checks));
        return all_ok ? exit_ok : exit_failed;
    }
    if (o.fix_host) {
        write_out(setup::render_checks(checks));
        for (const auto& line : setup::fix_host(o.host_root, checks)) write_out("fixed    " + line + "\n");
        return exit_ok;
    }
    if (!all_ok) {
        for (const auto& c : checks)
            if (!c.ok) spdlog::error("{}: {}", c.name, c.detail);
        throw Error("the host is not ready: dind-setup --check shows the fixes, --fix-host applies the safe ones");
    }

    setup::Spec spec = setup::make_spec(o.setup, info.server_version);
    if (!o.setup.tls)
        spdlog::warn("--no-tls: the dind engine listens on port 2375 without TLS; anything that can reach "
                     "network {} gets root on this host",
                     o.setup.network);
    setup::ApplyOptions apply;
    apply.dry_run = o.dry_run;
    apply.update = o.update;
    apply.pull = o.setup.pull;
    apply.progress = ::isatty(STDERR_FILENO) && !tool.common().quiet;
    bool quiet = tool.common().quiet;
    int code = setup::apply(client, spec, o.setup.runner_config_dir, apply, [&](const std::string& line) {
        if (!quiet) write_out(line + "\n");
    });
    if (!quiet && code == exit_ok && !o.dry_run) write_out(register_hint(spec, o.setup));
    return code;
}

} // namespace

int main(int argc, char** argv) {
    dind::Tool tool("dind-setup", "Check the host, then create the network, the dind engine and the runner");
    Options o;
    auto& s = o.setup;
    auto& app = tool.app();
    const char* objects = "Objects";
    app.add_option("--network", s.network, "Network (default gitlab-runner-net)")->option_text("NAME")->group(objects);
    app.add_option("--dind-name", s.dind_name, "Dind container (default gitlab-dind)")
        ->option_text("NAME")
        ->group(objects);
    app.add_option("--dind-image", s.dind_image, "Dind image (default docker:<engine version>-dind)")
        ->option_text("IMAGE")
        ->group(objects);
    app.add_option("--storage-volume", s.storage_volume,
                   "Volume for the dind engine's storage (default gitlab-dind-storage)")
        ->option_text("NAME")
        ->group(objects);
    app.add_option("--certs-volume", s.certs_volume,
                   "Volume for the TLS client certificates (default gitlab-dind-certs)")
        ->option_text("NAME")
        ->group(objects);
    app.add_option("--runner-name", s.runner_name, "Runner container (default gitlab-runner)")
        ->option_text("NAME")
        ->group(objects);
    app.add_option("--runner-image", s.runner_image, "Runner image (default gitlab/gitlab-runner:alpine)")
        ->option_text("IMAGE")
        ->group(objects);
    app.add_option("--runner-config-dir", s.runner_config_dir,
                   "Host directory mounted at /etc/gitlab-runner (default /srv/gitlab-runner)")
        ->option_text("DIR")
        ->group(objects);
    app.add_option("--mtu", o.mtu, "MTU of the dind engine's networks (passed as --mtu to it)")
        ->option_text("N")
        ->group(objects);
    app.add_flag_callback(
           "--tls", [&s] { s.tls = true; }, "The dind engine serves mutual TLS on 2376 (default)")
        ->group(objects);
    app.add_flag_callback(
           "--no-tls", [&s] { s.tls = false; }, "The dind engine serves plain TCP on 2375 (insecure)")
        ->group(objects);
    app.add_flag_callback(
           "--privileged", [&s] { s.privileged = true; }, "Run dind privileged (default)")
        ->group(objects);
    app.add_flag_callback(
           "--no-privileged", [&s] { s.privileged = false; }, "Run dind unprivileged (rootless images, sysbox)")
        ->group(objects);
    app.add_option("--runtime", s.runtime, "Container runtime for dind (for example sysbox-runc)")
        ->option_text("NAME")
        ->group(objects);
    app.add_option("--pull", s.pull, "Pull images: missing (default), always or never")
        ->option_text("WHEN")
        ->group(objects);
    app.add_flag("-n,--dry-run", o.dry_run, "Print what would be created, changed or left alone; change nothing");
    app.add_flag("--update", o.update, "Recreate containers that differ from the options (volumes are kept)");
    app.add_flag("--check", o.check, "Only check the host; exit 0 when every check passes");
    app.add_flag("--fix-host", o.fix_host, "Apply the safe host fixes (modprobe, /etc/modules, daemon.json)");
    app.add_option("--host-root", o.host_root, "Read and fix host files under DIR instead of / (for tests)")
        ->option_text("DIR");
    tool.add_engine_options(false);
    return tool.run(argc, argv, [&] { return setup(tool, o); });
}
