#include "common/cli.h"
#include "common/log.h"

#include <catch2/catch.hpp>
#include <spdlog/sinks/syslog_sink.h>
#include <spdlog/spdlog.h>

#include <string>
#include <vector>

// No message is logged here: the syslog sink only opens the log, and nothing reaches /dev/log.

namespace {

// What Tool::run set up for the body, given these options.
std::shared_ptr<spdlog::logger> logger_after(std::vector<std::string> args) {
    dind::Tool tool("dind-test", "test");
    args.insert(args.begin(), "dind-test");
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    std::shared_ptr<spdlog::logger> seen;
    CHECK(tool.run(static_cast<int>(argv.size()), argv.data(), [&] {
        seen = spdlog::default_logger();
        return 0;
    }) == 0);
    return seen;
}

} // namespace

TEST_CASE("every tool takes --syslog", "[log]") {
    auto plain = logger_after({});
    REQUIRE(plain);
    CHECK(plain->sinks().size() == 1);
    CHECK(plain->level() == spdlog::level::warn);
    auto syslog = logger_after({"--syslog"});
    REQUIRE(syslog);
    CHECK(syslog->sinks().size() == 2);
    CHECK(syslog->level() == spdlog::level::warn);
}

TEST_CASE("-q quiets stderr; with --syslog, syslog still gets --log-level", "[log]") {
    CHECK(logger_after({"-q", "--log-level", "info"})->level() == spdlog::level::err);
    auto both = logger_after({"-q", "--syslog", "--log-level", "info"});
    CHECK(both->level() == spdlog::level::info);
    CHECK(both->sinks()[0]->level() == spdlog::level::err);
    dind::setup_logging("dind-test", "warn");
}

TEST_CASE("without --syslog the log goes to stderr alone", "[log]") {
    dind::setup_logging("dind-test", "info");
    auto& sinks = spdlog::default_logger()->sinks();
    REQUIRE(sinks.size() == 1);
    CHECK(sinks[0]->level() == spdlog::level::trace);
    CHECK(spdlog::default_logger()->level() == spdlog::level::info);
}

TEST_CASE("with --syslog the log goes to syslog and only errors to stderr", "[log]") {
    dind::setup_logging("dind-test", "info", true);
    auto logger = spdlog::default_logger();
    REQUIRE(logger->sinks().size() == 2);
    CHECK(logger->name() == "dind-test");
    CHECK(logger->level() == spdlog::level::info);
    CHECK(logger->sinks()[0]->level() == spdlog::level::err);
    CHECK(std::dynamic_pointer_cast<spdlog::sinks::syslog_sink_st>(logger->sinks()[1]) != nullptr);
    CHECK(logger->sinks()[1]->level() == spdlog::level::trace);
    dind::setup_logging("dind-test", "warn");
}
