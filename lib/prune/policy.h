// What a prune may remove: kinds, filters, protections. Parsed from the options dind-prune and
// dind-gc-report share, validated before the engine is touched.
#pragma once
#include "common/time.h"
#include "docker/kind.h"
#include "docker/types.h"

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace dind::prune {

using docker::Kind;

// label=K, label=K=V, label!=K, label!=K=V (and --keep-label K[=V]).
struct LabelMatch {
    std::string key;
    std::optional<std::string> value;
    bool negate = false;
    bool matches(const docker::Labels& labels) const; // the condition holds (negation applied)
    std::string text() const;                         // "label!=k=v"
};

// An object named by --from: the kind when the record said it, and an id, short id or name.
struct Selector {
    std::optional<Kind> kind;
    std::string ref;
};

// The options as the user spelled them (shared by dind-prune and dind-gc-report).
struct PolicyOptions {
    std::vector<std::string> filters; // --filter until=…, label=…, label!=…
    std::string until;                // --until
    bool all = false;                 // -a/--all
    bool volumes = false;             // --volumes
    std::vector<std::string> only;    // --only KIND[,KIND…]
    std::vector<std::string> keep_labels;
    std::vector<std::string> keep_images;
    std::string grace = "1h";
};

struct Policy {
    std::set<Kind> kinds;
    bool all = false;
    std::optional<std::string> until_text;
    std::optional<TimePoint> until; // resolved against the engine clock
    std::vector<LabelMatch> labels;
    std::vector<LabelMatch> keep_labels;
    std::vector<std::string> keep_images;
    Nanos grace = std::chrono::hours{1};
    std::optional<std::vector<Selector>> from; // --from: consider only these
};

// Validates everything and resolves `until` against the clock. Throws a usage error (exit 2)
// naming the bad filter or value. Call it with a default clock first to validate before any
// engine request, then again with the engine's clock.
Policy make_policy(const PolicyOptions& options, const EngineClock& clock);

// --from: the listed objects are the candidates. Unless --only was given, every kind is
// considered and -a's widening applies (a listed tagged image or named volume is a candidate);
// protections and filters still hold.
void restrict_to(Policy& policy, std::vector<Selector> from, bool only_given);

// Glob with * and ? (and [...] classes), as fnmatch without flags: `docker:*-dind`.
bool glob_match(const std::string& pattern, const std::string& text);

} // namespace dind::prune
