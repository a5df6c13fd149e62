// The one record format every tool prints and dind-prune --from reads back: one JSON object per
// object with kind, id, name, created, size, labels, result, reason (dind-gc-report adds
// reclaimable). Plus the table, json and ids renderings of a plan.
#pragma once
#include "prune/plan.h"

#include <istream>
#include <string>
#include <vector>

namespace dind::prune {

// One line of NDJSON (no newline). report adds `reclaimable` and `in_use`.
std::string record_json(const PlanItem& item, bool report = false);

// --from input: NDJSON records (records with "reclaimable": false are ignored) or bare ids or
// names, one per line; blank lines and #comments are skipped. Throws a usage error naming the
// first bad line ("<source>:<line>: …").
std::vector<Selector> parse_selectors(std::istream& in, const std::string& source);

enum class Format { table, json, ndjson, ids };
Format parse_format(const std::string& text); // throws a usage error

// The items that a prune prints: those it removes or would remove.
std::vector<const PlanItem*> removals(const Plan& plan);

struct Totals {
    std::size_t planned = 0, removed = 0, skipped = 0, failed = 0;
    std::int64_t bytes = 0; // reclaimed (or, in a dry run, reclaimable); unknown sizes count 0
};
Totals totals(const std::vector<const PlanItem*>& items);

// KIND NAME AGE SIZE RESULT, then "Total reclaimed space: 1.2GB".
std::string render_table(const std::vector<const PlanItem*>& items, const EngineClock& clock, bool dry_run);
std::string render_ndjson(const std::vector<const PlanItem*>& items, bool report = false);
std::string render_ids(const std::vector<const PlanItem*>& items);
// {"dry_run":…, "engine_time":…, "until":…, "records":[…], "totals":{…}}
std::string render_json(const std::vector<const PlanItem*>& items, const Plan& plan, const Policy& policy,
                        bool dry_run);

// "sha256:abc…" → "abc…" cut to 12 characters.
std::string short_id(const std::string& id);

} // namespace dind::prune
