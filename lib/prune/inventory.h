// One read of the engine: every object of the kinds asked for, plus the engine's clock. The
// planner decides on this alone.
#pragma once
#include "common/time.h"
#include "docker/client.h"
#include "docker/types.h"

#include <set>
#include <vector>

namespace dind::prune {

struct Inventory {
    EngineClock clock;
    docker::EngineInfo info;
    std::vector<docker::Container> containers; // always: they decide what else is in use
    std::vector<docker::Image> images;
    std::vector<docker::Network> networks;
    std::vector<docker::Volume> volumes;
    std::vector<docker::BuildCacheRecord> build_cache;
    bool sizes = false; // /system/df was read: container and volume sizes are known
    std::int64_t layers_size = 0;
};

// The engine clock from /info: SystemTime and its UTC offset.
EngineClock engine_clock(const docker::EngineInfo& info);

// Lists the kinds asked for (containers always), all requests in flight at once. /system/df is
// read only when with_sizes is set or build cache is asked for: it is the only listing of build
// cache on API 1.41 and the only source of container and volume sizes, and it is the slowest
// request by far on a large engine.
Inventory load_inventory(docker::Client& client, const std::set<docker::Kind>& kinds, bool with_sizes);

} // namespace dind::prune
