#include "prune/plan.h"

#include "common/toolkit.h"
#include "prune/records.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

namespace dind::prune {

std::string_view result_name(Result r) {
    switch (r) {
    case Result::kept: return "kept";
    case Result::would_remove: return "would-remove";
    case Result::removed: return "removed";
    case Result::skipped: return "skipped";
    case Result::failed: return "failed";
    }
    return "?";
}

std::optional<TimePoint> age_time(const PlanItem& item) {
    if (item.kind == Kind::build_cache && item.last_used) return item.last_used;
    return item.created;
}

namespace {

bool selector_matches(const Selector& s, const PlanItem& item) {
    if (s.kind && *s.kind != item.kind) return false;
    if (s.ref == item.id || (!item.name.empty() && s.ref == item.name)) return true;
    for (const auto& t : item.tags)
        if (s.ref == t) return true;
    std::string bare = item.id.rfind("sha256:", 0) == 0 ? item.id.substr(7) : item.id;
    std::string ref = s.ref.rfind("sha256:", 0) == 0 ? s.ref.substr(7) : s.ref;
    return ref.size() >= 12 && bare.rfind(ref, 0) == 0;
}

// The policy's filters, applied alike to every kind. nullopt: the object qualifies.
std::optional<std::string> filter_reason(const PlanItem& item, const Policy& policy) {
    if (!policy.kinds.count(item.kind)) return std::string("kind not selected");
    if (policy.from) {
        bool listed = false;
        for (const auto& s : *policy.from) listed = listed || selector_matches(s, item);
        if (!listed) return std::string("not listed in --from");
    }
    for (const auto& k : policy.keep_labels)
        if (k.matches(item.labels)) return "keep label " + k.key + (k.value ? "=" + *k.value : "");
    for (const auto& l : policy.labels)
        if (!l.matches(item.labels))
            return l.text() + " does not match" +
                   (item.kind == Kind::build_cache ? " (build cache has no labels)" : "");
    if (policy.until) {
        auto t = age_time(item);
        if (!t) return std::string("age unknown");
        if (*t >= *policy.until) return "newer than until=" + policy.until_text.value_or("");
    }
    return std::nullopt;
}

void decide(PlanItem& item, std::optional<std::string> keep_reason, const std::string& remove_reason) {
    item.remove = !keep_reason;
    item.result = item.remove ? Result::would_remove : Result::kept;
    item.reason = item.remove ? remove_reason : *keep_reason;
}

void keep(PlanItem& item, std::string reason) { decide(item, std::move(reason), ""); }

// Keeps every removable object that a kept object still depends on (an image's parent, a build
// cache record's parent), then numbers waves so children go before their parents.
void settle_parents(std::vector<PlanItem>& items, const std::map<std::string, std::vector<std::string>>& parents_of,
                    const std::string& what) {
    std::map<std::string, PlanItem*> by_id;
    for (auto& it : items) by_id[it.id] = &it;
    bool changed = true;
    while (changed) {
        changed = false;
        for (auto& it : items) {
            if (it.remove) continue;
            auto p = parents_of.find(it.id);
            if (p == parents_of.end()) continue;
            for (const auto& parent_id : p->second) {
                auto parent = by_id.find(parent_id);
                if (parent == by_id.end() || !parent->second->remove) continue;
                keep(*parent->second, "parent of kept " + what + " " + (it.name.empty() ? short_id(it.id) : it.name));
                changed = true;
            }
        }
    }
    // wave(x) = 1 + max wave of removed children; leaves are 0.
    std::map<std::string, std::vector<PlanItem*>> children;
    for (auto& it : items) {
        auto p = parents_of.find(it.id);
        if (!it.remove || p == parents_of.end()) continue;
        for (const auto& parent_id : p->second) children[parent_id].push_back(&it);
    }
    std::map<std::string, int> memo;
    std::function<int(const PlanItem&, int)> wave = [&](const PlanItem& it, int depth) -> int {
        if (auto m = memo.find(it.id); m != memo.end()) return m->second;
        int w = 0;
        if (depth < 1000)
            for (const PlanItem* c : children[it.id]) w = std::max(w, 1 + wave(*c, depth + 1));
        return memo[it.id] = w;
    };
    for (auto& it : items)
        if (it.remove) it.wave = wave(it, 0);
}

template <class T, class Key>
void oldest_first(std::vector<T>& v, Key key) {
    std::stable_sort(v.begin(), v.end(), [&](const T& a, const T& b) {
        auto ta = key(a), tb = key(b);
        if (!ta || !tb) return ta.has_value() && !tb.has_value();
        return *ta < *tb;
    });
}

} // namespace

Plan make_plan(const Inventory& inv, const Policy& policy) {
    Plan plan;
    plan.clock = inv.clock;
    const TimePoint now = inv.clock.now;

    // Containers, and what the ones that stay still use.
    std::vector<PlanItem> containers;
    std::map<std::string, std::string> image_users, volume_users, network_users; // object → a container
    for (const auto& c : inv.containers) {
        PlanItem item;
        item.kind = Kind::container;
        item.id = c.id;
        item.name = c.name;
        item.created = c.created;
        item.size = c.size_rw;
        item.labels = c.labels;
        bool active = c.state == "running" || c.state == "paused" || c.state == "restarting" || c.state == "removing";
        item.in_use = active;
        if (c.name == default_dind_name || c.name == default_runner_name || c.labels.count(role_label))
            keep(item, "toolkit infrastructure");
        else if (active)
            keep(item, c.state);
        else if (c.state == "created" && !c.created)
            keep(item, "created, creation time unknown");
        else if (c.state == "created" && now - *c.created < policy.grace)
            keep(item, "created " + format_age(now - *c.created) + " ago, within --grace");
        else
            decide(item, filter_reason(item, policy), c.state == "created" ? "created, never started" : c.state);
        if (!item.remove) {
            std::string who = c.name.empty() ? short_id(c.id) : c.name;
            image_users.emplace(c.image_id, who);
            for (const auto& v : c.volume_names) volume_users.emplace(v, who);
            for (const auto& n : c.networks) {
                network_users.emplace(n.name, who);
                if (!n.network_id.empty()) network_users.emplace(n.network_id, who);
            }
        }
        containers.push_back(std::move(item));
    }
    oldest_first(containers, [](const PlanItem& i) { return i.created; });

    std::vector<PlanItem> networks;
    for (const auto& n : inv.networks) {
        PlanItem item;
        item.kind = Kind::network;
        item.id = n.id;
        item.name = n.name;
        item.created = n.created;
        item.labels = n.labels;
        auto user = network_users.find(n.id);
        if (user == network_users.end()) user = network_users.find(n.name);
        item.in_use = user != network_users.end();
        if (n.name == "bridge" || n.name == "host" || n.name == "none")
            keep(item, "predefined network");
        else if (n.scope == "swarm")
            keep(item, "swarm-scoped network");
        else if (n.labels.count(role_label))
            keep(item, "toolkit infrastructure");
        else if (item.in_use)
            keep(item, "in use by container " + user->second);
        else
            decide(item, filter_reason(item, policy), "unused network");
        networks.push_back(std::move(item));
    }
    oldest_first(networks, [](const PlanItem& i) { return i.created; });

    std::vector<PlanItem> volumes;
    for (const auto& v : inv.volumes) {
        PlanItem item;
        item.kind = Kind::volume;
        item.id = v.name;
        item.name = v.name;
        item.created = v.created;
        item.size = v.size;
        item.labels = v.labels;
        auto user = volume_users.find(v.name);
        item.in_use = user != volume_users.end();
        if (v.labels.count(role_label))
            keep(item, "toolkit infrastructure");
        else if (item.in_use)
            keep(item, "in use by container " + user->second);
        else if (!v.anonymous() && !policy.all)
            keep(item, "named volume (-a includes named volumes)");
        else
            decide(item, filter_reason(item, policy),
                   v.anonymous() ? "unused anonymous volume" : "unused named volume");
        volumes.push_back(std::move(item));
    }
    oldest_first(volumes, [](const PlanItem& i) { return i.created; });

    std::vector<PlanItem> images;
    std::map<std::string, std::vector<std::string>> image_parents;
    for (const auto& im : inv.images) {
        PlanItem item;
        item.kind = Kind::image;
        item.id = im.id;
        item.tags = im.repo_tags;
        item.name = im.repo_tags.empty() ? "<none>" : im.repo_tags.front();
        item.created = im.created;
        item.size = im.size;
        item.labels = im.labels;
        if (!im.parent_id.empty()) image_parents[im.id] = {im.parent_id};
        auto user = image_users.find(im.id);
        item.in_use = user != image_users.end();
        std::string glob;
        for (const auto& g : policy.keep_images)
            for (const auto& t : im.repo_tags)
                if (glob.empty() && glob_match(g, t)) glob = g;
        if (im.labels.count(role_label))
            keep(item, "toolkit infrastructure");
        else if (item.in_use)
            keep(item, "used by container " + user->second);
        else if (!im.dangling() && !policy.all)
            keep(item, "tagged image (-a includes every unused image)");
        else if (!glob.empty())
            keep(item, "matches --keep-image " + glob);
        else
            decide(item, filter_reason(item, policy), im.dangling() ? "dangling image" : "unused image");
        images.push_back(std::move(item));
    }
    settle_parents(images, image_parents, "image");
    oldest_first(images, [](const PlanItem& i) { return i.created; });

    std::vector<PlanItem> cache;
    std::map<std::string, std::vector<std::string>> cache_parents;
    for (const auto& r : inv.build_cache) {
        PlanItem item;
        item.kind = Kind::build_cache;
        item.id = r.id;
        item.name = r.description;
        item.created = r.created;
        item.last_used = r.last_used;
        item.size = r.size;
        item.in_use = r.in_use;
        if (!r.parents.empty()) cache_parents[r.id] = r.parents;
        bool internal = r.type == "internal" || r.type == "frontend";
        if (r.in_use)
            keep(item, "in use by a build");
        else if (!policy.all && (r.shared || internal))
            keep(item, std::string(internal ? "internal" : "shared with images") + " (-a includes it)");
        else
            decide(item, filter_reason(item, policy), "unused build cache");
        cache.push_back(std::move(item));
    }
    settle_parents(cache, cache_parents, "build cache");
    oldest_first(cache, [](const PlanItem& i) { return age_time(i); });

    for (auto* group : {&containers, &networks, &volumes, &images, &cache})
        for (auto& item : *group) plan.items.push_back(std::move(item));
    return plan;
}

} // namespace dind::prune
