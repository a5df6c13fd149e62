// gitlab-runner's config.toml, read and written with toml++. What dind-register manages is one
// [[runners]] entry's own keys (see RunnerEntry); every global key, every other entry and every
// key it does not manage are kept, with their types. Written in gitlab-runner's key order (the
// keys it knows first, others in the order the file had them), an entry's keys before its
// sub-tables. Comments do not survive, as with gitlab-runner's own rewrites.
#pragma once
#include "common/time.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dind::gitlab {

inline constexpr const char* default_config_path = "/srv/gitlab-runner/config.toml";

// [runners.docker] as dind-register writes it; the defaults match dind-setup's TLS setup.
struct DockerSettings {
    std::string host = "tcp://gitlab-dind:2376";
    bool tls_verify = true;
    std::optional<std::string> tls_cert_path = std::string("/certs/client"); // nullopt: no key
    std::string image;
    bool privileged = false;
    bool disable_cache = false;
    std::vector<std::string> volumes = {"/var/run/docker.sock:/var/run/docker.sock", "/cache"};
    std::int64_t shm_size = 0;
};

struct RunnerEntry {
    std::string name;
    std::string url;
    std::int64_t id = 0;
    std::string token;
    TimePoint token_obtained_at{};
    std::optional<TimePoint> token_expires_at; // nullopt: never (written as 0001-01-01T00:00:00Z)
    std::vector<std::string> environment;
    DockerSettings docker;
};

// What dind-register reads back from an entry (any of it may be missing: "" / 0).
struct RunnerSummary {
    std::string name;
    std::string url;
    std::int64_t id = 0;
    std::string token;
};

class Config {
  public:
    Config();
    ~Config();
    Config(Config&&) noexcept;
    Config& operator=(Config&&) noexcept;

    // A new file: concurrent = 1, check_interval = 0.
    static Config fresh();
    // Throws a usage error naming path, line and column when text is not valid TOML, or when its
    // runners are not an array of tables with string names, urls and tokens and integer ids.
    static Config parse(std::string_view text, const std::string& path);

    std::vector<RunnerSummary> runners() const;

    // Writes entry's keys into the first [[runners]] entry of that name (keeping its other keys)
    // or appends a new one. Returns true when it replaced one.
    bool upsert(const RunnerEntry& entry);

    // Removes every entry for which pred holds; returns how many.
    std::size_t remove_if(const std::function<bool(const RunnerSummary&)>& pred);

    std::string to_toml() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// A TOML basic string: "…" with \", \\ and control characters escaped.
std::string toml_quote(std::string_view text);

} // namespace dind::gitlab
