// What dind-setup creates, as plain data: the network, the volumes and the two containers of the
// seed setup, from the options. Pure: building the create requests and comparing an existing
// object with its spec need no engine.
#pragma once
#include "docker/types.h"

#include <optional>
#include <string>
#include <vector>

namespace dind::setup {

struct SetupOptions {
    std::string network = "gitlab-runner-net";
    std::string dind_name = "gitlab-dind";
    std::string dind_image; // empty: docker:<engine version>-dind
    std::string storage_volume = "gitlab-dind-storage";
    std::string certs_volume = "gitlab-dind-certs";
    std::string runner_name = "gitlab-runner";
    std::string runner_image = "gitlab/gitlab-runner:alpine";
    std::string runner_config_dir = "/srv/gitlab-runner";
    std::optional<int> mtu;
    bool tls = true;
    bool privileged = true;
    std::string runtime;
    std::string pull = "missing"; // missing|always|never
};

struct Mount {
    std::string type;   // "volume" or "bind"
    std::string source; // volume name or host path
    std::string target;
    bool read_only = false;
};

struct ContainerSpec {
    std::string role; // "dind" or "runner"
    std::string name;
    std::string image;
    std::string hostname;
    std::vector<std::string> cmd;
    std::vector<std::string> env;        // K=V
    std::vector<std::string> absent_env; // keys that must not be set (the TLS ones without TLS)
    docker::Labels labels;
    std::vector<Mount> mounts;
    std::vector<std::string> absent_mounts; // targets that must not be mounted
    std::string network;
    std::string restart = "always";
    bool privileged = false;
    std::string runtime; // empty: the engine's default
};

struct VolumeSpec {
    std::string role;
    std::string name;
};

struct Spec {
    std::string network;
    docker::Labels network_labels;
    std::vector<VolumeSpec> volumes;
    ContainerSpec dind, runner;
    std::string inner_host; // what the runner's DOCKER_HOST says
};

// "20.10.24+dfsg1" → "20.10.24"; "24.0.7-1ubuntu1" → "24.0.7".
std::string upstream_version(const std::string& server_version);
// docker:<upstream version>-dind.
std::string default_dind_image(const std::string& server_version);

// Throws a usage error for an invalid option (a bad --pull, an --mtu out of range).
Spec make_spec(const SetupOptions& options, const std::string& server_version);

// POST /containers/create body.
std::string create_body(const ContainerSpec& spec);
// POST /networks/create and /volumes/create bodies.
std::string network_body(const Spec& spec);
std::string volume_body(const VolumeSpec& spec);

// The differences between a container as the engine describes it (GET /containers/{id}/json)
// and its spec, one line per field ("image: have X, want Y"); empty when it matches.
std::vector<std::string> differences(const std::string& inspect_json, const ContainerSpec& spec);

// The role label of an object's inspect JSON ("" when it has none): objects without it were not
// made by dind-setup and are never touched.
std::string role_of(const std::string& inspect_json);

} // namespace dind::setup
