// The Engine API client: version negotiation, typed listings, deletes. Knows nothing about
// policies. Unreachable engine → dind::Error with exit 69; other engine errors → dind::Error
// with the engine's message, or an Outcome where a failure is expected (deletes).
#pragma once
#include "docker/endpoint.h"
#include "docker/http.h"
#include "docker/kind.h"
#include "docker/types.h"

#include <functional>
#include <string>
#include <vector>

namespace dind::docker {

// The newest API this client was written against; engines answer older ones too.
inline constexpr const char* max_api_version = "1.45";
inline constexpr const char* min_api_version = "1.41";

// The expected outcomes of a delete.
struct Outcome {
    enum class Status { removed, not_found, conflict, failed };
    Status status = Status::failed;
    std::string message; // the engine's words for anything but removed
};

struct Removal {
    Kind kind = Kind::container;
    std::string id;                // full id; the name for volumes
    std::vector<std::string> tags; // images: repo:tag references, removed one by one before the id
};

class Client {
  public:
    explicit Client(Endpoint endpoint, const Getenv& env = process_env());

    const Endpoint& endpoint() const { return transport_.endpoint(); }
    // The API version requests use: DOCKER_API_VERSION, else min(engine's, ours); negotiated once.
    const std::string& api_version();

    bool ping();
    VersionInfo version();
    EngineInfo info();
    std::vector<Container> containers();
    std::vector<Image> images();
    std::vector<Network> networks();
    std::vector<Volume> volumes();
    DiskUsage disk_usage();

    // Several GETs in flight at once; bodies in order. Throws like a single GET.
    std::vector<std::string> get_all(const std::vector<std::string>& paths);

    // Deletes each object with one request (images: one per tag, then the id), at most
    // `parallel` in flight. Never forces. on_done is called as each object finishes.
    std::vector<Outcome> remove(const std::vector<Removal>& removals, std::size_t parallel,
                                const std::function<void(std::size_t, const Outcome&)>& on_done = {});

    // A JSON GET; throws dind::Error for anything but 2xx.
    std::string get(const std::string& path);

    // Any request to a versioned path; the caller reads the status (404, 409 are expected answers
    // for inspects and creates). Throws only when the engine cannot be reached.
    Response send(const std::string& method, const std::string& path, const std::string& body = "");

    // POST /images/create for ref; on_status gets each progress line's status text. Throws
    // dind::Error with the engine's message when the pull fails.
    void pull(const std::string& ref, const std::function<void(const std::string&)>& on_status = {});

    // "/v1.41" + path.
    std::string versioned(const std::string& path);

  private:
    Response call(const Request& request);
    [[noreturn]] void fail(const Response& response, const std::string& what);
    void check_reachable(const Response& response);

    Transport transport_;
    std::string api_version_;
    std::string override_version_;
};

// Throws dind::Error "cannot <what>: <engine message>" unless r is a 2xx (or a 304 where
// allow_not_modified: starting a started container, stopping a stopped one).
void expect_success(const Response& r, const std::string& what, bool allow_not_modified = false);

// "no such container: x", "conflict: …": the engine's message as a tool prints it.
std::string engine_error_message(long status, const std::string& body);

std::string url_encode(const std::string& text);

} // namespace dind::docker
