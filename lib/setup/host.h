// dind-setup's host checks (overlay, storage driver, engine version) and the safe fixes. Every
// host path is read under host_root, so tests point it at a tree.
#pragma once
#include "docker/types.h"

#include <string>
#include <vector>

namespace dind::setup {

struct Check {
    std::string name;
    bool ok = false;
    std::string detail;
    std::vector<std::string> fixes; // exact commands or edits that fix it
};

std::vector<Check> host_checks(const std::string& host_root, const docker::EngineInfo& info);

// "ok       name: detail" / "problem  name: detail" and "         fix: …" lines.
std::string render_checks(const std::vector<Check>& checks);

// daemon.json with "storage-driver" set to driver and every other key kept. Throws a usage
// error when the existing text is not a JSON object.
std::string merge_daemon_json(const std::string& existing, const std::string& driver);

// Applies the safe fixes for the failed checks: modprobe overlay (only on the real host), the
// /etc/modules line, a merged daemon.json with a backup beside it. Never restarts the engine.
// Returns what it did, one line each.
std::vector<std::string> fix_host(const std::string& host_root, const std::vector<Check>& checks);

} // namespace dind::setup
