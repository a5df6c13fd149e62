#include "setup/spec.h"

#include "common/error.h"
#include "common/toolkit.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cctype>
#include <map>

namespace dind::setup {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

std::string upstream_version(const std::string& server_version) {
    std::size_t end = 0;
    while (end < server_version.size() &&
           (std::isdigit(static_cast<unsigned char>(server_version[end])) || server_version[end] == '.'))
        ++end;
    std::string v = server_version.substr(0, end);
    while (!v.empty() && v.back() == '.') v.pop_back();
    return v;
}

std::string default_dind_image(const std::string& server_version) {
    std::string v = upstream_version(server_version);
    if (v.empty()) throw Error("cannot tell the engine's version from '" + server_version + "': give --dind-image");
    return "docker:" + v + "-dind";
}

Spec make_spec(const SetupOptions& o, const std::string& server_version) {
    if (o.pull != "missing" && o.pull != "always" && o.pull != "never")
        throw usage_error("invalid --pull '" + o.pull + "': want missing, always or never");
    if (o.mtu && (*o.mtu < 576 || *o.mtu > 65535))
        throw usage_error("invalid --mtu " + std::to_string(*o.mtu) + ": want 576 to 65535");
    for (const auto* name : {&o.network, &o.dind_name, &o.storage_volume, &o.certs_volume, &o.runner_name})
        if (name->empty()) throw usage_error("object names cannot be empty");
    if (o.runner_config_dir.empty() || o.runner_config_dir.front() != '/')
        throw usage_error("--runner-config-dir must be an absolute path, not '" + o.runner_config_dir + "'");

    Spec s;
    s.network = o.network;
    s.network_labels = {{role_label, "network"}};
    s.volumes.push_back({"storage", o.storage_volume});
    if (o.tls) s.volumes.push_back({"certs", o.certs_volume});
    s.inner_host = "tcp://" + o.dind_name + (o.tls ? ":2376" : ":2375");

    ContainerSpec& d = s.dind;
    d.role = "dind";
    d.name = o.dind_name;
    d.image = o.dind_image.empty() ? default_dind_image(server_version) : o.dind_image;
    // The inner engine's TLS certificate names the container's hostname: the runner connects
    // to tcp://<dind name>:2376, so the hostname must be that name.
    d.hostname = o.dind_name;
    d.cmd = {"--storage-driver=overlay2"};
    if (o.mtu) d.cmd.push_back("--mtu=" + std::to_string(*o.mtu));
    d.env = {o.tls ? "DOCKER_TLS_CERTDIR=/certs" : "DOCKER_TLS_CERTDIR="};
    d.labels = {{role_label, "dind"}};
    d.mounts.push_back({"volume", o.storage_volume, "/var/lib/docker", false});
    if (o.tls)
        d.mounts.push_back({"volume", o.certs_volume, "/certs/client", false});
    else
        d.absent_mounts.push_back("/certs/client");
    d.network = o.network;
    d.privileged = o.privileged;
    d.runtime = o.runtime;

    ContainerSpec& r = s.runner;
    r.role = "runner";
    r.name = o.runner_name;
    r.image = o.runner_image;
    r.env = {"DOCKER_HOST=" + s.inner_host};
    if (o.tls) {
        r.env.push_back("DOCKER_TLS_VERIFY=1");
        r.env.push_back("DOCKER_CERT_PATH=/certs/client");
    } else {
        r.absent_env = {"DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH"};
    }
    r.labels = {{role_label, "runner"}};
    r.mounts.push_back({"bind", o.runner_config_dir, "/etc/gitlab-runner", false});
    if (o.tls)
        r.mounts.push_back({"volume", o.certs_volume, "/certs/client", true});
    else
        r.absent_mounts.push_back("/certs/client");
    r.network = o.network;
    r.privileged = false;
    return s;
}

namespace {

void str(Writer& w, const char* key, const std::string& v) {
    w.Key(key);
    w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
}

void labels(Writer& w, const docker::Labels& l) {
    w.Key("Labels");
    w.StartObject();
    for (const auto& [k, v] : l) {
        w.Key(k.c_str());
        w.String(v.c_str());
    }
    w.EndObject();
}

void strings(Writer& w, const char* key, const std::vector<std::string>& v) {
    w.Key(key);
    w.StartArray();
    for (const auto& s : v) w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size()));
    w.EndArray();
}

const rapidjson::Value* path(const rapidjson::Value& v, std::initializer_list<const char*> keys) {
    const rapidjson::Value* cur = &v;
    for (const char* k : keys) {
        if (!cur->IsObject()) return nullptr;
        auto it = cur->FindMember(k);
        if (it == cur->MemberEnd()) return nullptr;
        cur = &it->value;
    }
    return cur;
}

std::string text(const rapidjson::Value* v) { return v && v->IsString() ? v->GetString() : ""; }

std::vector<std::string> text_list(const rapidjson::Value* v) {
    std::vector<std::string> out;
    if (v && v->IsArray())
        for (const auto& s : v->GetArray())
            if (s.IsString()) out.emplace_back(s.GetString());
    return out;
}

std::string quoted(const std::vector<std::string>& v) {
    std::string out = "[";
    for (std::size_t i = 0; i < v.size(); ++i) out += (i ? " " : "") + v[i];
    return out + "]";
}

} // namespace

std::string create_body(const ContainerSpec& c) {
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    str(w, "Image", c.image);
    if (!c.hostname.empty()) str(w, "Hostname", c.hostname);
    strings(w, "Cmd", c.cmd);
    strings(w, "Env", c.env);
    labels(w, c.labels);
    w.Key("HostConfig");
    w.StartObject();
    w.Key("Privileged");
    w.Bool(c.privileged);
    if (!c.runtime.empty()) str(w, "Runtime", c.runtime);
    w.Key("RestartPolicy");
    w.StartObject();
    str(w, "Name", c.restart);
    w.EndObject();
    str(w, "NetworkMode", c.network);
    w.Key("Mounts");
    w.StartArray();
    for (const auto& m : c.mounts) {
        w.StartObject();
        str(w, "Type", m.type);
        str(w, "Source", m.source);
        str(w, "Target", m.target);
        w.Key("ReadOnly");
        w.Bool(m.read_only);
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    w.Key("NetworkingConfig");
    w.StartObject();
    w.Key("EndpointsConfig");
    w.StartObject();
    w.Key(c.network.c_str());
    w.StartObject();
    strings(w, "Aliases", {c.name});
    w.EndObject();
    w.EndObject();
    w.EndObject();
    w.EndObject();
    return buf.GetString();
}

std::string network_body(const Spec& s) {
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    str(w, "Name", s.network);
    str(w, "Driver", "bridge");
    w.Key("CheckDuplicate");
    w.Bool(true);
    labels(w, s.network_labels);
    w.EndObject();
    return buf.GetString();
}

std::string volume_body(const VolumeSpec& v) {
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    str(w, "Name", v.name);
    labels(w, {{role_label, v.role}});
    w.EndObject();
    return buf.GetString();
}

std::string role_of(const std::string& inspect_json) {
    rapidjson::Document doc;
    doc.Parse(inspect_json.c_str());
    if (doc.HasParseError()) return "";
    // Containers keep labels in Config.Labels; networks and volumes at the top.
    const rapidjson::Value* l = path(doc, {"Config", "Labels"});
    if (!l || !l->IsObject()) l = path(doc, {"Labels"});
    return l && l->IsObject() ? text(path(*l, {role_label})) : "";
}

std::vector<std::string> differences(const std::string& inspect_json, const ContainerSpec& spec) {
    rapidjson::Document doc;
    doc.Parse(inspect_json.c_str());
    if (doc.HasParseError() || !doc.IsObject()) throw Error("malformed container inspect answer from the engine");
    std::vector<std::string> out;
    auto differ = [&](const std::string& field, const std::string& have, const std::string& want) {
        if (have != want) out.push_back(field + ": have '" + have + "', want '" + want + "'");
    };
    differ("image", text(path(doc, {"Config", "Image"})), spec.image);
    if (!spec.hostname.empty()) differ("hostname", text(path(doc, {"Config", "Hostname"})), spec.hostname);
    auto cmd = text_list(path(doc, {"Config", "Cmd"}));
    if (cmd != spec.cmd) differ("command", quoted(cmd), quoted(spec.cmd));

    std::map<std::string, std::string> env;
    for (const auto& e : text_list(path(doc, {"Config", "Env"}))) {
        auto eq = e.find('=');
        env[e.substr(0, eq)] = eq == std::string::npos ? "" : e.substr(eq + 1);
    }
    for (const auto& e : spec.env) {
        auto eq = e.find('=');
        std::string key = e.substr(0, eq), want = e.substr(eq + 1);
        auto it = env.find(key);
        if (it == env.end())
            out.push_back("env " + key + ": missing, want '" + want + "'");
        else
            differ("env " + key, it->second, want);
    }
    for (const auto& key : spec.absent_env)
        if (auto it = env.find(key); it != env.end())
            out.push_back("env " + key + ": have '" + it->second + "', want it unset");
    const rapidjson::Value* labels_v = path(doc, {"Config", "Labels"});
    for (const auto& [k, v] : spec.labels) {
        const rapidjson::Value* have = labels_v ? path(*labels_v, {k.c_str()}) : nullptr;
        if (!have)
            out.push_back("label " + k + ": missing, want '" + v + "'");
        else
            differ("label " + k, text(have), v);
    }
    const rapidjson::Value* mounts = path(doc, {"Mounts"});
    for (const auto& m : spec.mounts) {
        const rapidjson::Value* found = nullptr;
        if (mounts && mounts->IsArray())
            for (const auto& have : mounts->GetArray())
                if (text(path(have, {"Destination"})) == m.target) found = &have;
        std::string want = m.type + " " + m.source + (m.read_only ? " (read-only)" : "");
        if (!found) {
            out.push_back("mount " + m.target + ": missing, want " + want);
            continue;
        }
        std::string source = text(path(*found, {m.type == "volume" ? "Name" : "Source"}));
        const rapidjson::Value* rw = path(*found, {"RW"});
        bool read_only = rw && rw->IsBool() && !rw->GetBool();
        std::string have = text(path(*found, {"Type"})) + " " + source + (read_only ? " (read-only)" : "");
        if (have != want) out.push_back("mount " + m.target + ": have " + have + ", want " + want);
    }
    if (mounts && mounts->IsArray())
        for (const auto& have : mounts->GetArray())
            for (const auto& target : spec.absent_mounts)
                if (text(path(have, {"Destination"})) == target)
                    out.push_back("mount " + target + ": have " + text(path(have, {"Type"})) + " " +
                                  text(path(have, {text(path(have, {"Type"})) == "volume" ? "Name" : "Source"})) +
                                  ", want none");
    const rapidjson::Value* nets = path(doc, {"NetworkSettings", "Networks"});
    if (!nets || !nets->IsObject() || !nets->HasMember(spec.network.c_str())) {
        std::vector<std::string> names;
        if (nets && nets->IsObject())
            for (auto it = nets->MemberBegin(); it != nets->MemberEnd(); ++it) names.emplace_back(it->name.GetString());
        out.push_back("network: have " + quoted(names) + ", want " + spec.network);
    }
    differ("restart policy", text(path(doc, {"HostConfig", "RestartPolicy", "Name"})), spec.restart);
    const rapidjson::Value* priv = path(doc, {"HostConfig", "Privileged"});
    bool privileged = priv && priv->IsBool() && priv->GetBool();
    if (privileged != spec.privileged)
        differ("privileged", privileged ? "true" : "false", spec.privileged ? "true" : "false");
    if (!spec.runtime.empty()) differ("runtime", text(path(doc, {"HostConfig", "Runtime"})), spec.runtime);
    return out;
}

} // namespace dind::setup
