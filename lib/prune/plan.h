// The planner: PURE. inventory + policy → plan: every object, remove or keep, and why. A dry
// run, a report and a real run all print this same plan; nothing decides twice.
#pragma once
#include "prune/inventory.h"
#include "prune/policy.h"

#include <optional>
#include <string>
#include <vector>

namespace dind::prune {

enum class Result { kept, would_remove, removed, skipped, failed };
std::string_view result_name(Result r); // "kept", "would-remove", "removed", "skipped", "failed"

struct PlanItem {
    Kind kind = Kind::container;
    std::string id;                // full id; the name for volumes
    std::string name;              // container/network/volume name, image's first tag, build cache description
    std::vector<std::string> tags; // images
    std::optional<TimePoint> created;
    std::optional<TimePoint> last_used; // build cache
    std::optional<std::int64_t> size;
    docker::Labels labels;
    bool in_use = false; // used by a container that stays (or running), for reports
    bool remove = false;
    int wave = 0; // removals run in ascending waves: children before the parents they hold
    Result result = Result::kept;
    std::string reason;
};

struct Plan {
    EngineClock clock;
    std::vector<PlanItem> items; // in removal order: containers, networks, volumes, images, build cache
};

Plan make_plan(const Inventory& inventory, const Policy& policy);

// The time a policy's `until` compares: creation, but last use for build cache.
std::optional<TimePoint> age_time(const PlanItem& item);

} // namespace dind::prune
