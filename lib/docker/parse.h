// Engine API JSON → plain structs. Pure; throws dind::Error on malformed JSON.
#pragma once
#include "docker/types.h"

#include <string>
#include <string_view>
#include <vector>

namespace dind::docker {

VersionInfo parse_version(std::string_view json);
EngineInfo parse_info(std::string_view json);
std::vector<Container> parse_containers(std::string_view json);
std::vector<Image> parse_images(std::string_view json);
std::vector<Network> parse_networks(std::string_view json);
std::vector<Volume> parse_volumes(std::string_view json); // GET /volumes
DiskUsage parse_disk_usage(std::string_view json);        // GET /system/df

// The "message" of an engine error body, or the body itself when it is not JSON.
std::string parse_error_message(std::string_view body);

// The ids a DELETE /images answer or a build prune answer reports as deleted.
std::vector<std::string> parse_deleted_images(std::string_view json);
std::vector<std::string> parse_build_prune(std::string_view json);

// A progress stream line ({"status": …, "progress": …} or {"error": …}): the status with its
// progress, or the error ("" when the line has none).
std::string parse_stream_status(std::string_view line);
std::string parse_stream_error(std::string_view line);

// GET /containers/{id}/json: the id and the State fields the tools act on.
struct ContainerState {
    std::string id;
    std::string status; // created|running|paused|restarting|removing|exited|dead
    bool running = false;
    std::int64_t exit_code = 0;
};
ContainerState parse_container_state(std::string_view inspect_json);

// POST /containers/create → {"Id": …}.
std::string parse_created_id(std::string_view json);

// "1.41" < "1.43"; false for anything unparsable.
bool api_version_less(const std::string& a, const std::string& b);

} // namespace dind::docker
