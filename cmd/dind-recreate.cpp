#include "common/cli.h"

int main(int argc, char** argv) {
    dind::Tool tool("dind-recreate", "Recreate the dind engine from scratch to flush its cache");
    tool.add_engine_options();
    return tool.run(argc, argv, []() -> int { dind::not_built_yet("dind-recreate"); });
}
