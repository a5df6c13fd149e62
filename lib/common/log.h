#pragma once
#include <string>

namespace dind {

// Diagnostics go to stderr as "<tool>: <level>: <message>"; colour only on a terminal and never
// with NO_COLOR set. With syslog, every message at the level also goes to syslog (facility user,
// tagged with the tool's name and pid), and stderr keeps only the errors: cron mails what a run
// prints, so a cron run with --syslog mails its failures and nothing else.
void setup_logging(const std::string& tool, const std::string& level, bool syslog = false);

} // namespace dind
