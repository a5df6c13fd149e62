#include "common/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <unistd.h>

namespace dind {

void setup_logging(const std::string& tool, const std::string& level) {
    const char* no_color = std::getenv("NO_COLOR");
    bool colour = ::isatty(STDERR_FILENO) && !(no_color && *no_color);
    std::shared_ptr<spdlog::logger> logger;
    if (colour)
        logger = std::make_shared<spdlog::logger>(tool, std::make_shared<spdlog::sinks::stderr_color_sink_st>());
    else
        logger = std::make_shared<spdlog::logger>(tool, std::make_shared<spdlog::sinks::stderr_sink_st>());
    logger->set_pattern("%n: %^%l%$: %v");
    logger->set_level(spdlog::level::from_str(level));
    logger->flush_on(spdlog::level::trace);
    spdlog::set_default_logger(logger);
}

} // namespace dind
