#include "recreate/recreate.h"

#include "common/error.h"
#include "common/size.h"
#include "common/toolkit.h"
#include "docker/parse.h"
#include "recreate/clone.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <thread>

namespace dind::recreate {
namespace {

using Clock = std::chrono::steady_clock;
using docker::expect_success;
using docker::url_encode;

double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

void sleep_for(double seconds) { std::this_thread::sleep_for(std::chrono::duration<double>(seconds)); }

std::string field(const std::string& json, std::initializer_list<const char*> path) {
    rapidjson::Document d;
    d.Parse(json.c_str());
    const rapidjson::Value* v = &d;
    for (const char* k : path) {
        if (!v->IsObject() || !v->HasMember(k)) return "";
        v = &(*v)[k];
    }
    if (v->IsString()) return v->GetString();
    if (v->IsBool()) return v->GetBool() ? "true" : "false";
    if (v->IsInt64()) return std::to_string(v->GetInt64());
    return "";
}

// The container by name, else the one carrying the toolkit's role label.
std::string inspect(docker::Client& c, const std::string& name, const std::string& role) {
    auto r = c.send("GET", "/containers/" + url_encode(name) + "/json");
    if (r.status == 200) return r.body;
    if (r.status != 404) expect_success(r, "inspect container " + name);
    std::string filter = url_encode(std::string("{\"label\":[\"") + role_label + "=" + role + "\"]}");
    auto list = docker::parse_containers(c.get("/containers/json?all=1&filters=" + filter));
    if (list.size() == 1) return c.send("GET", "/containers/" + list.front().id + "/json").body;
    if (list.size() > 1) throw Error("several containers carry " + std::string(role_label) + "=" + role + ": name one");
    throw Error("no " + role + " container: none is named " + name + " or labelled " + role_label + "=" + role);
}

// The volume mounted at /var/lib/docker: the inner engine's storage.
std::string storage_volume(const std::string& container_json) {
    rapidjson::Document d;
    d.Parse(container_json.c_str());
    if (d.IsObject() && d.HasMember("Mounts") && d["Mounts"].IsArray())
        for (const auto& m : d["Mounts"].GetArray())
            if (m.HasMember("Destination") && std::string(m["Destination"].GetString()) == "/var/lib/docker" &&
                m.HasMember("Name") && m["Name"].IsString())
                return m["Name"].GetString();
    return "";
}

std::optional<std::size_t> running_jobs(const std::optional<docker::Endpoint>& inner) {
    if (!inner) return std::nullopt;
    try {
        docker::Client c(*inner);
        std::string filter = url_encode(R"({"label":["com.gitlab.gitlab-runner.type=build"],"status":["running"]})");
        return docker::parse_containers(c.get("/containers/json?filters=" + filter)).size();
    } catch (const Error& e) {
        spdlog::info("the inner engine is not reachable: {}", e.what());
        return std::nullopt;
    }
}

void set_restart(docker::Client& c, const std::string& id, const std::string& policy, const std::string& what) {
    expect_success(c.send("POST", "/containers/" + id + "/update", "{\"RestartPolicy\":{\"Name\":\"" + policy + "\"}}"),
                   "set the restart policy of " + what);
}

// The new engine answers: its /_ping where the inner engine is reachable, else `docker info`
// run inside the container.
bool engine_answers(docker::Client& host, const std::string& id, const std::optional<docker::Endpoint>& inner) {
    if (inner) {
        try {
            docker::Endpoint quick = *inner;
            quick.timeout_seconds = 5;
            return docker::Client(quick).ping();
        } catch (const Error&) {
            return false;
        }
    }
    auto created = host.send("POST", "/containers/" + id + "/exec",
                             R"({"AttachStdout":false,"AttachStderr":false,"Cmd":["docker","info"]})");
    if (created.status != 201) return false;
    std::string exec = docker::parse_created_id(created.body);
    if (host.send("POST", "/exec/" + exec + "/start", R"({"Detach":true})").status != 200) return false;
    for (int i = 0; i < 100; ++i) {
        auto r = host.send("GET", "/exec/" + exec + "/json");
        if (field(r.body, {"Running"}) == "false") return field(r.body, {"ExitCode"}) == "0";
        sleep_for(0.1);
    }
    return false;
}

} // namespace

namespace {
int run_steps(docker::Client& host, const Options& o, const std::function<void(const std::string&)>& say,
              Summary& summary, bool& policy_held, std::string& runner_id, std::string& runner_policy);
} // namespace

int run(docker::Client& host, const Options& o, const std::function<void(const std::string&)>& say, Summary& summary) {
    bool policy_held = false;
    std::string runner_id, runner_policy;
    try {
        return run_steps(host, o, say, summary, policy_held, runner_id, runner_policy);
    } catch (...) {
        // Whatever failed, the runner's restart policy is put back.
        if (policy_held) {
            try {
                set_restart(host, runner_id, runner_policy, "the runner");
            } catch (const Error& e) {
                spdlog::error("{}", e.what());
            }
        }
        throw;
    }
}

namespace {
int run_steps(docker::Client& host, const Options& o, const std::function<void(const std::string&)>& say,
              Summary& summary, bool& policy_held, std::string& runner_id, std::string& runner_policy) {
    std::string dind = inspect(host, o.dind, "dind");
    std::string runner = inspect(host, o.runner, "runner");
    std::string dind_id = field(dind, {"Id"});
    runner_id = field(runner, {"Id"});
    std::string dind_name = field(dind, {"Name"}).substr(1), runner_name = field(runner, {"Name"}).substr(1);
    std::string storage = storage_volume(dind);
    runner_policy = field(runner, {"HostConfig", "RestartPolicy", "Name"});
    bool runner_running = field(runner, {"State", "Running"}) == "true";
    if (storage.empty() && !o.keep_storage)
        throw Error("container " + dind_name + " has no volume at /var/lib/docker to flush; use --keep-storage");

    std::int64_t storage_bytes = -1;
    if (!storage.empty()) {
        for (const auto& v : docker::parse_disk_usage(host.get("/system/df")).volumes)
            if (v.name == storage && v.size) storage_bytes = *v.size;
    }
    std::string image_ref = o.image.empty() ? field(dind, {"Config", "Image"}) : o.image;
    std::string image_json;
    if (auto r = host.send("GET", "/images/" + url_encode(field(dind, {"Image"})) + "/json"); r.status == 200)
        image_json = r.body;
    CloneRequest clone = clone_request(dind, image_json, o.image);
    if (!o.image.empty()) {
        auto r = host.send("GET", "/images/" + url_encode(o.image) + "/json");
        if (r.status == 404)
            host.pull(o.image);
        else
            expect_success(r, "inspect image " + o.image);
    }
    std::string size_text = storage_bytes >= 0 ? human_size(storage_bytes) : "unknown size";

    if (o.dry_run) {
        say("would drain runner " + runner_name + " (SIGQUIT, restart policy '" + runner_policy + "' held off, up to " +
            std::to_string(static_cast<long>(o.drain_timeout)) + "s" + (o.force ? ", then kill it" : "") + ")");
        say("would stop and remove container " + dind_name + " (" + dind_id.substr(0, 12) + ")");
        say(o.keep_storage ? "would keep volume " + storage
                           : "would remove volume " + storage + " (" + size_text + ") and create it empty");
        say("would create container " + dind_name + " from " + image_ref +
            " with the same configuration, and start it");
        say("would start runner " + runner_name + " again");
        return exit_ok;
    }

    // 1. Drain. Docker must not restart the runner behind our back: its restart policy waits.
    summary.jobs_waited_for = running_jobs(o.inner);
    if (summary.jobs_waited_for) say("jobs running on the inner engine: " + std::to_string(*summary.jobs_waited_for));
    if (runner_running) {
        set_restart(host, runner_id, "no", "runner " + runner_name);
        policy_held = true;
        expect_success(host.send("POST", "/containers/" + runner_id + "/kill?signal=SIGQUIT"),
                       "signal runner " + runner_name);
        say("draining runner " + runner_name + ": it takes no new jobs and finishes the running ones");
        auto t0 = Clock::now();
        double next_report = 30;
        while (field(host.send("GET", "/containers/" + runner_id + "/json").body, {"State", "Running"}) == "true") {
            if (since(t0) >= o.drain_timeout) {
                if (!o.force) {
                    set_restart(host, runner_id, runner_policy, "runner " + runner_name);
                    policy_held = false;
                    say("runner " + runner_name + " did not finish its jobs within " +
                        std::to_string(static_cast<long>(o.drain_timeout)) +
                        "s: nothing was recreated; the runner goes on (--force kills the jobs)");
                    return exit_locked;
                }
                say("drain timeout: killing runner " + runner_name + " and its jobs (--force)");
                expect_success(host.send("POST", "/containers/" + runner_id + "/kill"), "kill runner " + runner_name,
                               true);
            }
            if (since(t0) >= next_report) {
                auto jobs = running_jobs(o.inner);
                spdlog::info("still draining after {:.0f}s{}", since(t0),
                             jobs ? ", " + std::to_string(*jobs) + " jobs running" : "");
                next_report += 30;
            }
            sleep_for(0.2);
        }
        say("runner " + runner_name + " stopped");
    }

    // 2. Remove the dind container and, unless kept, its storage.
    auto down = Clock::now();
    expect_success(host.send("POST", "/containers/" + dind_id + "/stop?t=30"), "stop container " + dind_name, true);
    expect_success(host.send("DELETE", "/containers/" + dind_id), "remove container " + dind_name);
    say("removed container " + dind_name + " (" + dind_id.substr(0, 12) + ")");
    if (!o.keep_storage) {
        expect_success(host.send("DELETE", "/volumes/" + url_encode(storage)), "remove volume " + storage);
        summary.reclaimed_bytes = storage_bytes > 0 ? storage_bytes : 0;
        say("removed volume " + storage + " (" + size_text + ")");
    }

    // 3. The same container again (a fresh storage volume comes with its mount), started.
    auto created = host.send("POST", "/containers/create?name=" + url_encode(dind_name), clone.body);
    expect_success(created, "create container " + dind_name);
    std::string new_id = docker::parse_created_id(created.body);
    for (std::size_t i = 0; i < clone.networks.size(); ++i)
        expect_success(
            host.send("POST", "/networks/" + url_encode(clone.networks[i]) + "/connect", clone.connect_bodies[i]),
            "connect " + dind_name + " to " + clone.networks[i]);
    expect_success(host.send("POST", "/containers/" + new_id + "/start"), "start container " + dind_name);
    say("created container " + dind_name + " (" + new_id.substr(0, 12) + ") from " + image_ref);

    auto t0 = Clock::now();
    bool up = false;
    std::string state;
    while (since(t0) < o.start_timeout) {
        auto r = host.send("GET", "/containers/" + new_id + "/json");
        state = r.body;
        if (field(state, {"State", "Running"}) == "true" && engine_answers(host, new_id, o.inner)) {
            up = true;
            break;
        }
        if (field(state, {"State", "Status"}) == "exited" || field(state, {"State", "Status"}) == "dead") break;
        sleep_for(0.5);
    }
    if (!up) {
        rapidjson::Document d;
        d.Parse(state.c_str());
        std::string inspect_state = "{}";
        if (d.IsObject() && d.HasMember("State")) {
            rapidjson::StringBuffer buf;
            rapidjson::Writer<rapidjson::StringBuffer> w(buf);
            d["State"].Accept(w);
            inspect_state = buf.GetString();
        }
        spdlog::error("state of the new container {}: {}", dind_name, inspect_state);
        // Stopped by us, the runner stays stopped even with its policy back (until the host engine restarts).
        set_restart(host, runner_id, runner_policy, "runner " + runner_name);
        policy_held = false;
        throw Error("the new engine in " + dind_name + " did not come up within " +
                    std::to_string(static_cast<long>(o.start_timeout)) + "s; runner " + runner_name +
                    " is left stopped");
    }
    summary.downtime_seconds = since(down);

    // 4. The runner again, with its own restart policy.
    set_restart(host, runner_id, runner_policy, "runner " + runner_name);
    policy_held = false;
    if (runner_running) {
        expect_success(host.send("POST", "/containers/" + runner_id + "/start"), "start runner " + runner_name, true);
        say("started runner " + runner_name);
    }
    return exit_ok;
}

} // namespace

} // namespace dind::recreate
