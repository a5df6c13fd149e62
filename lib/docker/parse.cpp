#include "docker/parse.h"

#include "common/error.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <cctype>
#include <cstdlib>

namespace dind::docker {
namespace {

using Value = rapidjson::Value;

rapidjson::Document parse_document(std::string_view json, const char* what) {
    rapidjson::Document doc;
    doc.Parse(json.data(), json.size());
    if (doc.HasParseError())
        throw Error(std::string("malformed ") + what +
                    " answer from the engine: " + rapidjson::GetParseError_En(doc.GetParseError()));
    return doc;
}

const Value* member(const Value& v, const char* name) {
    if (!v.IsObject()) return nullptr;
    auto it = v.FindMember(name);
    if (it == v.MemberEnd() || it->value.IsNull()) return nullptr;
    return &it->value;
}

std::string str(const Value& v, const char* name) {
    const Value* m = member(v, name);
    return m && m->IsString() ? std::string(m->GetString(), m->GetStringLength()) : std::string();
}

std::optional<std::int64_t> int64(const Value& v, const char* name) {
    const Value* m = member(v, name);
    if (!m) return std::nullopt;
    if (m->IsInt64()) return m->GetInt64();
    if (m->IsUint64()) return static_cast<std::int64_t>(m->GetUint64());
    if (m->IsDouble()) return static_cast<std::int64_t>(m->GetDouble());
    return std::nullopt;
}

bool boolean(const Value& v, const char* name) {
    const Value* m = member(v, name);
    return m && m->IsBool() && m->GetBool();
}

Labels labels(const Value& v, const char* name = "Labels") {
    Labels out;
    const Value* m = member(v, name);
    if (!m || !m->IsObject()) return out;
    for (auto it = m->MemberBegin(); it != m->MemberEnd(); ++it)
        if (it->value.IsString()) out[it->name.GetString()] = it->value.GetString();
    return out;
}

std::vector<std::string> strings(const Value& v, const char* name) {
    std::vector<std::string> out;
    const Value* m = member(v, name);
    if (!m || !m->IsArray()) return out;
    for (const auto& s : m->GetArray())
        if (s.IsString()) out.emplace_back(s.GetString(), s.GetStringLength());
    return out;
}

std::optional<TimePoint> unix_time(const Value& v, const char* name) {
    auto secs = int64(v, name);
    if (!secs || *secs <= 0) return std::nullopt;
    return from_unix_seconds(*secs);
}

std::optional<TimePoint> rfc_time(const Value& v, const char* name) { return parse_rfc3339(str(v, name)); }

const Value& array_root(const rapidjson::Document& doc, const char* what) {
    if (!doc.IsArray()) throw Error(std::string("malformed ") + what + " answer from the engine: not a list");
    return doc;
}

Container container_from(const Value& v) {
    Container c;
    c.id = str(v, "Id");
    auto names = strings(v, "Names");
    if (!names.empty())
        c.name = names.front().size() > 1 && names.front()[0] == '/' ? names.front().substr(1) : names.front();
    c.image = str(v, "Image");
    c.image_id = str(v, "ImageID");
    c.state = str(v, "State");
    c.status = str(v, "Status");
    c.created = unix_time(v, "Created");
    c.labels = labels(v);
    if (const Value* mounts = member(v, "Mounts"); mounts && mounts->IsArray())
        for (const auto& m : mounts->GetArray())
            if (str(m, "Type") == "volume" && !str(m, "Name").empty()) c.volume_names.push_back(str(m, "Name"));
    if (const Value* ns = member(v, "NetworkSettings"))
        if (const Value* nets = member(*ns, "Networks"); nets && nets->IsObject())
            for (auto it = nets->MemberBegin(); it != nets->MemberEnd(); ++it)
                c.networks.push_back({it->name.GetString(), str(it->value, "NetworkID")});
    if (auto rw = int64(v, "SizeRw")) c.size_rw = *rw;
    return c;
}

Image image_from(const Value& v) {
    Image i;
    i.id = str(v, "Id");
    i.parent_id = str(v, "ParentId");
    for (auto& t : strings(v, "RepoTags"))
        if (t != "<none>:<none>") i.repo_tags.push_back(t);
    for (auto& d : strings(v, "RepoDigests"))
        if (d != "<none>@<none>") i.repo_digests.push_back(d);
    i.created = unix_time(v, "Created");
    i.size = int64(v, "Size").value_or(0);
    i.shared_size = int64(v, "SharedSize").value_or(-1);
    i.labels = labels(v);
    return i;
}

Volume volume_from(const Value& v) {
    Volume vol;
    vol.name = str(v, "Name");
    vol.driver = str(v, "Driver");
    vol.mountpoint = str(v, "Mountpoint");
    vol.created = rfc_time(v, "CreatedAt");
    vol.labels = labels(v);
    if (const Value* usage = member(v, "UsageData")) {
        auto size = int64(*usage, "Size");
        if (size && *size >= 0) vol.size = size;
        vol.ref_count = int64(*usage, "RefCount");
    }
    return vol;
}

BuildCacheRecord build_cache_from(const Value& v) {
    BuildCacheRecord r;
    r.id = str(v, "ID");
    r.parents = strings(v, "Parents");
    if (r.parents.empty() && !str(v, "Parent").empty()) r.parents.push_back(str(v, "Parent"));
    r.type = str(v, "Type");
    r.description = str(v, "Description");
    r.in_use = boolean(v, "InUse");
    r.shared = boolean(v, "Shared");
    r.size = int64(v, "Size").value_or(0);
    r.created = rfc_time(v, "CreatedAt");
    r.last_used = rfc_time(v, "LastUsedAt");
    r.usage_count = int64(v, "UsageCount").value_or(0);
    return r;
}

template <class T, class F>
std::vector<T> list_of(const Value* arr, F from) {
    std::vector<T> out;
    if (!arr || !arr->IsArray()) return out;
    out.reserve(arr->Size());
    for (const auto& v : arr->GetArray()) out.push_back(from(v));
    return out;
}

} // namespace

bool Volume::anonymous() const {
    if (labels.count("com.docker.volume.anonymous")) return true;
    if (name.size() != 64) return false;
    for (char c : name)
        if (!std::isxdigit(static_cast<unsigned char>(c)) || std::isupper(static_cast<unsigned char>(c))) return false;
    return true;
}

VersionInfo parse_version(std::string_view json) {
    auto doc = parse_document(json, "version");
    return {str(doc, "Version"), str(doc, "ApiVersion"), str(doc, "MinAPIVersion"), str(doc, "Os"), str(doc, "Arch")};
}

EngineInfo parse_info(std::string_view json) {
    auto doc = parse_document(json, "info");
    EngineInfo i;
    i.driver = str(doc, "Driver");
    i.root_dir = str(doc, "DockerRootDir");
    i.server_version = str(doc, "ServerVersion");
    i.system_time = str(doc, "SystemTime");
    i.name = str(doc, "Name");
    i.containers = int64(doc, "Containers").value_or(0);
    i.images = int64(doc, "Images").value_or(0);
    return i;
}

std::vector<Container> parse_containers(std::string_view json) {
    auto doc = parse_document(json, "container list");
    return list_of<Container>(&array_root(doc, "container list"), container_from);
}

std::vector<Image> parse_images(std::string_view json) {
    auto doc = parse_document(json, "image list");
    return list_of<Image>(&array_root(doc, "image list"), image_from);
}

std::vector<Network> parse_networks(std::string_view json) {
    auto doc = parse_document(json, "network list");
    return list_of<Network>(&array_root(doc, "network list"), [](const Value& v) {
        Network n;
        n.id = str(v, "Id");
        n.name = str(v, "Name");
        n.driver = str(v, "Driver");
        n.scope = str(v, "Scope");
        n.created = rfc_time(v, "Created");
        n.labels = labels(v);
        return n;
    });
}

std::vector<Volume> parse_volumes(std::string_view json) {
    auto doc = parse_document(json, "volume list");
    return list_of<Volume>(member(doc, "Volumes"), volume_from);
}

DiskUsage parse_disk_usage(std::string_view json) {
    auto doc = parse_document(json, "disk usage");
    DiskUsage du;
    du.layers_size = int64(doc, "LayersSize").value_or(0);
    du.images = list_of<Image>(member(doc, "Images"), image_from);
    du.containers = list_of<Container>(member(doc, "Containers"), container_from);
    du.volumes = list_of<Volume>(member(doc, "Volumes"), volume_from);
    du.build_cache = list_of<BuildCacheRecord>(member(doc, "BuildCache"), build_cache_from);
    return du;
}

std::string parse_error_message(std::string_view body) {
    rapidjson::Document doc;
    doc.Parse(body.data(), body.size());
    if (!doc.HasParseError() && doc.IsObject()) {
        std::string m = str(doc, "message");
        if (!m.empty()) return m;
    }
    std::string out(body);
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return out;
}

std::vector<std::string> parse_deleted_images(std::string_view json) {
    std::vector<std::string> out;
    rapidjson::Document doc;
    doc.Parse(json.data(), json.size());
    if (doc.HasParseError() || !doc.IsArray()) return out;
    for (const auto& v : doc.GetArray())
        if (!str(v, "Deleted").empty()) out.push_back(str(v, "Deleted"));
    return out;
}

std::vector<std::string> parse_build_prune(std::string_view json) {
    rapidjson::Document doc;
    doc.Parse(json.data(), json.size());
    if (doc.HasParseError() || !doc.IsObject()) return {};
    return strings(doc, "CachesDeleted");
}

ContainerState parse_container_state(std::string_view json) {
    auto doc = parse_document(json, "container inspect");
    ContainerState s;
    s.id = str(doc, "Id");
    if (const Value* state = member(doc, "State")) {
        s.status = str(*state, "Status");
        s.running = boolean(*state, "Running");
        s.exit_code = int64(*state, "ExitCode").value_or(0);
    }
    return s;
}

std::string parse_created_id(std::string_view json) {
    auto doc = parse_document(json, "create");
    std::string id = str(doc, "Id");
    if (id.empty()) throw Error("the engine's create answer has no Id");
    return id;
}

std::string parse_stream_status(std::string_view line) {
    rapidjson::Document doc;
    doc.Parse(line.data(), line.size());
    if (doc.HasParseError() || !doc.IsObject()) return "";
    std::string status = str(doc, "status");
    std::string id = str(doc, "id");
    std::string progress = str(doc, "progress");
    if (!id.empty()) status = id + ": " + status;
    if (!progress.empty()) status += " " + progress;
    return status;
}

std::string parse_stream_error(std::string_view line) {
    rapidjson::Document doc;
    doc.Parse(line.data(), line.size());
    if (doc.HasParseError() || !doc.IsObject()) return "";
    return str(doc, "error");
}

bool api_version_less(const std::string& a, const std::string& b) {
    auto split = [](const std::string& v, long& major, long& minor) {
        char* end = nullptr;
        major = std::strtol(v.c_str(), &end, 10);
        if (!end || *end != '.') return false;
        minor = std::strtol(end + 1, &end, 10);
        return end && *end == '\0';
    };
    long a1 = 0, a2 = 0, b1 = 0, b2 = 0;
    if (!split(a, a1, a2) || !split(b, b1, b2)) return false;
    return a1 < b1 || (a1 == b1 && a2 < b2);
}

} // namespace dind::docker
