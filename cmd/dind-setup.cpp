#include "common/cli.h"

int main(int argc, char** argv) {
    dind::Tool tool("dind-setup", "Check the host, then create the network, the dind engine and the runner");
    tool.add_engine_options();
    return tool.run(argc, argv, []() -> int { dind::not_built_yet("dind-setup"); });
}
