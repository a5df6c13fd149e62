#include "prune/policy.h"

#include "common/error.h"

#include <fnmatch.h>

namespace dind::prune {

bool LabelMatch::matches(const docker::Labels& labels) const {
    auto it = labels.find(key);
    bool present = it != labels.end() && (!value || it->second == *value);
    return negate ? !present : present;
}

std::string LabelMatch::text() const {
    return std::string(negate ? "label!=" : "label=") + key + (value ? "=" + *value : "");
}

void restrict_to(Policy& policy, std::vector<Selector> from, bool only_given) {
    if (!only_given) policy.kinds = {docker::all_kinds.begin(), docker::all_kinds.end()};
    policy.all = true;
    policy.from = std::move(from);
}

bool glob_match(const std::string& pattern, const std::string& text) {
    return ::fnmatch(pattern.c_str(), text.c_str(), 0) == 0;
}

namespace {

LabelMatch parse_label(const std::string& spec, bool negate, const std::string& original) {
    LabelMatch m;
    m.negate = negate;
    auto eq = spec.find('=');
    m.key = spec.substr(0, eq);
    if (eq != std::string::npos) m.value = spec.substr(eq + 1);
    if (m.key.empty()) throw usage_error("invalid filter '" + original + "': empty label key");
    return m;
}

} // namespace

Policy make_policy(const PolicyOptions& options, const EngineClock& clock) {
    Policy p;
    p.all = options.all;

    if (options.only.empty()) {
        p.kinds = {Kind::container, Kind::network, Kind::image, Kind::build_cache};
        if (options.volumes) p.kinds.insert(Kind::volume);
    } else {
        for (const auto& list : options.only) {
            std::size_t start = 0;
            while (start <= list.size()) {
                auto comma = list.find(',', start);
                std::string name = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
                auto kind = docker::parse_kind(name);
                if (!kind)
                    throw usage_error("invalid --only kind '" + name +
                                      "': want containers, images, networks, volumes or build-cache");
                p.kinds.insert(*kind);
                if (comma == std::string::npos) break;
                start = comma + 1;
            }
        }
    }

    std::vector<std::string> untils;
    if (!options.until.empty()) untils.push_back(options.until);
    for (const auto& f : options.filters) {
        auto eq = f.find('=');
        if (eq == std::string::npos || eq == 0)
            throw usage_error("invalid filter '" + f + "': want until=X, label=K[=V] or label!=K[=V]");
        bool negate = f[eq - 1] == '!';
        std::string key = f.substr(0, negate ? eq - 1 : eq);
        std::string value = f.substr(eq + 1);
        if (key == "until" && !negate) {
            if (value.empty()) throw usage_error("invalid filter '" + f + "': until needs a value");
            untils.push_back(value);
        } else if (key == "label") {
            p.labels.push_back(parse_label(value, negate, f));
        } else {
            throw usage_error("invalid filter '" + key + (negate ? "!" : "") +
                              "': dind-prune knows until, label and label!");
        }
    }
    if (untils.size() > 1)
        for (const auto& u : untils)
            if (u != untils.front())
                throw usage_error("conflicting until values '" + untils.front() + "' and '" + u + "'");
    if (!untils.empty()) {
        p.until_text = untils.front();
        p.until = parse_until(untils.front(), clock);
    }

    for (const auto& k : options.keep_labels) p.keep_labels.push_back(parse_label(k, false, "--keep-label " + k));
    for (const auto& g : options.keep_images) {
        if (g.empty()) throw usage_error("invalid --keep-image: empty pattern");
        p.keep_images.push_back(g);
    }
    auto grace = parse_duration(options.grace);
    if (!grace) throw usage_error("invalid --grace '" + options.grace + "': want a duration such as 1h or 30m");
    p.grace = *grace;
    return p;
}

} // namespace dind::prune
