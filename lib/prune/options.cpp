#include "prune/options.h"

namespace dind::prune {

void add_policy_options(CLI::App& app, PolicyOptions& o) {
    const char* group = "Policy";
    app.add_option("--filter", o.filters, "Filter: until=X, label=K, label=K=V, label!=K, label!=K=V (repeatable)")
        ->option_text("FILTER")
        ->group(group);
    app.add_option("--until", o.until, "Only objects older than X: 168h, 7d, 2w, a date, or unix seconds")
        ->option_text("X")
        ->group(group);
    app.add_flag("-a,--all", o.all, "Every unused image, not just dangling ones; named volumes too")->group(group);
    app.add_flag("--volumes", o.volumes, "Prune volumes too")->group(group);
    app.add_option("--only", o.only, "Only these kinds: containers,images,networks,volumes,build-cache")
        ->option_text("KIND[,KIND...]")
        ->group(group);
    app.add_option("--keep-label", o.keep_labels, "Never remove objects with this label (repeatable)")
        ->option_text("K[=V]")
        ->group(group);
    app.add_option("--keep-image", o.keep_images, "Never remove images whose repo:tag matches (repeatable)")
        ->option_text("GLOB")
        ->group(group);
    app.add_option("--grace", o.grace, "Keep containers created but not started for this long (default 1h)")
        ->option_text("DURATION")
        ->group(group);
}

} // namespace dind::prune
