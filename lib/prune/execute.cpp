#include "prune/execute.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace dind::prune {

void execute(docker::Client& client, Plan& plan, std::size_t parallel,
             const std::function<void(const PlanItem&)>& on_item) {
    for (Kind kind : docker::all_kinds) {
        int max_wave = -1;
        for (const auto& item : plan.items)
            if (item.remove && item.kind == kind) max_wave = std::max(max_wave, item.wave);
        for (int wave = 0; wave <= max_wave; ++wave) {
            std::vector<PlanItem*> batch;
            std::vector<docker::Removal> removals;
            for (auto& item : plan.items) {
                if (!item.remove || item.kind != kind || item.wave != wave) continue;
                batch.push_back(&item);
                removals.push_back({kind, item.id, item.tags});
            }
            client.remove(removals, parallel, [&](std::size_t i, const docker::Outcome& o) {
                PlanItem& item = *batch[i];
                switch (o.status) {
                case docker::Outcome::Status::removed: item.result = Result::removed; break;
                case docker::Outcome::Status::not_found:
                    item.result = Result::skipped;
                    item.reason = "already gone";
                    break;
                case docker::Outcome::Status::conflict:
                    item.result = Result::skipped;
                    item.reason = o.message;
                    break;
                case docker::Outcome::Status::failed:
                    item.result = Result::failed;
                    item.reason = o.message;
                    spdlog::error("cannot remove {} {}: {}", docker::kind_name(kind),
                                  item.name.empty() ? item.id : item.name, o.message);
                    break;
                }
                if (item.result == Result::skipped)
                    spdlog::info("skipped {} {}: {}", docker::kind_name(kind), item.name.empty() ? item.id : item.name,
                                 item.reason);
                if (on_item) on_item(item);
            });
        }
    }
}

} // namespace dind::prune
