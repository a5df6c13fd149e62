// dind-recreate: drain the runner, flush the dind engine's storage, make the dind container
// again as it was, start the runner again.
#pragma once
#include "docker/client.h"

#include <functional>
#include <optional>
#include <string>

namespace dind::recreate {

struct Options {
    std::string dind = "gitlab-dind";
    std::string runner = "gitlab-runner";
    double drain_timeout = 3600;
    double start_timeout = 120;
    bool force = false;
    bool keep_storage = false;
    bool dry_run = false;
    std::string image;                     // upgrade to this image at the same time
    std::optional<docker::Endpoint> inner; // the inner engine, where reachable
};

struct Summary {
    std::int64_t reclaimed_bytes = 0;
    std::optional<std::size_t> jobs_waited_for; // build containers running when the drain began
    double downtime_seconds = 0;
};

// Returns exit_ok, or exit_locked (75) when the drain timed out without --force (the runner is
// put back as it was and nothing else changed). Throws dind::Error when a step fails; if the new
// engine does not come up, the runner is left stopped and nothing else is deleted.
int run(docker::Client& host, const Options& options, const std::function<void(const std::string&)>& say,
        Summary& summary);

} // namespace dind::recreate
