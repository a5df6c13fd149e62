#include "docker/http.h"

#include "common/error.h"

#include <curl/curl.h>

#include <mutex>
#include <sys/stat.h>

namespace dind::docker {
namespace {

void global_init() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw Error("cannot initialise libcurl");
    });
}

bool file_exists(const std::string& path) {
    struct stat st {};
    return !path.empty() && ::stat(path.c_str(), &st) == 0;
}

// The body either accumulates, or (for streams such as pull progress) goes to a sink as it comes.
struct Sink {
    std::string body;
    std::function<void(std::string_view)> stream;
};

size_t write_body(char* data, size_t size, size_t count, void* user) {
    auto* sink = static_cast<Sink*>(user);
    if (sink->stream)
        sink->stream(std::string_view(data, size * count));
    else
        sink->body.append(data, size * count);
    return size * count;
}

bool is_connect_failure(CURLcode code) {
    return code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST || code == CURLE_OPERATION_TIMEDOUT ||
           code == CURLE_SSL_CONNECT_ERROR || code == CURLE_PEER_FAILED_VERIFICATION ||
           code == CURLE_SSL_CACERT_BADFILE || code == CURLE_SSL_CERTPROBLEM || code == CURLE_RECV_ERROR ||
           code == CURLE_SEND_ERROR || code == CURLE_GOT_NOTHING;
}

} // namespace

// One curl easy handle with its buffers; owns everything libcurl points into.
struct Transport::Handle {
    CURL* curl = nullptr;
    curl_slist* headers = nullptr;
    std::string body_out;
    Sink sink;
    char error[CURL_ERROR_SIZE] = {};

    explicit Handle(const Endpoint& ep) {
        curl = curl_easy_init();
        if (!curl) throw Error("cannot create a libcurl handle");
        curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
        curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_body);
        curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
        curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(ep.timeout_seconds * 1000));
        curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
        curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
        if (ep.scheme == Endpoint::Scheme::unix_socket)
            curl_easy_setopt(curl, CURLOPT_UNIX_SOCKET_PATH, ep.socket_path.c_str());
        if (ep.tls) {
            if (ep.tls_verify) {
                curl_easy_setopt(curl, CURLOPT_CAINFO, ep.ca_file.c_str());
                curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
                // The engine's certificate names the host it was made for, as the CLI checks.
                curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
            } else {
                curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
                curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
            }
            if (file_exists(ep.cert_file) && file_exists(ep.key_file)) {
                curl_easy_setopt(curl, CURLOPT_SSLCERT, ep.cert_file.c_str());
                curl_easy_setopt(curl, CURLOPT_SSLKEY, ep.key_file.c_str());
            }
        }
        headers = curl_slist_append(headers, "Content-Type: application/json");
    }
    ~Handle() {
        curl_slist_free_all(headers);
        curl_easy_cleanup(curl);
    }
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;

    void prepare(const Endpoint& ep, const Request& r) {
        sink.body.clear();
        sink.stream = nullptr;
        body_out = r.body;
        error[0] = '\0';
        std::string url = ep.base_url() + r.path;
        curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
        curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, r.method.c_str());
        if (r.method == "POST" || !r.body.empty()) {
            curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body_out.c_str());
            curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body_out.size()));
            curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
        } else {
            curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
            curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, r.method.c_str());
            curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
        }
    }

    Response finish(CURLcode code) {
        Response out;
        if (code != CURLE_OK) {
            out.transport_error = error[0] ? error : curl_easy_strerror(code);
            out.connect_failed = is_connect_failure(code);
            return out;
        }
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &out.status);
        out.body = std::move(sink.body);
        sink.body.clear();
        sink.stream = nullptr;
        return out;
    }
};

Transport::Transport(Endpoint endpoint) : endpoint_(std::move(endpoint)) { global_init(); }

Transport::~Transport() {
    if (multi_) curl_multi_cleanup(static_cast<CURLM*>(multi_));
    pool_.clear();
}

Transport::Handle& Transport::handle(std::size_t index) {
    while (pool_.size() <= index) pool_.push_back(std::make_unique<Handle>(endpoint_));
    return *pool_[index];
}

Response Transport::perform(const Request& request) {
    Handle& h = handle(0);
    h.prepare(endpoint_, request);
    return h.finish(curl_easy_perform(h.curl));
}

Response Transport::perform_streaming(const Request& request, const std::function<void(std::string_view)>& on_data) {
    Handle& h = handle(0);
    h.prepare(endpoint_, request);
    h.sink.stream = on_data;
    // A pull may take many minutes: no limit on the whole, only on a stalled transfer.
    curl_easy_setopt(h.curl, CURLOPT_TIMEOUT_MS, 0L);
    curl_easy_setopt(h.curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(h.curl, CURLOPT_LOW_SPEED_TIME, static_cast<long>(endpoint_.timeout_seconds));
    Response r = h.finish(curl_easy_perform(h.curl));
    curl_easy_setopt(h.curl, CURLOPT_TIMEOUT_MS, static_cast<long>(endpoint_.timeout_seconds * 1000));
    curl_easy_setopt(h.curl, CURLOPT_LOW_SPEED_LIMIT, 0L);
    curl_easy_setopt(h.curl, CURLOPT_LOW_SPEED_TIME, 0L);
    return r;
}

std::vector<Response> Transport::perform_all(const std::vector<Request>& requests, std::size_t parallel,
                                             const std::function<void(std::size_t, const Response&)>& on_done) {
    std::vector<Response> out(requests.size());
    if (requests.empty()) return out;
    if (parallel < 1) parallel = 1;
    if (parallel == 1 || requests.size() == 1) {
        for (std::size_t i = 0; i < requests.size(); ++i) {
            out[i] = perform(requests[i]);
            if (on_done) on_done(i, out[i]);
        }
        return out;
    }
    if (!multi_) {
        multi_ = curl_multi_init();
        if (!multi_) throw Error("cannot create a libcurl multi handle");
    }
    CURLM* multi = static_cast<CURLM*>(multi_);
    std::size_t slots = std::min(parallel, requests.size());
    std::vector<std::size_t> request_of(slots);
    std::vector<std::size_t> free_slots;
    for (std::size_t s = slots; s-- > 0;) free_slots.push_back(s);

    std::size_t next = 0, running_count = 0;
    auto start_more = [&] {
        while (next < requests.size() && !free_slots.empty()) {
            std::size_t s = free_slots.back();
            free_slots.pop_back();
            Handle& h = handle(s);
            h.prepare(endpoint_, requests[next]);
            curl_easy_setopt(h.curl, CURLOPT_PRIVATE, reinterpret_cast<void*>(s));
            request_of[s] = next++;
            curl_multi_add_handle(multi, h.curl);
            ++running_count;
        }
    };
    start_more();
    while (running_count > 0) {
        int still = 0;
        if (curl_multi_perform(multi, &still) != CURLM_OK) throw Error("libcurl multi transfer failed");
        int queued = 0;
        while (CURLMsg* msg = curl_multi_info_read(multi, &queued)) {
            if (msg->msg != CURLMSG_DONE) continue;
            void* priv = nullptr;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &priv);
            auto s = reinterpret_cast<std::size_t>(priv);
            CURLcode code = msg->data.result;
            curl_multi_remove_handle(multi, msg->easy_handle);
            --running_count;
            std::size_t i = request_of[s];
            out[i] = pool_[s]->finish(code);
            if (on_done) on_done(i, out[i]);
            free_slots.push_back(s);
        }
        start_more();
        if (running_count > 0) curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
    }
    return out;
}

} // namespace dind::docker
