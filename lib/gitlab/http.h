// HTTPS (or plain HTTP) to GitLab over libcurl. HttpClient is the narrow interface the API code
// talks through, so its decisions are tested without sockets.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace dind::gitlab {

struct HttpRequest {
    std::string method = "GET";
    std::string url;
    std::vector<std::pair<std::string, std::string>> headers; // besides Accept and Content-Type
    std::string body;                                         // JSON, sent when not empty
};

struct HttpResponse {
    enum class Failure { none, connect, tls, timeout, other };
    long status = 0; // 0 when no answer came
    std::string body;
    std::map<std::string, std::string> headers; // names lower-cased; the last value of each
    Failure failure = Failure::none;
    std::string error; // libcurl's words when status == 0
    std::string header(const std::string& lower_name) const;
};

class HttpClient {
  public:
    virtual ~HttpClient() = default;
    virtual HttpResponse perform(const HttpRequest& request) = 0;
};

struct HttpOptions {
    std::string ca_file; // empty: the system's CAs
    long timeout_ms = 60000;
    long connect_timeout_ms = 10000;
    std::string user_agent;
};

// Verifies the server's certificate and host name always; follows no redirects.
std::unique_ptr<HttpClient> make_curl_client(const HttpOptions& options);

} // namespace dind::gitlab
