#include "common/cli.h"

int main(int argc, char** argv) {
    dind::Tool tool("dind-gc-report", "Report what uses the dind engine's disk and what a prune would reclaim");
    tool.add_engine_options();
    return tool.run(argc, argv, []() -> int { dind::not_built_yet("dind-gc-report"); });
}
