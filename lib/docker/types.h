// Plain structs for what the Engine API lists; only the fields the tools decide on.
#pragma once
#include "common/time.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dind::docker {

using Labels = std::map<std::string, std::string>;

struct VersionInfo {
    std::string version;     // "20.10.24+dfsg1"
    std::string api_version; // "1.41"
    std::string min_api_version;
    std::string os, arch;
};

struct EngineInfo {
    std::string driver;   // storage driver, "overlay2"
    std::string root_dir; // DockerRootDir
    std::string server_version;
    std::string system_time; // the engine's clock, RFC 3339 with nanoseconds
    std::string name;
    std::int64_t containers = 0, images = 0;
};

struct ContainerNetwork {
    std::string name;       // the key in NetworkSettings.Networks
    std::string network_id; // empty for a container that was never started
};

struct Container {
    std::string id;
    std::string name;     // without the leading '/'
    std::string image;    // as given at create time
    std::string image_id; // sha256:…
    std::string state;    // created|running|paused|restarting|removing|exited|dead
    std::string status;
    std::optional<TimePoint> created;
    Labels labels;
    std::vector<std::string> volume_names; // mounts of type volume
    std::vector<ContainerNetwork> networks;
    std::optional<std::int64_t> size_rw; // from /system/df
};

struct Image {
    std::string id;                     // sha256:…
    std::string parent_id;              // classic store: the image it was committed/built from locally
    std::vector<std::string> repo_tags; // without "<none>:<none>"
    std::vector<std::string> repo_digests;
    std::optional<TimePoint> created; // BUILD time (from the image config)
    std::int64_t size = 0;
    std::int64_t shared_size = -1;
    Labels labels;
    bool dangling() const { return repo_tags.empty(); }
};

struct Network {
    std::string id;
    std::string name;
    std::string driver;
    std::string scope;
    std::optional<TimePoint> created;
    Labels labels;
};

struct Volume {
    std::string name;
    std::string driver;
    std::string mountpoint;
    std::optional<TimePoint> created;
    Labels labels;
    std::optional<std::int64_t> size; // from /system/df; -1 there means "not computed"
    std::optional<std::int64_t> ref_count;
    // Anonymous: the engine's com.docker.volume.anonymous label (API 1.42+) or, before that,
    // a 64-hex-digit generated name.
    bool anonymous() const;
};

struct BuildCacheRecord {
    std::string id;
    std::vector<std::string> parents;
    std::string type;
    std::string description;
    bool in_use = false;
    bool shared = false;
    std::int64_t size = 0;
    std::optional<TimePoint> created;
    std::optional<TimePoint> last_used;
    std::int64_t usage_count = 0;
};

struct DiskUsage {
    std::int64_t layers_size = 0;
    std::vector<Image> images;
    std::vector<Container> containers;
    std::vector<Volume> volumes;
    std::vector<BuildCacheRecord> build_cache;
};

} // namespace dind::docker
