// dind-gc-report's figures, summarised from the same plan a dind-prune dry run prints: the
// report of a policy is that policy's plan, never a second implementation.
#pragma once
#include "prune/inventory.h"
#include "prune/plan.h"

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace dind::report {

using prune::PlanItem;

// Age bands: under 1 day, 1–7 days, 7–30 days, over 30 days.
inline constexpr std::array<const char*, 4> band_names = {"lt_1d", "1d_7d", "7d_30d", "gt_30d"};
std::size_t band_of(Nanos age);

struct KindSummary {
    docker::Kind kind = docker::Kind::container;
    std::size_t objects = 0;
    std::int64_t bytes = 0;
    std::size_t reclaimable_objects = 0;
    std::int64_t reclaimable_bytes = 0;
    std::optional<Nanos> oldest_age;
    std::array<std::size_t, 4> bands{};
};

struct Report {
    EngineClock clock;
    docker::EngineInfo info;
    std::int64_t used_bytes = 0;    // image layers + container layers + volumes + build cache
    std::vector<KindSummary> kinds; // in docker::all_kinds order
    std::vector<const PlanItem*> top_images, top_volumes;
};

// Sizes: images count their layers once (the engine's LayersSize), and an image's reclaimable
// bytes are its unique ones (size minus shared size), as `docker system df` counts them.
Report summarize(const prune::Inventory& inventory, const prune::Plan& plan, std::size_t top);

std::string render_table(const Report& report, const prune::Policy& policy);
std::string render_json(const Report& report, const prune::Policy& policy, double duration_seconds);
// The Prometheus text exposition format. report is null when the engine could not be read.
std::string render_prometheus(const Report* report, TimePoint generated, double duration_seconds);

} // namespace dind::report
