// Applies a plan: exactly the objects marked remove, one delete each (never an engine-side
// prune that could take objects created after the plan), kinds in order, children before parents.
#pragma once
#include "docker/client.h"
#include "prune/plan.h"

#include <functional>

namespace dind::prune {

// Fills each removed item's result: removed; skipped (in use again: 409, or already gone: 404);
// failed (anything else). on_item is called as each object finishes.
void execute(docker::Client& client, Plan& plan, std::size_t parallel,
             const std::function<void(const PlanItem&)>& on_item = {});

} // namespace dind::prune
