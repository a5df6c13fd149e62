#include "gitlab/http.h"

#include "common/error.h"

#include <curl/curl.h>

#include <cctype>
#include <mutex>

namespace dind::gitlab {

std::string HttpResponse::header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
}

namespace {

void global_init() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw Error("cannot initialise libcurl");
    });
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
    static_cast<std::string*>(user)->append(data, size * count);
    return size * count;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
    auto* headers = static_cast<std::map<std::string, std::string>*>(user);
    std::string line(data, size * count);
    if (line.rfind("HTTP/", 0) == 0) headers->clear(); // a new response (after 100 Continue)
    auto colon = line.find(':');
    if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        std::string value = line.substr(colon + 1);
        auto b = value.find_first_not_of(" \t");
        auto e = value.find_last_not_of(" \t\r\n");
        (*headers)[name] = b == std::string::npos ? "" : value.substr(b, e - b + 1);
    }
    return size * count;
}

HttpResponse::Failure classify(CURLcode code) {
    switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING: return HttpResponse::Failure::connect;
    case CURLE_OPERATION_TIMEDOUT: return HttpResponse::Failure::timeout;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_USE_SSL_FAILED: return HttpResponse::Failure::tls;
    default: return HttpResponse::Failure::other;
    }
}

struct CurlDeleter {
    void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
    void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

class CurlClient : public HttpClient {
  public:
    explicit CurlClient(HttpOptions options) : options_(std::move(options)) {
        global_init();
        curl_.reset(curl_easy_init());
        if (!curl_) throw Error("cannot create a libcurl handle");
    }

    HttpResponse perform(const HttpRequest& request) override {
        CURL* c = curl_.get();
        curl_easy_reset(c);
        HttpResponse out;
        std::string body_out = request.body;
        char error[CURL_ERROR_SIZE] = {};
        std::unique_ptr<curl_slist, SlistDeleter> headers;
        auto add = [&](const std::string& h) {
            curl_slist* l = curl_slist_append(headers.get(), h.c_str());
            if (!l) throw Error("cannot build a request header");
            headers.release();
            headers.reset(l);
        };
        add("Accept: application/json");
        if (!request.body.empty()) add("Content-Type: application/json");
        for (const auto& [name, value] : request.headers) add(name + ": " + value);

        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
        curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
        curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
        if (!request.body.empty() || request.method == "POST") {
            curl_easy_setopt(c, CURLOPT_POSTFIELDS, body_out.c_str());
            curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body_out.size()));
        }
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, &out.body);
        curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(c, CURLOPT_HEADERDATA, &out.headers);
        curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, options_.timeout_ms);
        curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, options_.connect_timeout_ms);
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
        if (!options_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, options_.ca_file.c_str());
        if (!options_.user_agent.empty()) curl_easy_setopt(c, CURLOPT_USERAGENT, options_.user_agent.c_str());

        CURLcode code = curl_easy_perform(c);
        // libcurl keeps pointers to these until the next request: drop them now.
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, nullptr);
        curl_easy_setopt(c, CURLOPT_ERRORBUFFER, nullptr);
        if (code != CURLE_OK) {
            out.failure = classify(code);
            out.error = error[0] ? error : curl_easy_strerror(code);
            out.body.clear();
            out.headers.clear();
            return out;
        }
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out.status);
        return out;
    }

  private:
    HttpOptions options_;
    std::unique_ptr<CURL, CurlDeleter> curl_;
};

} // namespace

std::unique_ptr<HttpClient> make_curl_client(const HttpOptions& options) {
    return std::make_unique<CurlClient>(options);
}

} // namespace dind::gitlab
