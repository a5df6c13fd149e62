// HTTP/1.1 to the engine over libcurl: a unix socket or TCP (optionally mutual TLS). One
// connection is kept alive across requests; perform_all() keeps up to N requests in flight.
#pragma once
#include "docker/endpoint.h"

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace dind::docker {

struct Request {
    std::string method = "GET";
    std::string path; // "/v1.41/containers/json?all=1"
    std::string body; // JSON, sent with Content-Type: application/json when not empty
};

struct Response {
    long status = 0; // 0 when the request never got an answer
    std::string body;
    std::string transport_error; // curl's message when status == 0
    bool connect_failed = false; // the engine could not be reached at all
};

class Transport {
  public:
    explicit Transport(Endpoint endpoint);
    ~Transport();
    Transport(const Transport&) = delete;
    Transport& operator=(const Transport&) = delete;

    Response perform(const Request& request);

    // Like perform, but the body goes to on_data as it arrives (Response::body stays empty).
    Response perform_streaming(const Request& request, const std::function<void(std::string_view)>& on_data);

    // Runs every request with at most `parallel` in flight; responses come back in request order.
    // on_done (optional) is called as each one finishes, with its index.
    std::vector<Response> perform_all(const std::vector<Request>& requests, std::size_t parallel,
                                      const std::function<void(std::size_t, const Response&)>& on_done = {});

    const Endpoint& endpoint() const { return endpoint_; }

  private:
    struct Handle;
    Handle& handle(std::size_t index);

    Endpoint endpoint_;
    std::vector<std::unique_ptr<Handle>> pool_;
    void* multi_ = nullptr; // CURLM*, owned
};

} // namespace dind::docker
