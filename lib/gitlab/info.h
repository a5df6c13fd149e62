// The "info" block sent on registration and verification: it describes the runner that will
// really run (gitlab-runner with the docker executor), since GitLab keeps it for up to an hour and
// decides job behaviour from its features.
#pragma once
#include <string>

namespace dind::gitlab {

// The Go name of this machine's architecture ("amd64", "arm64", …), as gitlab-runner reports it.
std::string host_architecture();

// {"name": "gitlab-runner", "version": …, "platform": "linux", "architecture": …,
//  "executor": "docker", "shell": "bash", "features": {…}}; version is left out when empty.
std::string runner_info_json(const std::string& runner_version, const std::string& architecture);

} // namespace dind::gitlab
