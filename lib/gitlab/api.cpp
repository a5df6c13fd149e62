#include "gitlab/api.h"

#include "common/error.h"
#include "gitlab/secret.h"
#include "gitlab/url.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/spdlog.h>

#include <cmath>
#include <cstdio>

namespace dind::gitlab {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void put(Writer& w, const char* key, const std::string& value) {
    w.Key(key);
    w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

void put(Writer& w, const char* key, bool value) {
    w.Key(key);
    w.Bool(value);
}

void put(Writer& w, const char* key, std::int64_t value) {
    w.Key(key);
    w.Int64(value);
}

void put_raw(Writer& w, const char* key, const std::string& json) {
    w.Key(key);
    w.RawValue(json.c_str(), json.size(), rapidjson::kObjectType);
}

std::string join(const std::vector<std::string>& items, const char* sep) {
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : sep) + i;
    return out;
}

// The fields POST /runners and POST /user/runners share; on the legacy path unset ones take
// gitlab-runner register's defaults (locked; untagged jobs only without tags), since that
// endpoint would otherwise pick its own.
void put_settings(Writer& w, const ServerSettings& s, bool legacy_defaults) {
    if (!s.description.empty()) put(w, "description", s.description);
    if (s.maintenance_note) put(w, "maintenance_note", *s.maintenance_note);
    if (!s.tags.empty()) put(w, "tag_list", join(s.tags, ","));
    if (legacy_defaults) {
        put(w, "run_untagged", s.run_untagged.value_or(s.tags.empty()));
        put(w, "locked", s.locked.value_or(true));
        put(w, "paused", s.paused.value_or(false));
    } else {
        if (s.run_untagged) put(w, "run_untagged", *s.run_untagged);
        if (s.locked) put(w, "locked", *s.locked);
        if (s.paused) put(w, "paused", *s.paused);
    }
    if (s.access_level) put(w, "access_level", *s.access_level);
    if (s.maximum_timeout) put(w, "maximum_timeout", *s.maximum_timeout);
}

std::string trim(std::string s) {
    const char* blanks = " \t\r\n";
    auto b = s.find_first_not_of(blanks);
    if (b == std::string::npos) return "";
    return s.substr(b, s.find_last_not_of(blanks) - b + 1);
}

std::string json_text(const rapidjson::Value& v) {
    if (v.IsString()) return std::string(v.GetString(), v.GetStringLength());
    if (v.IsArray()) {
        std::vector<std::string> parts;
        for (const auto& item : v.GetArray()) parts.push_back(json_text(item));
        return join(parts, ", ");
    }
    if (v.IsObject()) {
        std::vector<std::string> parts;
        for (const auto& m : v.GetObject())
            parts.push_back(std::string(m.name.GetString(), m.name.GetStringLength()) + " " + json_text(m.value));
        return join(parts, "; ");
    }
    rapidjson::StringBuffer buf;
    Writer w(buf);
    v.Accept(w);
    return buf.GetString();
}

} // namespace

std::string verify_body(const std::string& token, const std::string& system_id, const std::string& info) {
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    put(w, "token", token);
    put(w, "system_id", system_id);
    put_raw(w, "info", info);
    w.EndObject();
    return buf.GetString();
}

std::string register_body(const std::string& registration_token, const ServerSettings& settings,
                          const std::string& info) {
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    put(w, "token", registration_token);
    put_settings(w, settings, true);
    put_raw(w, "info", info);
    w.EndObject();
    return buf.GetString();
}

std::string create_body(const RunnerScope& scope, const ServerSettings& settings) {
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    put(w, "runner_type", scope.runner_type);
    if (scope.group_id) put(w, "group_id", *scope.group_id);
    if (scope.project_id) put(w, "project_id", *scope.project_id);
    put_settings(w, settings, false);
    w.EndObject();
    return buf.GetString();
}

std::string delete_runner_body(const std::string& token) {
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    put(w, "token", token);
    w.EndObject();
    return buf.GetString();
}

std::string delete_manager_body(const std::string& token, const std::string& system_id) {
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    put(w, "token", token);
    put(w, "system_id", system_id);
    w.EndObject();
    return buf.GetString();
}

Credentials parse_credentials(std::string_view body) {
    rapidjson::Document doc;
    doc.Parse(body.data(), body.size());
    if (doc.HasParseError() || !doc.IsObject()) throw Error("malformed answer from GitLab: not a JSON object");
    Credentials out;
    auto id = doc.FindMember("id");
    if (id == doc.MemberEnd() || !id->value.IsInt64() || id->value.GetInt64() <= 0)
        throw Error("malformed answer from GitLab: no runner id");
    out.id = id->value.GetInt64();
    auto token = doc.FindMember("token");
    if (token == doc.MemberEnd() || !token->value.IsString() || token->value.GetStringLength() == 0)
        throw Error("malformed answer from GitLab: no token");
    out.token.assign(token->value.GetString(), token->value.GetStringLength());
    auto expires = doc.FindMember("token_expires_at");
    if (expires != doc.MemberEnd() && !expires->value.IsNull()) {
        if (!expires->value.IsString()) throw Error("malformed answer from GitLab: token_expires_at is not a time");
        std::string text(expires->value.GetString(), expires->value.GetStringLength());
        out.expires_at = parse_rfc3339(text);
        // parse_rfc3339 reads the zero time as "unknown": here it means "never expires".
        if (!out.expires_at && text.rfind("0001-01-01", 0) != 0)
            throw Error("malformed answer from GitLab: token_expires_at '" + text + "' is not a time");
    }
    return out;
}

std::string parse_error_message(std::string_view body) {
    rapidjson::Document doc;
    doc.Parse(body.data(), body.size());
    if (!doc.HasParseError() && doc.IsObject()) {
        for (const char* key : {"message", "error", "error_description"}) {
            auto m = doc.FindMember(key);
            if (m != doc.MemberEnd() && !m->value.IsNull()) return json_text(m->value);
        }
    }
    std::string text = trim(std::string(body));
    if (text.size() > 200) text = text.substr(0, 200) + "…";
    return text;
}

std::string status_text(long status) {
    const char* reason = "";
    switch (status) {
    case 400: reason = "Bad Request"; break;
    case 401: reason = "Unauthorized"; break;
    case 403: reason = "Forbidden"; break;
    case 404: reason = "Not Found"; break;
    case 405: reason = "Method Not Allowed"; break;
    case 408: reason = "Request Timeout"; break;
    case 409: reason = "Conflict"; break;
    case 410: reason = "Gone"; break;
    case 422: reason = "Unprocessable Entity"; break;
    case 429: reason = "Too Many Requests"; break;
    case 500: reason = "Internal Server Error"; break;
    case 502: reason = "Bad Gateway"; break;
    case 503: reason = "Service Unavailable"; break;
    case 504: reason = "Gateway Timeout"; break;
    default: break;
    }
    return *reason ? std::to_string(status) + " " + reason : std::to_string(status);
}

Api::Api(HttpClient& http, std::string base, RetryPolicy retry, Sleep sleep, Clock clock,
         std::vector<std::string> secrets)
    : http_(http), base_(std::move(base)), retry_(retry), sleep_(std::move(sleep)), clock_(std::move(clock)),
      secrets_(std::move(secrets)) {}

std::string Api::gitlab_words(const HttpResponse& response) const {
    std::string words = scrub(parse_error_message(response.body), secrets_);
    std::string status = status_text(response.status);
    // GitLab's messages usually start with the status already ("403 Forbidden - …").
    if (words.empty()) return status;
    if (words.rfind(std::to_string(response.status), 0) == 0) return words;
    return status + ": " + words;
}

HttpResponse Api::send(const std::string& method, const std::string& endpoint, const std::string& body,
                       const std::vector<std::pair<std::string, std::string>>& headers) {
    HttpRequest request{method, api_url(base_, endpoint), headers, body};
    for (int tries = 1;; ++tries) {
        HttpResponse r = http_.perform(request);
        if (r.status == 0) {
            std::string where = base_;
            std::string why = scrub(r.error, secrets_);
            switch (r.failure) {
            case HttpResponse::Failure::tls:
                throw Error("TLS with GitLab at " + where + " failed: " + why +
                                " (is its certificate signed by a private CA? give that CA with --tls-ca-file)",
                            exit_unavailable);
            case HttpResponse::Failure::timeout:
                throw Error("GitLab at " + where + " did not answer in time: " + why, exit_unavailable);
            case HttpResponse::Failure::connect:
                throw Error("cannot connect to GitLab at " + where + ": " + why, exit_unavailable);
            default: throw Error("request to GitLab at " + where + " failed: " + why, exit_unavailable);
            }
        }
        spdlog::debug("{} {} → {}", method, request.url, r.status);
        auto delay = retry_delay(retry_, tries, r.status, r.header("retry-after"), clock_());
        if (!delay) {
            if (retryable_status(r.status))
                throw Error("GitLab at " + base_ + " is unavailable: " + method + " /api/v4/" + endpoint +
                                " answered " + gitlab_words(r) + " " + std::to_string(tries) + " times",
                            exit_unavailable);
            return r;
        }
        char seconds[32];
        std::snprintf(seconds, sizeof seconds, "%.1f", static_cast<double>(delay->count()) / 1000.0);
        spdlog::warn("GitLab answered {} to {} /api/v4/{}; trying again in {} s (try {} of {})", status_text(r.status),
                     method, endpoint, seconds, tries + 1, retry_.max_tries);
        sleep_(*delay);
    }
}

void Api::refuse(const std::string& what, const HttpResponse& r) {
    if (r.status >= 300 && r.status < 400) {
        std::string location = r.header("location");
        throw Error("GitLab at " + base_ + " answered " + status_text(r.status) +
                    (location.empty() ? std::string() : " (a redirect to " + location + ")") +
                    ": give the instance's own URL with --url");
    }
    if (r.status == 403) throw Error("GitLab rejected the token: " + gitlab_words(r));
    if (r.status == 404)
        throw Error("GitLab at " + base_ + " answered " + gitlab_words(r) + " when " + what +
                    ": is that the URL of a GitLab instance (15.10 or later for runner authentication tokens)?");
    throw Error("GitLab refused " + what + ": " + gitlab_words(r));
}

Credentials Api::verify(const std::string& token, const std::string& system_id, const std::string& info) {
    HttpResponse r = send("POST", "runners/verify", verify_body(token, system_id, info));
    if (r.status == 200 || r.status == 201) {
        Credentials c = parse_credentials(r.body);
        if (c.token.empty()) c.token = token;
        return c;
    }
    refuse("verifying the runner", r);
}

Credentials Api::register_runner(const std::string& registration_token, const ServerSettings& settings,
                                 const std::string& info) {
    HttpResponse r = send("POST", "runners", register_body(registration_token, settings, info));
    if (r.status == 201 || r.status == 200) return parse_credentials(r.body);
    if (r.status == 410)
        throw Error("this GitLab has registration tokens disabled (" + gitlab_words(r) +
                    "): create the runner in GitLab (Settings > CI/CD > Runners > New runner, or Admin > "
                    "CI/CD > Runners) and register with its glrt- token (--token-file), or let dind-register "
                    "create it with a personal access token that has the create_runner scope (--pat-file)");
    refuse("registering the runner", r);
}

Credentials Api::create_runner(const std::string& pat, const RunnerScope& scope, const ServerSettings& settings) {
    HttpResponse r = send("POST", "user/runners", create_body(scope, settings), {{"PRIVATE-TOKEN", pat}});
    if (r.status == 201 || r.status == 200) return parse_credentials(r.body);
    if (r.status == 401 || r.status == 403)
        throw Error("GitLab rejected the personal access token (" + gitlab_words(r) +
                    "): it needs the create_runner scope and the right to create " + scope.runner_type +
                    " runners there");
    refuse("creating the runner", r);
}

Api::Check Api::check(const std::string& token, const std::string& system_id, const std::string& info) {
    HttpResponse r = send("POST", "runners/verify", verify_body(token, system_id, info));
    if (r.status == 200 || r.status == 201) return Check::alive;
    if (r.status == 403) return Check::dead;
    refuse("verifying the runner", r);
}

Api::Removal Api::delete_runner(const std::string& token) {
    HttpResponse r = send("DELETE", "runners", delete_runner_body(token));
    if (r.status == 204 || r.status == 200) return Removal::removed;
    if (r.status == 403) return Removal::already_gone;
    refuse("unregistering the runner", r);
}

Api::Removal Api::delete_manager(const std::string& token, const std::string& system_id) {
    HttpResponse r = send("DELETE", "runners/managers", delete_manager_body(token, system_id));
    if (r.status == 204 || r.status == 200) return Removal::removed;
    if (r.status == 403 || r.status == 404) return Removal::already_gone;
    refuse("unregistering the runner", r);
}

} // namespace dind::gitlab
