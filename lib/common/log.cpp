#include "common/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/sinks/syslog_sink.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <syslog.h>
#include <unistd.h>

namespace dind {

void setup_logging(const std::string& tool, const std::string& level, bool syslog) {
    const char* no_color = std::getenv("NO_COLOR");
    bool colour = ::isatty(STDERR_FILENO) && !(no_color && *no_color);
    spdlog::sink_ptr stderr_sink;
    if (colour)
        stderr_sink = std::make_shared<spdlog::sinks::stderr_color_sink_st>();
    else
        stderr_sink = std::make_shared<spdlog::sinks::stderr_sink_st>();
    auto logger = std::make_shared<spdlog::logger>(tool, stderr_sink);
    logger->set_pattern("%n: %^%l%$: %v");
    if (syslog) {
        stderr_sink->set_level(spdlog::level::err);
        // No LOG_CONS: without a syslog daemon the messages are dropped, never sent to a console.
        // The sink sends the bare message; syslog adds the tag, the pid and the severity.
        logger->sinks().push_back(std::make_shared<spdlog::sinks::syslog_sink_st>(tool, LOG_PID, LOG_USER, false));
    }
    logger->set_level(spdlog::level::from_str(level));
    logger->flush_on(spdlog::level::trace);
    spdlog::set_default_logger(logger);
}

} // namespace dind
