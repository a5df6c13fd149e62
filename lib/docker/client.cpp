#include "docker/client.h"

#include "common/error.h"
#include "docker/parse.h"

#include <spdlog/spdlog.h>

#include <cctype>

namespace dind::docker {

std::string url_encode(const std::string& text) {
    static const char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

std::string engine_error_message(long status, const std::string& body) {
    std::string m = parse_error_message(body);
    if (m.empty()) m = "HTTP status " + std::to_string(status);
    if (!m.empty() && std::isupper(static_cast<unsigned char>(m[0])) && m.rfind("No such", 0) == 0)
        m[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(m[0])));
    if (status == 409 && m.rfind("conflict", 0) != 0) m = "conflict: " + m;
    return m;
}

void expect_success(const Response& r, const std::string& what, bool allow_not_modified) {
    if ((r.status >= 200 && r.status < 300) || (allow_not_modified && r.status == 304)) return;
    throw Error("cannot " + what + ": " + engine_error_message(r.status, r.body));
}

Client::Client(Endpoint endpoint, const Getenv& env) : transport_(std::move(endpoint)) {
    override_version_ = env("DOCKER_API_VERSION").value_or("");
}

void Client::check_reachable(const Response& response) {
    if (response.status != 0) return;
    if (response.connect_failed) {
        spdlog::debug("libcurl: {}", response.transport_error);
        // curl's own words only help where TLS is involved; for a socket they would name
        // "localhost port 80", which is not where the engine is.
        std::string detail = endpoint().tls ? ": " + response.transport_error : "";
        throw Error("cannot connect to the Docker engine at " + endpoint().display() + " (is it running?)" + detail,
                    exit_unavailable);
    }
    throw Error("request to the Docker engine at " + endpoint().display() + " failed: " + response.transport_error,
                exit_unavailable);
}

Response Client::call(const Request& request) {
    spdlog::debug("{} {}", request.method, request.path);
    Response r = transport_.perform(request);
    check_reachable(r);
    return r;
}

void Client::fail(const Response& response, const std::string& what) {
    throw Error(what + ": " + engine_error_message(response.status, response.body));
}

const std::string& Client::api_version() {
    if (!api_version_.empty()) return api_version_;
    if (!override_version_.empty()) {
        api_version_ = override_version_;
        return api_version_;
    }
    Response r = call({"GET", "/version", ""});
    if (r.status != 200) fail(r, "cannot read the engine's version");
    VersionInfo v = parse_version(r.body);
    api_version_ =
        v.api_version.empty() || api_version_less(max_api_version, v.api_version) ? max_api_version : v.api_version;
    if (api_version_less(api_version_, min_api_version))
        spdlog::warn("the engine speaks API {}, older than {} which this tool is tested with", api_version_,
                     min_api_version);
    spdlog::debug("engine {} at {}, using API {}", v.version, endpoint().display(), api_version_);
    return api_version_;
}

std::string Client::versioned(const std::string& path) { return "/v" + api_version() + path; }

std::string Client::get(const std::string& path) {
    Response r = call({"GET", versioned(path), ""});
    if (r.status < 200 || r.status >= 300) fail(r, "GET " + path);
    return r.body;
}

Response Client::send(const std::string& method, const std::string& path, const std::string& body) {
    return call({method, versioned(path), body});
}

void Client::pull(const std::string& ref, const std::function<void(const std::string&)>& on_status) {
    // repo[:tag] or repo@digest; a registry host:port has a colon before the last slash.
    std::string query;
    auto at = ref.find('@');
    auto colon = ref.rfind(':');
    auto slash = ref.rfind('/');
    if (at == std::string::npos && colon != std::string::npos && (slash == std::string::npos || colon > slash))
        query = "fromImage=" + url_encode(ref.substr(0, colon)) + "&tag=" + url_encode(ref.substr(colon + 1));
    else
        query = "fromImage=" + url_encode(ref) + (at == std::string::npos ? "&tag=latest" : "");
    std::string pending, error;
    auto on_data = [&](std::string_view data) {
        pending.append(data);
        std::size_t nl;
        while ((nl = pending.find('\n')) != std::string::npos) {
            std::string line = pending.substr(0, nl);
            pending.erase(0, nl + 1);
            std::string e = parse_stream_error(line);
            if (!e.empty()) error = e;
            std::string status = parse_stream_status(line);
            if (on_status && !status.empty()) on_status(status);
        }
    };
    Request request{"POST", versioned("/images/create?" + query), ""};
    spdlog::debug("POST {}", request.path);
    Response r = transport_.perform_streaming(request, on_data);
    check_reachable(r);
    if (!pending.empty()) {
        std::string e = parse_stream_error(pending);
        if (!e.empty()) error = e;
    }
    if (r.status < 200 || r.status >= 300)
        throw Error("cannot pull " + ref + ": " + engine_error_message(r.status, error.empty() ? r.body : error));
    if (!error.empty()) throw Error("cannot pull " + ref + ": " + error);
}

bool Client::ping() {
    Response r = transport_.perform({"GET", "/_ping", ""});
    return r.status == 200;
}

VersionInfo Client::version() { return parse_version(get("/version")); }
EngineInfo Client::info() { return parse_info(get("/info")); }
std::vector<Container> Client::containers() { return parse_containers(get("/containers/json?all=1")); }
std::vector<Image> Client::images() { return parse_images(get("/images/json")); }
std::vector<Network> Client::networks() { return parse_networks(get("/networks")); }
std::vector<Volume> Client::volumes() { return parse_volumes(get("/volumes")); }
DiskUsage Client::disk_usage() { return parse_disk_usage(get("/system/df")); }

std::vector<std::string> Client::get_all(const std::vector<std::string>& paths) {
    std::vector<Request> requests;
    for (const auto& p : paths) {
        requests.push_back({"GET", versioned(p), ""});
        spdlog::debug("GET {}", requests.back().path);
    }
    auto responses = transport_.perform_all(requests, requests.size());
    std::vector<std::string> bodies;
    for (std::size_t i = 0; i < responses.size(); ++i) {
        check_reachable(responses[i]);
        if (responses[i].status < 200 || responses[i].status >= 300) fail(responses[i], "GET " + paths[i]);
        bodies.push_back(std::move(responses[i].body));
    }
    return bodies;
}

namespace {

Outcome outcome_of(const Response& r, const std::string& endpoint_display) {
    if (r.status == 0)
        return {Outcome::Status::failed, r.connect_failed ? "cannot connect to the Docker engine at " + endpoint_display
                                                          : "request failed: " + r.transport_error};
    if (r.status >= 200 && r.status < 300) return {Outcome::Status::removed, ""};
    std::string m = engine_error_message(r.status, r.body);
    if (r.status == 404) return {Outcome::Status::not_found, m};
    if (r.status == 409) return {Outcome::Status::conflict, m};
    return {Outcome::Status::failed, m};
}

} // namespace

std::vector<Outcome> Client::remove(const std::vector<Removal>& removals, std::size_t parallel,
                                    const std::function<void(std::size_t, const Outcome&)>& on_done) {
    std::vector<Outcome> out(removals.size());
    // Images go in rounds: every image's first tag, then the next tag, …, then the id itself.
    // An image whose last tag went is already gone, so a 404 for its id afterwards is success.
    std::vector<std::size_t> step(removals.size(), 0);
    std::vector<bool> done(removals.size(), false);
    const std::string display = endpoint().display();
    for (;;) {
        std::vector<Request> requests;
        std::vector<std::size_t> owner;
        for (std::size_t i = 0; i < removals.size(); ++i) {
            if (done[i]) continue;
            const Removal& r = removals[i];
            Request req{"DELETE", "", ""};
            switch (r.kind) {
            case Kind::container: req.path = versioned("/containers/" + url_encode(r.id)); break;
            case Kind::network: req.path = versioned("/networks/" + url_encode(r.id)); break;
            case Kind::volume: req.path = versioned("/volumes/" + url_encode(r.id)); break;
            case Kind::image:
                req.path = versioned("/images/" + url_encode(step[i] < r.tags.size() ? r.tags[step[i]] : r.id));
                break;
            case Kind::build_cache:
                // The id filter is a regular-expression match in BuildKit: a full 25-character id
                // selects exactly one record. all=1 so shared and internal records qualify too.
                req.method = "POST";
                req.path = versioned("/build/prune?all=1&filters=" + url_encode("{\"id\":{\"" + r.id + "\":true}}"));
                break;
            }
            requests.push_back(std::move(req));
            owner.push_back(i);
        }
        if (requests.empty()) break;
        // BuildKit runs one prune at a time; parallel ones would only queue or collide.
        bool cache_only = removals[owner.front()].kind == Kind::build_cache;
        auto responses = transport_.perform_all(requests, cache_only ? 1 : parallel);
        for (std::size_t j = 0; j < responses.size(); ++j) {
            std::size_t i = owner[j];
            const Removal& r = removals[i];
            Outcome o = outcome_of(responses[j], display);
            if (r.kind == Kind::build_cache && o.status == Outcome::Status::removed) {
                bool deleted = false;
                for (const auto& id : parse_build_prune(responses[j].body)) deleted = deleted || id == r.id;
                if (!deleted) o = {Outcome::Status::conflict, "build cache record is in use or still referenced"};
            }
            bool more_steps = r.kind == Kind::image && step[i] < r.tags.size();
            if (r.kind == Kind::image && step[i] > 0 && step[i] == r.tags.size() &&
                o.status == Outcome::Status::not_found)
                o = {Outcome::Status::removed, ""};
            if (more_steps && o.status == Outcome::Status::removed) {
                ++step[i];
                continue;
            }
            if (more_steps && o.status == Outcome::Status::not_found && step[i] + 1 < r.tags.size()) {
                ++step[i]; // that tag went meanwhile; the others may still stand
                continue;
            }
            if (more_steps && o.status == Outcome::Status::not_found) {
                step[i] = r.tags.size();
                continue;
            }
            done[i] = true;
            out[i] = o;
            if (on_done) on_done(i, out[i]);
        }
    }
    return out;
}

} // namespace dind::docker
