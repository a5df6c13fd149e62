// Brings the engine to the spec, changing only what is missing: network, volumes, images,
// the runner's config directory, then the dind and runner containers.
#pragma once
#include "docker/client.h"
#include "setup/spec.h"

#include <functional>
#include <string>

namespace dind::setup {

struct ApplyOptions {
    bool dry_run = false;
    bool update = false; // recreate containers that differ (the storage volume is kept)
    std::string pull = "missing";
    bool progress = false; // show pull progress (a terminal)
};

// Says one line per object ("network gitlab-runner-net: created", "... unchanged",
// "... differs:" and a line per field). Returns exit_ok, or exit_failed when an object differs
// and --update was not given. Throws dind::Error to stop part-way (a pull that fails, a name
// taken by a container dind-setup did not create): what was already right stays, and a rerun
// finishes the job.
int apply(docker::Client& client, const Spec& spec, const std::string& runner_config_dir, const ApplyOptions& options,
          const std::function<void(const std::string&)>& say);

} // namespace dind::setup
