#include "common/cli.h"

int main(int argc, char** argv) {
    dind::Tool tool("dind-register", "Register a GitLab runner and write config.toml");
    tool.add_engine_options();
    return tool.run(argc, argv, []() -> int { dind::not_built_yet("dind-register"); });
}
