#include "prune/inventory.h"

#include "common/error.h"
#include "docker/parse.h"

#include <map>

namespace dind::prune {

using docker::Kind;

EngineClock engine_clock(const docker::EngineInfo& info) {
    auto now = parse_rfc3339(info.system_time);
    if (!now) throw Error("the engine did not report its clock (SystemTime '" + info.system_time + "')");
    return {*now, rfc3339_offset(info.system_time)};
}

Inventory load_inventory(docker::Client& client, const std::set<Kind>& kinds, bool with_sizes) {
    bool df = with_sizes || kinds.count(Kind::build_cache);
    // /system/df already lists every container (with sizes) and every image (with shared sizes):
    // when it is read, those two listings are not asked for again. Volumes are, since it only
    // covers the local driver's.
    std::vector<std::string> paths = {"/info"};
    if (!df) paths.push_back("/containers/json?all=1");
    if (!df && kinds.count(Kind::image)) paths.push_back("/images/json");
    if (kinds.count(Kind::network)) paths.push_back("/networks");
    if (kinds.count(Kind::volume)) paths.push_back("/volumes");
    if (df) paths.push_back("/system/df");
    client.api_version(); // negotiate first, so every path below carries the version
    auto bodies = client.get_all(paths);

    Inventory inv;
    std::size_t i = 0;
    inv.info = docker::parse_info(bodies[i++]);
    inv.clock = engine_clock(inv.info);
    if (!df) inv.containers = docker::parse_containers(bodies[i++]);
    if (!df && kinds.count(Kind::image)) inv.images = docker::parse_images(bodies[i++]);
    if (kinds.count(Kind::network)) inv.networks = docker::parse_networks(bodies[i++]);
    if (kinds.count(Kind::volume)) inv.volumes = docker::parse_volumes(bodies[i++]);
    if (df) {
        docker::DiskUsage du = docker::parse_disk_usage(bodies[i++]);
        inv.sizes = true;
        inv.layers_size = du.layers_size;
        inv.build_cache = std::move(du.build_cache);
        inv.containers = std::move(du.containers);
        // SizeRw is omitted when the writable layer is empty.
        for (auto& c : inv.containers) c.size_rw = c.size_rw.value_or(0);
        if (kinds.count(Kind::image)) inv.images = std::move(du.images);
        std::map<std::string, const docker::Volume*> usage;
        for (const auto& v : du.volumes) usage[v.name] = &v;
        for (auto& v : inv.volumes) {
            if (auto it = usage.find(v.name); it != usage.end()) {
                v.size = it->second->size;
                v.ref_count = it->second->ref_count;
            }
        }
    }
    return inv;
}

} // namespace dind::prune
