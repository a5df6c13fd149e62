// The policy options dind-prune and dind-gc-report share, spelled the same in both.
#pragma once
#include "prune/policy.h"

#include <CLI/CLI.hpp>

namespace dind::prune {

void add_policy_options(CLI::App& app, PolicyOptions& options);

} // namespace dind::prune
