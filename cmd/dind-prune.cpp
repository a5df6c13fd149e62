#include "common/cli.h"

int main(int argc, char** argv) {
    dind::Tool tool("dind-prune", "Prune containers, images, networks, volumes and build cache by age");
    tool.add_engine_options();
    return tool.run(argc, argv, []() -> int { dind::not_built_yet("dind-prune"); });
}
