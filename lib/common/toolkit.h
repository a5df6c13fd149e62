// Names and labels the toolkit's binaries agree on.
#pragma once

namespace dind {

// dind-setup puts this label on everything it creates ("dind", "runner", "network", "storage",
// "certs"); dind-prune never removes an object that carries it.
inline constexpr const char* role_label = "io.dind-tools.role";

// The seed setup's container names, protected even without the label.
inline constexpr const char* default_dind_name = "gitlab-dind";
inline constexpr const char* default_runner_name = "gitlab-runner";

} // namespace dind
