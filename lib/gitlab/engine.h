// The docker: image a job should use by default: the one matching the engine the jobs run on.
#pragma once
#include "docker/client.h"

#include <optional>
#include <string>
#include <string_view>

namespace dind::gitlab {

// Used when no engine can be asked.
inline constexpr const char* fallback_docker_image = "docker:24";

// The CLI image matching a dind image: "docker:27.3.1-dind" → "docker:27.3.1",
// "docker.io/library/docker:dind" → "docker.io/library/docker:latest"; nullopt for anything else.
std::optional<std::string> cli_image_for_dind_image(std::string_view image);

// The docker: image of an engine version: "24.0.7" → "docker:24.0.7", "20.10.24+dfsg1" →
// "docker:20.10.24"; nullopt when it does not start with a version.
std::optional<std::string> cli_image_for_engine_version(std::string_view version);

// gitlab-runner's version from its image: "gitlab/gitlab-runner:v17.5.0" or ":alpine-v17.5.0" →
// "17.5.0"; "" when the tag names none.
std::string runner_version_for_image(std::string_view image);

struct EngineFacts {
    std::string docker_image;   // fallback_docker_image when the engine could not be asked
    std::string runner_version; // from a gitlab-runner container there, else ""
    std::string how;            // where docker_image came from, for the log
};

// Asks the engine: the image of its gitlab-dind container when it has one (the engine the jobs
// run on), else the engine's own version. Never throws: an unreachable engine gives the fallback.
EngineFacts probe_engine(docker::Client& client);

} // namespace dind::gitlab
