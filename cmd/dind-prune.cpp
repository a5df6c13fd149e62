#include "common/cli.h"
#include "common/error.h"
#include "common/lock.h"
#include "docker/client.h"
#include "prune/execute.h"
#include "prune/inventory.h"
#include "prune/options.h"
#include "prune/records.h"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <unistd.h>

namespace {

struct Options {
    dind::prune::PolicyOptions policy;
    bool dry_run = false;
    std::string format = "table";
    std::string from;
    std::size_t parallel = 4;
    std::string lock_file = dind::default_lock_path();
    double wait = 0;
};

std::vector<dind::prune::Selector> read_from(const std::string& from) {
    if (from == "-") return dind::prune::parse_selectors(std::cin, "stdin");
    std::ifstream in(from);
    if (!in) throw dind::usage_error("cannot open --from file " + from);
    return dind::prune::parse_selectors(in, from);
}

int prune(const dind::Tool& tool, const Options& o) {
    using namespace dind::prune;
    // Everything the user gave is checked before the engine is touched; this first policy, made
    // without the engine's clock, only decides which kinds to read.
    Policy probe = make_policy(o.policy, dind::EngineClock{});
    Format format = parse_format(o.format);
    std::optional<std::vector<Selector>> from;
    if (!o.from.empty()) from = read_from(o.from);

    std::optional<dind::FileLock> lock;
    if (!o.dry_run) lock.emplace(o.lock_file, o.wait);

    dind::docker::Client client(tool.endpoint());
    if (from) restrict_to(probe, *from, !o.policy.only.empty());
    // Sizes are only printed: ids and a quiet table do without the expensive /system/df.
    bool sizes = !(format == Format::ids || (format == Format::table && tool.common().quiet));
    Inventory inventory = load_inventory(client, probe.kinds, sizes);
    Policy policy = make_policy(o.policy, inventory.clock);
    if (from) restrict_to(policy, std::move(*from), !o.policy.only.empty());
    Plan plan = make_plan(inventory, policy);
    auto items = removals(plan);

    if (!o.dry_run && !items.empty()) {
        bool progress = ::isatty(STDERR_FILENO) && !tool.common().quiet && items.size() >= 20;
        std::size_t done = 0;
        execute(client, plan, o.parallel, [&](const PlanItem&) {
            ++done;
            if (progress) std::fprintf(stderr, "\rremoving %zu/%zu", done, items.size());
        });
        if (progress) std::fprintf(stderr, "\r\033[K");
    }

    Totals t = totals(items);
    spdlog::info("{} {} objects, {} skipped, {} failed", o.dry_run ? "would remove" : "removed",
                 o.dry_run ? t.planned : t.removed, t.skipped, t.failed);
    switch (format) {
    case Format::table:
        if (!tool.common().quiet) dind::write_out(render_table(items, plan.clock, o.dry_run));
        break;
    case Format::ndjson: dind::write_out(render_ndjson(items)); break;
    case Format::ids: dind::write_out(render_ids(items)); break;
    case Format::json: dind::write_out(render_json(items, plan, policy, o.dry_run)); break;
    }
    return t.failed > 0 ? dind::exit_failed : dind::exit_ok;
}

} // namespace

int main(int argc, char** argv) {
    dind::Tool tool("dind-prune", "Prune containers, images, networks, volumes and build cache by age");
    Options o;
    auto& app = tool.app();
    dind::prune::add_policy_options(app, o.policy);
    app.add_flag("-n,--dry-run", o.dry_run, "Print the plan and remove nothing");
    app.add_option("--format", o.format, "Output: table, json, ndjson or ids (default table)")->option_text("FORMAT");
    app.add_option("--from", o.from, "Consider only the objects listed in FILE (NDJSON records or ids; - for stdin)")
        ->option_text("FILE");
    app.add_option("--parallel", o.parallel, "Deletions in flight at once (default 4)")
        ->check(CLI::Range(1, 64))
        ->option_text("N");
    app.add_option("--lock-file", o.lock_file,
                   "Lock file that keeps runs from overlapping (default " + o.lock_file + ")")
        ->option_text("FILE");
    app.add_option("--wait", o.wait, "Wait this long for another run's lock instead of exiting 75 (default 0)")
        ->check(CLI::NonNegativeNumber)
        ->option_text("SECONDS");
    tool.add_engine_options();
    return tool.run(argc, argv, [&] { return prune(tool, o); });
}
