#include "gitlab/config.h"

#include "common/error.h"

#include <date/date.h>

#define TOML_ENABLE_FORMATTERS 0
#include <toml++/toml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <sstream>

namespace dind::gitlab {
namespace {

// gitlab-runner's own order (the order of its config structs) for the tables it knows.
const std::vector<std::string_view> global_order = {
    "concurrent",       "check_interval",     "log_level",  "log_format",     "listen_address",
    "shutdown_timeout", "connection_max_age", "sentry_dsn", "session_server", "runners"};
const std::vector<std::string_view> runner_order = {"name",
                                                    "limit",
                                                    "output_limit",
                                                    "request_concurrency",
                                                    "url",
                                                    "id",
                                                    "token",
                                                    "token_obtained_at",
                                                    "token_expires_at",
                                                    "tls-ca-file",
                                                    "tls-cert-file",
                                                    "tls-key-file",
                                                    "executor",
                                                    "builds_dir",
                                                    "cache_dir",
                                                    "shell",
                                                    "clone_url",
                                                    "environment",
                                                    "pre_get_sources_script",
                                                    "post_get_sources_script",
                                                    "pre_build_script",
                                                    "post_build_script",
                                                    "debug_trace_disabled",
                                                    "feature_flags",
                                                    "custom_build_dir",
                                                    "cache",
                                                    "docker"};
const std::vector<std::string_view> docker_order = {"host",
                                                    "hostname",
                                                    "tls_verify",
                                                    "tls_cert_path",
                                                    "image",
                                                    "privileged",
                                                    "disable_entrypoint_overwrite",
                                                    "oom_kill_disable",
                                                    "disable_cache",
                                                    "volumes",
                                                    "shm_size",
                                                    "network_mtu",
                                                    "network_mode",
                                                    "pull_policy"};

enum class Place { root, runner, docker, other };

const std::vector<std::string_view>* order_for(Place place) {
    switch (place) {
    case Place::root: return &global_order;
    case Place::runner: return &runner_order;
    case Place::docker: return &docker_order;
    default: return nullptr;
    }
}

Place child_place(Place parent, std::string_view key) {
    if (parent == Place::root && key == "runners") return Place::runner;
    if (parent == Place::runner && key == "docker") return Place::docker;
    return Place::other;
}

bool is_table_array(const toml::node& node) {
    const toml::array* a = node.as_array();
    if (!a || a->empty()) return false;
    return std::all_of(a->begin(), a->end(),
                       [](const toml::node& n) { return n.is_table() && !n.as_table()->is_inline(); });
}

bool is_header(const toml::node& node) {
    return (node.is_table() && !node.as_table()->is_inline()) || is_table_array(node);
}

bool bare_key(std::string_view key) {
    if (key.empty()) return false;
    return std::all_of(key.begin(), key.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
}

std::string format_key(std::string_view key) { return bare_key(key) ? std::string(key) : toml_quote(key); }

std::string two(int v) { return std::string(1, static_cast<char>('0' + v / 10)) + static_cast<char>('0' + v % 10); }

std::string format_date(const toml::date& d) {
    std::string y = std::to_string(d.year);
    while (y.size() < 4) y.insert(y.begin(), '0');
    return y + "-" + two(d.month) + "-" + two(d.day);
}

std::string format_time(const toml::time& t) {
    std::string out = two(t.hour) + ":" + two(t.minute) + ":" + two(t.second);
    if (t.nanosecond) {
        std::string frac = std::to_string(t.nanosecond);
        frac.insert(frac.begin(), 9 - frac.size(), '0');
        while (frac.back() == '0') frac.pop_back();
        out += "." + frac;
    }
    return out;
}

std::string format_offset(const toml::time_offset& o) {
    if (o.minutes == 0) return "Z";
    int m = o.minutes < 0 ? -o.minutes : o.minutes;
    return std::string(o.minutes < 0 ? "-" : "+") + two(m / 60) + ":" + two(m % 60);
}

std::string format_float(double v) {
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
    char buf[64];
    auto result = std::to_chars(buf, buf + sizeof buf, v);
    std::string out(buf, result.ptr);
    if (out.find_first_of(".eE") == std::string::npos) out += ".0";
    return out;
}

std::string format_value(const toml::node& node);

std::string format_inline_table(const toml::table& t) {
    if (t.empty()) return "{}";
    std::string out = "{ ";
    bool first = true;
    for (auto&& [k, v] : t) {
        if (!first) out += ", ";
        first = false;
        out += format_key(k.str()) + " = " + format_value(v);
    }
    return out + " }";
}

std::string format_value(const toml::node& node) {
    switch (node.type()) {
    case toml::node_type::string: return toml_quote(node.as_string()->get());
    case toml::node_type::integer: return std::to_string(node.as_integer()->get());
    case toml::node_type::floating_point: return format_float(node.as_floating_point()->get());
    case toml::node_type::boolean: return node.as_boolean()->get() ? "true" : "false";
    case toml::node_type::date: return format_date(node.as_date()->get());
    case toml::node_type::time: return format_time(node.as_time()->get());
    case toml::node_type::date_time: {
        const toml::date_time& dt = node.as_date_time()->get();
        return format_date(dt.date) + "T" + format_time(dt.time) + (dt.offset ? format_offset(*dt.offset) : "");
    }
    case toml::node_type::array: {
        const toml::array& a = *node.as_array();
        std::string out = "[";
        bool first = true;
        for (const toml::node& item : a) {
            if (!first) out += ", ";
            first = false;
            out += format_value(item);
        }
        return out + "]";
    }
    case toml::node_type::table: return format_inline_table(*node.as_table());
    default: throw Error("cannot write a TOML value of an unknown type");
    }
}

// The children of a table in the order they are written: the keys gitlab-runner knows in its
// order, then the others in the order the file had them (new ones by name).
std::vector<std::pair<std::string, const toml::node*>> ordered(const toml::table& t, Place place) {
    struct Item {
        std::size_t rank;
        toml::source_index line, column;
        std::string key;
        const toml::node* node;
    };
    const auto* order = order_for(place);
    constexpr toml::source_index unknown = ~toml::source_index{0};
    std::vector<Item> items;
    for (auto&& [k, v] : t) {
        std::size_t rank = order ? order->size() : 0;
        if (order) {
            auto it = std::find(order->begin(), order->end(), k.str());
            if (it != order->end()) rank = static_cast<std::size_t>(it - order->begin());
        }
        const auto& pos = v.source().begin;
        bool known = pos.line != 0;
        items.push_back({rank, known ? pos.line : unknown, known ? pos.column : unknown, std::string(k.str()), &v});
    }
    std::stable_sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
        return std::tie(a.rank, a.line, a.column, a.key) < std::tie(b.rank, b.line, b.column, b.key);
    });
    std::vector<std::pair<std::string, const toml::node*>> out;
    for (auto& i : items) out.emplace_back(std::move(i.key), i.node);
    return out;
}

void emit_table(std::string& out, const toml::table& t, std::vector<std::string>& path, Place place, bool element) {
    std::size_t depth = path.size();
    std::string pad(depth == 0 ? 0 : 2 * depth, ' ');
    if (depth > 0) {
        std::string dotted;
        for (const auto& k : path) dotted += (dotted.empty() ? "" : ".") + format_key(k);
        if (depth == 1 && !out.empty()) out += "\n";
        out += std::string(2 * (depth - 1), ' ') + (element ? "[[" : "[") + dotted + (element ? "]]" : "]") + "\n";
    }
    auto children = ordered(t, place);
    for (const auto& [key, node] : children)
        if (!is_header(*node)) out += pad + format_key(key) + " = " + format_value(*node) + "\n";
    for (const auto& [key, node] : children) {
        if (!is_header(*node)) continue;
        path.push_back(key);
        if (node->is_table()) {
            emit_table(out, *node->as_table(), path, child_place(place, key), false);
        } else {
            for (const toml::node& item : *node->as_array())
                emit_table(out, *item.as_table(), path, child_place(place, key), true);
        }
        path.pop_back();
    }
}

toml::date_time to_toml_time(TimePoint t) {
    auto day = date::floor<date::days>(t);
    date::year_month_day ymd{day};
    date::hh_mm_ss<Nanos> hms{t - day};
    toml::date d{static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day())};
    toml::time tm{static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                  static_cast<int>(hms.seconds().count()), static_cast<std::uint32_t>(hms.subseconds().count())};
    return toml::date_time{d, tm, toml::time_offset{0, 0}};
}

toml::array string_array(const std::vector<std::string>& items) {
    toml::array a;
    for (const auto& i : items) a.push_back(i);
    return a;
}

std::string where(const std::string& path, const toml::source_region& r) {
    return path + ":" + std::to_string(r.begin.line) + ":" + std::to_string(r.begin.column);
}

} // namespace

std::string toml_quote(std::string_view text) {
    std::string out = "\"";
    for (char ch : text) {
        auto c = static_cast<unsigned char>(ch);
        switch (ch) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\t': out += "\\t"; break;
        case '\n': out += "\\n"; break;
        case '\f': out += "\\f"; break;
        case '\r': out += "\\r"; break;
        default:
            if (c < 0x20 || c == 0x7f) {
                static const char* hex = "0123456789ABCDEF";
                out += "\\u00";
                out += hex[c >> 4];
                out += hex[c & 15];
            } else {
                out += ch;
            }
        }
    }
    return out + "\"";
}

struct Config::Impl {
    toml::table root;
};

Config::Config() : impl_(std::make_unique<Impl>()) {}
Config::~Config() = default;
Config::Config(Config&&) noexcept = default;
Config& Config::operator=(Config&&) noexcept = default;

Config Config::fresh() {
    Config c;
    c.impl_->root.insert_or_assign("concurrent", std::int64_t{1});
    c.impl_->root.insert_or_assign("check_interval", std::int64_t{0});
    return c;
}

Config Config::parse(std::string_view text, const std::string& path) {
    Config c;
    try {
        c.impl_->root = toml::parse(text, path);
    } catch (const toml::parse_error& e) {
        throw usage_error(where(path, e.source()) + ": not valid TOML: " + std::string(e.description()));
    }
    const toml::node* runners = c.impl_->root.get("runners");
    if (!runners) return c;
    const toml::array* list = runners->as_array();
    if (!list || !std::all_of(list->begin(), list->end(), [](const toml::node& n) { return n.is_table(); }))
        throw usage_error(where(path, runners->source()) + ": runners must be an array of tables ([[runners]])");
    for (const toml::node& item : *list) {
        const toml::table& entry = *item.as_table();
        for (const char* key : {"name", "url", "token"}) {
            const toml::node* v = entry.get(key);
            if (v && !v->is_string())
                throw usage_error(where(path, v->source()) + ": a runner's " + key + " must be a string");
        }
        const toml::node* id = entry.get("id");
        if (id && !id->is_integer())
            throw usage_error(where(path, id->source()) + ": a runner's id must be an integer");
    }
    return c;
}

std::vector<RunnerSummary> Config::runners() const {
    std::vector<RunnerSummary> out;
    const toml::array* list = impl_->root["runners"].as_array();
    if (!list) return out;
    for (const toml::node& item : *list) {
        const toml::table* entry = item.as_table();
        if (!entry) continue;
        RunnerSummary s;
        s.name = (*entry)["name"].value_or(std::string());
        s.url = (*entry)["url"].value_or(std::string());
        s.token = (*entry)["token"].value_or(std::string());
        s.id = (*entry)["id"].value_or(std::int64_t{0});
        out.push_back(std::move(s));
    }
    return out;
}

bool Config::upsert(const RunnerEntry& e) {
    toml::table& root = impl_->root;
    if (!root.get("runners")) root.insert_or_assign("runners", toml::array{});
    toml::array& list = *root.get("runners")->as_array();
    toml::table* entry = nullptr;
    for (toml::node& item : list) {
        toml::table* t = item.as_table();
        if (t && (*t)["name"].value_or(std::string()) == e.name) {
            entry = t;
            break;
        }
    }
    bool replaced = entry != nullptr;
    if (!entry) {
        list.push_back(toml::table{});
        entry = list.back().as_table();
    }
    entry->insert_or_assign("name", e.name);
    entry->insert_or_assign("url", e.url);
    entry->insert_or_assign("id", e.id);
    entry->insert_or_assign("token", e.token);
    entry->insert_or_assign("token_obtained_at", to_toml_time(e.token_obtained_at));
    // 0001-01-01T00:00:00Z is gitlab-runner's "never expires".
    entry->insert_or_assign("token_expires_at", e.token_expires_at
                                                    ? to_toml_time(*e.token_expires_at)
                                                    : toml::date_time{toml::date{1, 1, 1}, toml::time{0, 0, 0, 0u},
                                                                      toml::time_offset{0, 0}});
    entry->insert_or_assign("executor", std::string("docker"));
    entry->insert_or_assign("environment", string_array(e.environment));

    toml::node* docker_node = entry->get("docker");
    if (!docker_node || !docker_node->is_table() || docker_node->as_table()->is_inline()) {
        // A docker key of another shape would be invalid for gitlab-runner: replace it.
        toml::table fresh;
        if (docker_node && docker_node->is_table()) fresh = *docker_node->as_table();
        fresh.is_inline(false);
        entry->insert_or_assign("docker", std::move(fresh));
        docker_node = entry->get("docker");
    }
    toml::table& docker = *docker_node->as_table();
    const DockerSettings& d = e.docker;
    docker.insert_or_assign("host", d.host);
    docker.insert_or_assign("tls_verify", d.tls_verify);
    if (d.tls_cert_path)
        docker.insert_or_assign("tls_cert_path", *d.tls_cert_path);
    else
        docker.erase("tls_cert_path");
    docker.insert_or_assign("image", d.image);
    docker.insert_or_assign("privileged", d.privileged);
    docker.insert_or_assign("disable_cache", d.disable_cache);
    docker.insert_or_assign("volumes", string_array(d.volumes));
    docker.insert_or_assign("shm_size", d.shm_size);
    return replaced;
}

std::size_t Config::remove_if(const std::function<bool(const RunnerSummary&)>& pred) {
    toml::array* list = impl_->root["runners"].as_array();
    if (!list) return 0;
    std::size_t removed = 0;
    for (auto it = list->begin(); it != list->end();) {
        const toml::table* entry = it->as_table();
        RunnerSummary s;
        if (entry) {
            s.name = (*entry)["name"].value_or(std::string());
            s.url = (*entry)["url"].value_or(std::string());
            s.token = (*entry)["token"].value_or(std::string());
            s.id = (*entry)["id"].value_or(std::int64_t{0});
        }
        if (entry && pred(s)) {
            it = list->erase(it);
            ++removed;
        } else {
            ++it;
        }
    }
    // gitlab-runner writes no runners key when it has no runner left.
    if (list->empty()) impl_->root.erase("runners");
    return removed;
}

std::string Config::to_toml() const {
    std::string out;
    std::vector<std::string> path;
    emit_table(out, impl_->root, path, Place::root, false);
    return out;
}

} // namespace dind::gitlab
