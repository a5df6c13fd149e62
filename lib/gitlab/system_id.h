// The system_id gitlab-runner keeps in .runner_system_id next to config.toml: it names this host's
// "runner manager" in GitLab, so dind-register must use (and leave behind) the one the runner
// will read.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dind::gitlab {

// ^[sr]_[0-9a-zA-Z]{12}$
bool valid_system_id(std::string_view id);

// "s_" + the first 12 hex digits of HMAC-SHA256(key = machine id, message = "gitlab-runner"),
// as gitlab-runner derives it (machineid.ProtectedID).
std::string system_id_from_machine_id(std::string_view machine_id);

// "r_" + 12 random alphanumerics, for a host without a machine id.
std::string random_system_id();

// The first non-empty of the files (trimmed), by default /var/lib/dbus/machine-id and
// /etc/machine-id.
std::optional<std::string> read_machine_id(const std::vector<std::string>& paths = {"/var/lib/dbus/machine-id",
                                                                                    "/etc/machine-id"});

// s_… from the machine id when there is one, else r_….
std::string generate_system_id();

struct SystemId {
    std::string value;
    std::string path;
    bool created = false;          // there was no valid one: value is new
    bool replaced_invalid = false; // the file held something else, which gitlab-runner would replace too
};

// Reads DIR/.runner_system_id; when it is missing or invalid makes a new one and, with write,
// stores it (mode 0600, no newline) so the runner started later reuses it. Throws dind::Error when
// it can be neither read nor written.
SystemId load_or_create_system_id(const std::string& dir, bool write);

} // namespace dind::gitlab
