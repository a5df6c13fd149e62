// Rebuilds a container's create request from what the engine says about it, so dind-recreate
// can make the dind container again exactly as it was. Pure.
#pragma once
#include <string>
#include <vector>

namespace dind::recreate {

struct CloneRequest {
    std::string body;                        // POST /containers/create
    std::vector<std::string> networks;       // names to connect after create (all but the first)
    std::vector<std::string> connect_bodies; // POST /networks/{name}/connect, in the same order
};

// container_json: GET /containers/{id}/json; image_json: GET /images/{its image}/json ("" if the
// image is gone). Settings that only repeat the old image's defaults (Env, Cmd, Entrypoint,
// Labels, WorkingDir, Healthcheck) are left out, so a new image brings its own; everything the
// container was given is kept: command, environment, labels, hostname, mounts, restart policy,
// privileges, runtime, networks and aliases. new_image replaces the image when not empty.
CloneRequest clone_request(const std::string& container_json, const std::string& image_json,
                           const std::string& new_image);

} // namespace dind::recreate
