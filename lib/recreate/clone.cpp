#include "recreate/clone.h"

#include "common/error.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <set>

namespace dind::recreate {
namespace {

using rapidjson::Document;
using rapidjson::Value;

const Value* member(const Value& v, const char* name) {
    if (!v.IsObject()) return nullptr;
    auto it = v.FindMember(name);
    return it == v.MemberEnd() || it->value.IsNull() ? nullptr : &it->value;
}

std::string to_json(const Value& v) {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    v.Accept(w);
    return buf.GetString();
}

} // namespace

CloneRequest clone_request(const std::string& container_json, const std::string& image_json,
                           const std::string& new_image) {
    Document c;
    c.Parse(container_json.c_str());
    if (c.HasParseError() || !c.IsObject() || !member(c, "Config"))
        throw Error("malformed container inspect answer from the engine");
    Document image;
    image.Parse(image_json.c_str());
    const Value* image_config = !image.HasParseError() && image.IsObject() ? member(image, "Config") : nullptr;

    Document body(rapidjson::kObjectType);
    auto& a = body.GetAllocator();
    const Value& config = *member(c, "Config");
    const std::string id = member(c, "Id") && member(c, "Id")->IsString() ? member(c, "Id")->GetString() : "";

    auto same_as_image = [&](const char* key, const Value& v) {
        const Value* d = image_config ? member(*image_config, key) : nullptr;
        return d && *d == v;
    };
    for (const char* key : {"Domainname", "User", "StopSignal", "Tty", "OpenStdin", "StdinOnce", "AttachStdin",
                            "AttachStdout", "AttachStderr", "ExposedPorts", "StopTimeout"}) {
        if (const Value* v = member(config, key)) body.AddMember(Value(key, a), Value(*v, a), a);
    }
    if (const Value* h = member(config, "Hostname"); h && h->IsString() && id.rfind(h->GetString(), 0) != 0)
        body.AddMember("Hostname", Value(*h, a), a);
    for (const char* key : {"Cmd", "Entrypoint", "WorkingDir", "Healthcheck"}) {
        if (const Value* v = member(config, key); v && !same_as_image(key, *v))
            body.AddMember(Value(key, a), Value(*v, a), a);
    }
    // Environment and labels: only what the container added to its image's.
    std::set<std::string> image_env;
    if (const Value* e = image_config ? member(*image_config, "Env") : nullptr; e && e->IsArray())
        for (const auto& s : e->GetArray())
            if (s.IsString()) image_env.insert(s.GetString());
    Value env(rapidjson::kArrayType);
    if (const Value* e = member(config, "Env"); e && e->IsArray())
        for (const auto& s : e->GetArray())
            if (s.IsString() && !image_env.count(s.GetString())) env.PushBack(Value(s, a), a);
    body.AddMember("Env", env, a);
    Value labels(rapidjson::kObjectType);
    const Value* image_labels = image_config ? member(*image_config, "Labels") : nullptr;
    if (const Value* l = member(config, "Labels"); l && l->IsObject())
        for (auto it = l->MemberBegin(); it != l->MemberEnd(); ++it) {
            const Value* d = image_labels ? member(*image_labels, it->name.GetString()) : nullptr;
            if (!d || *d != it->value) labels.AddMember(Value(it->name, a), Value(it->value, a), a);
        }
    body.AddMember("Labels", labels, a);
    std::string image_ref = new_image;
    if (image_ref.empty() && member(config, "Image")) image_ref = member(config, "Image")->GetString();
    body.AddMember("Image", Value(image_ref.c_str(), a), a);
    if (const Value* hc = member(c, "HostConfig")) body.AddMember("HostConfig", Value(*hc, a), a);

    // One network goes with the create request (API 1.41 takes one); the others are connected after.
    CloneRequest out;
    std::string first;
    if (const Value* nm = member(*member(c, "HostConfig"), "NetworkMode"); nm && nm->IsString())
        first = nm->GetString();
    const Value* nets = member(c, "NetworkSettings") ? member(*member(c, "NetworkSettings"), "Networks") : nullptr;
    Value endpoints(rapidjson::kObjectType);
    if (nets && nets->IsObject()) {
        for (auto it = nets->MemberBegin(); it != nets->MemberEnd(); ++it) {
            std::string name = it->name.GetString();
            Value endpoint(rapidjson::kObjectType);
            Value aliases(rapidjson::kArrayType);
            // The engine adds the short id as an alias by itself.
            if (const Value* al = member(it->value, "Aliases"); al && al->IsArray())
                for (const auto& s : al->GetArray())
                    if (s.IsString() && id.rfind(s.GetString(), 0) != 0) aliases.PushBack(Value(s, a), a);
            endpoint.AddMember("Aliases", aliases, a);
            for (const char* key : {"IPAMConfig", "Links", "DriverOpts"})
                if (const Value* v = member(it->value, key)) endpoint.AddMember(Value(key, a), Value(*v, a), a);
            if (first.empty() || first == "default" || first == "bridge") first = name;
            if (name == first) {
                endpoints.AddMember(Value(name.c_str(), a), endpoint, a);
            } else {
                Document connect(rapidjson::kObjectType);
                connect.AddMember("EndpointConfig", Value(endpoint, connect.GetAllocator()), connect.GetAllocator());
                out.networks.push_back(name);
                out.connect_bodies.push_back(to_json(connect));
            }
        }
    }
    Value networking(rapidjson::kObjectType);
    networking.AddMember("EndpointsConfig", endpoints, a);
    body.AddMember("NetworkingConfig", networking, a);
    out.body = to_json(body);
    return out;
}

} // namespace dind::recreate
