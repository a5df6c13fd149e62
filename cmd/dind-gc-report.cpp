#include "common/atomic_file.h"
#include "common/cli.h"
#include "common/error.h"
#include "docker/client.h"
#include "prune/inventory.h"
#include "prune/options.h"
#include "prune/records.h"
#include "report/report.h"

#include <spdlog/spdlog.h>

#include <chrono>

namespace {

struct Options {
    dind::prune::PolicyOptions policy;
    std::string format = "table";
    std::size_t top = 5;
    std::string output;
};

void emit(const Options& o, const std::string& text) {
    if (o.output.empty())
        dind::write_out(text);
    else
        dind::write_file_atomically(o.output, text);
}

int report(const dind::Tool& tool, const Options& o) {
    using namespace dind;
    auto started = std::chrono::steady_clock::now();
    auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(); };
    if (o.format != "table" && o.format != "json" && o.format != "ndjson" && o.format != "prometheus")
        throw usage_error("invalid --format '" + o.format + "': want table, json, ndjson or prometheus");
    make_policy(o.policy, EngineClock{}); // validate before touching the engine

    prune::Inventory inventory;
    try {
        docker::Client client(tool.endpoint());
        inventory = prune::load_inventory(client, {docker::all_kinds.begin(), docker::all_kinds.end()}, true);
    } catch (const Error& e) {
        // The textfile collector still gets a file that says the engine is down.
        if (e.exit_code() == exit_unavailable && o.format == "prometheus") {
            auto now = std::chrono::time_point_cast<Nanos>(std::chrono::system_clock::now());
            emit(o, report::render_prometheus(nullptr, now, elapsed()));
        }
        throw;
    }
    prune::Policy policy = make_policy(o.policy, inventory.clock);
    prune::Plan plan = make_plan(inventory, policy);
    report::Report r = report::summarize(inventory, plan, o.top);

    std::string text;
    if (o.format == "table") {
        text = report::render_table(r, policy);
    } else if (o.format == "json") {
        text = report::render_json(r, policy, elapsed());
    } else if (o.format == "ndjson") {
        std::vector<const prune::PlanItem*> all;
        for (const auto& i : plan.items) all.push_back(&i);
        text = prune::render_ndjson(all, true);
    } else {
        text = report::render_prometheus(&r, inventory.clock.now, elapsed());
    }
    emit(o, text);
    return exit_ok;
}

} // namespace

int main(int argc, char** argv) {
    dind::Tool tool("dind-gc-report", "Report what uses the dind engine's disk and what a prune would reclaim");
    Options o;
    auto& app = tool.app();
    dind::prune::add_policy_options(app, o.policy);
    app.add_option("--format", o.format, "Output: table, json, ndjson or prometheus (default table)")
        ->option_text("FORMAT");
    app.add_option("--top", o.top, "List the N largest images and volumes (default 5)")->option_text("N");
    app.add_option("--output", o.output, "Write to FILE atomically instead of stdout")->option_text("FILE");
    tool.add_engine_options();
    return tool.run(argc, argv, [&] { return report(tool, o); });
}
