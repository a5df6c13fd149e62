// GitLab's runner REST API (/api/v4): the three ways to register, verify, and the two ways to
// unregister, with gitlab-runner's retry policy. Bodies and answers are built and read by pure
// functions; Api sends them through an HttpClient and turns failures into dind::Error (exit 69
// for an unreachable GitLab, 1 for a refusal). No token ever appears in a message.
#pragma once
#include "common/time.h"
#include "gitlab/http.h"
#include "gitlab/retry.h"

#include <cstdint>
#include <ctime>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dind::gitlab {

// What GitLab answers a registration or verification with.
struct Credentials {
    std::int64_t id = 0;
    std::string token;
    std::optional<TimePoint> expires_at; // nullopt: never expires
};

// The settings GitLab keeps on its side: given on the legacy and the --pat-file paths only.
struct ServerSettings {
    std::string description;
    std::vector<std::string> tags;
    std::optional<bool> run_untagged, locked, paused;
    std::optional<std::string> access_level; // not_protected | ref_protected
    std::optional<std::int64_t> maximum_timeout;
    std::optional<std::string> maintenance_note;
};

// Where POST /user/runners creates the runner.
struct RunnerScope {
    std::string runner_type; // instance_type | group_type | project_type
    std::optional<std::int64_t> group_id, project_id;
};

// The request bodies, exactly as sent. info is a JSON object (see runner_info_json).
std::string verify_body(const std::string& token, const std::string& system_id, const std::string& info);
std::string register_body(const std::string& registration_token, const ServerSettings& settings,
                          const std::string& info);
std::string create_body(const RunnerScope& scope, const ServerSettings& settings);
std::string delete_runner_body(const std::string& token);
std::string delete_manager_body(const std::string& token, const std::string& system_id);

// {"id": 9171, "token": "glrt-…", "token_expires_at": "…" | null}. Throws dind::Error when it is
// not that shape.
Credentials parse_credentials(std::string_view body);

// GitLab's words from an error body: {"message": "…"}, {"message": {"field": ["…"]}} →
// "field …; other …", {"error": "…"}; else the body itself (trimmed), else "".
std::string parse_error_message(std::string_view body);

// "403 Forbidden", "429 Too Many Requests": the status with its reason phrase.
std::string status_text(long status);

class Api {
  public:
    using Sleep = std::function<void(Millis)>;
    using Clock = std::function<std::time_t()>;

    // base: a normalised instance URL (see normalise_url). secrets: every token this run knows,
    // scrubbed from any message GitLab sends back.
    Api(HttpClient& http, std::string base, RetryPolicy retry, Sleep sleep, Clock clock,
        std::vector<std::string> secrets);

    const std::string& base() const { return base_; }
    void add_secret(const std::string& secret) { secrets_.push_back(secret); }

    // POST /runners/verify. 403: "GitLab rejected the token".
    Credentials verify(const std::string& token, const std::string& system_id, const std::string& info);
    // POST /runners (legacy registration token). 410: registration tokens are disabled.
    Credentials register_runner(const std::string& registration_token, const ServerSettings& settings,
                                const std::string& info);
    // POST /user/runners with PRIVATE-TOKEN.
    Credentials create_runner(const std::string& pat, const RunnerScope& scope, const ServerSettings& settings);

    enum class Check { alive, dead };
    // POST /runners/verify for --verify: 200 alive, 403 dead; anything else throws.
    Check check(const std::string& token, const std::string& system_id, const std::string& info);

    enum class Removal { removed, already_gone };
    // DELETE /runners: the whole runner (legacy tokens, or a runner this run created).
    Removal delete_runner(const std::string& token);
    // DELETE /runners/managers: only this host's manager of a glrt- runner.
    Removal delete_manager(const std::string& token, const std::string& system_id);

  private:
    HttpResponse send(const std::string& method, const std::string& endpoint, const std::string& body,
                      const std::vector<std::pair<std::string, std::string>>& headers = {});
    [[noreturn]] void refuse(const std::string& what, const HttpResponse& response);
    std::string gitlab_words(const HttpResponse& response) const;

    HttpClient& http_;
    std::string base_;
    RetryPolicy retry_;
    Sleep sleep_;
    Clock clock_;
    std::vector<std::string> secrets_;
};

} // namespace dind::gitlab
