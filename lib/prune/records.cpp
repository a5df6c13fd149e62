#include "prune/records.h"

#include "common/error.h"
#include "common/size.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <iomanip>
#include <sstream>

namespace dind::prune {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

std::string short_id(const std::string& id) {
    std::string s = id.rfind("sha256:", 0) == 0 ? id.substr(7) : id;
    return s.substr(0, 12);
}

namespace {

void string_field(Writer& w, const char* key, const std::string& value) {
    w.Key(key);
    w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

void time_field(Writer& w, const char* key, const std::optional<TimePoint>& t) {
    w.Key(key);
    if (t)
        w.String(format_rfc3339(*t).c_str());
    else
        w.Null();
}

void write_record(Writer& w, const PlanItem& item, bool report) {
    w.StartObject();
    string_field(w, "kind", std::string(docker::kind_name(item.kind)));
    string_field(w, "id", item.id);
    string_field(w, "name", item.name);
    time_field(w, "created", item.created);
    if (item.kind == Kind::build_cache) time_field(w, "last_used", item.last_used);
    w.Key("size");
    if (item.size)
        w.Int64(*item.size);
    else
        w.Null();
    w.Key("labels");
    w.StartObject();
    for (const auto& [k, v] : item.labels) {
        w.Key(k.c_str(), static_cast<rapidjson::SizeType>(k.size()));
        w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
    }
    w.EndObject();
    if (item.kind == Kind::image) {
        w.Key("tags");
        w.StartArray();
        for (const auto& t : item.tags) w.String(t.c_str(), static_cast<rapidjson::SizeType>(t.size()));
        w.EndArray();
    }
    if (report) {
        w.Key("reclaimable");
        w.Bool(item.remove);
        w.Key("in_use");
        w.Bool(item.in_use);
    }
    string_field(w, "result", std::string(result_name(item.result)));
    string_field(w, "reason", item.reason);
    w.EndObject();
}

std::string trim(const std::string& s) {
    auto b = s.find_first_not_of(" \t\r");
    if (b == std::string::npos) return "";
    auto e = s.find_last_not_of(" \t\r");
    return s.substr(b, e - b + 1);
}

} // namespace

std::string record_json(const PlanItem& item, bool report) {
    rapidjson::StringBuffer buf;
    Writer w(buf);
    write_record(w, item, report);
    return buf.GetString();
}

std::vector<Selector> parse_selectors(std::istream& in, const std::string& source) {
    std::vector<Selector> out;
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
        ++n;
        std::string t = trim(line);
        if (t.empty() || t[0] == '#') continue;
        auto bad = [&](const std::string& why) { return usage_error(source + ":" + std::to_string(n) + ": " + why); };
        if (t[0] != '{') {
            if (t.find_first_of(" \t{}\"") != std::string::npos) throw bad("not a record or an id: '" + t + "'");
            out.push_back({std::nullopt, t});
            continue;
        }
        rapidjson::Document doc;
        doc.Parse(t.c_str(), t.size());
        if (doc.HasParseError() || !doc.IsObject()) throw bad("malformed JSON record");
        auto id = doc.FindMember("id");
        if (id == doc.MemberEnd() || !id->value.IsString() || id->value.GetStringLength() == 0)
            throw bad("record has no id");
        Selector s;
        s.ref = id->value.GetString();
        auto kind = doc.FindMember("kind");
        if (kind != doc.MemberEnd()) {
            if (!kind->value.IsString()) throw bad("record's kind is not a string");
            s.kind = docker::parse_kind(kind->value.GetString());
            if (!s.kind) throw bad(std::string("unknown kind '") + kind->value.GetString() + "'");
        }
        auto reclaimable = doc.FindMember("reclaimable");
        if (reclaimable != doc.MemberEnd()) {
            if (!reclaimable->value.IsBool()) throw bad("record's reclaimable is not true or false");
            if (!reclaimable->value.GetBool()) continue;
        }
        out.push_back(std::move(s));
    }
    if (in.bad()) throw Error("cannot read " + source);
    return out;
}

Format parse_format(const std::string& text) {
    if (text == "table") return Format::table;
    if (text == "json") return Format::json;
    if (text == "ndjson") return Format::ndjson;
    if (text == "ids") return Format::ids;
    throw usage_error("invalid --format '" + text + "': want table, json, ndjson or ids");
}

std::vector<const PlanItem*> removals(const Plan& plan) {
    std::vector<const PlanItem*> out;
    for (const auto& item : plan.items)
        if (item.remove) out.push_back(&item);
    return out;
}

Totals totals(const std::vector<const PlanItem*>& items) {
    Totals t;
    for (const PlanItem* i : items) {
        ++t.planned;
        if (i->result == Result::removed) ++t.removed;
        if (i->result == Result::skipped) ++t.skipped;
        if (i->result == Result::failed) ++t.failed;
        if ((i->result == Result::removed || i->result == Result::would_remove) && i->size) t.bytes += *i->size;
    }
    return t;
}

std::string render_table(const std::vector<const PlanItem*>& items, const EngineClock& clock, bool dry_run) {
    std::ostringstream out;
    if (!items.empty()) {
        std::size_t name_w = 4;
        std::vector<std::string> names;
        for (const PlanItem* i : items) {
            std::string n = i->name.empty() || i->name == "<none>" ? short_id(i->id) : i->name;
            if (i->kind == Kind::volume && i->name.size() == 64) n = short_id(i->name);
            if (n.size() > 48) n = n.substr(0, 45) + "...";
            name_w = std::max(name_w, n.size());
            names.push_back(n);
        }
        out << std::left << std::setw(12) << "KIND" << std::setw(static_cast<int>(name_w) + 2) << "NAME" << std::setw(8)
            << "AGE" << std::setw(10) << "SIZE"
            << "RESULT\n";
        for (std::size_t k = 0; k < items.size(); ++k) {
            const PlanItem& i = *items[k];
            auto t = age_time(i);
            std::string result(result_name(i.result));
            if (i.result == Result::skipped || i.result == Result::failed) result += ": " + i.reason;
            out << std::setw(12) << docker::kind_name(i.kind) << std::setw(static_cast<int>(name_w) + 2) << names[k]
                << std::setw(8) << (t ? format_age(clock.now - *t) : "-") << std::setw(10)
                << (i.size ? human_size(*i.size) : "-") << result << "\n";
        }
    }
    Totals t = totals(items);
    if (dry_run)
        out << "Total reclaimable space: " << human_size(t.bytes) << " (dry run: nothing was removed)\n";
    else
        out << "Total reclaimed space: " << human_size(t.bytes) << "\n";
    return out.str();
}

std::string render_ndjson(const std::vector<const PlanItem*>& items, bool report) {
    std::string out;
    for (const PlanItem* i : items) out += record_json(*i, report) + "\n";
    return out;
}

std::string render_ids(const std::vector<const PlanItem*>& items) {
    std::string out;
    for (const PlanItem* i : items) out += i->id + "\n";
    return out;
}

std::string render_json(const std::vector<const PlanItem*>& items, const Plan& plan, const Policy& policy,
                        bool dry_run) {
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    w.Key("dry_run");
    w.Bool(dry_run);
    string_field(w, "engine_time", format_rfc3339(plan.clock.now));
    time_field(w, "until", policy.until);
    w.Key("records");
    w.StartArray();
    for (const PlanItem* i : items) write_record(w, *i, false);
    w.EndArray();
    Totals t = totals(items);
    w.Key("totals");
    w.StartObject();
    w.Key("planned");
    w.Uint64(t.planned);
    w.Key("removed");
    w.Uint64(t.removed);
    w.Key("skipped");
    w.Uint64(t.skipped);
    w.Key("failed");
    w.Uint64(t.failed);
    w.Key(dry_run ? "reclaimable_bytes" : "reclaimed_bytes");
    w.Int64(t.bytes);
    w.EndObject();
    w.EndObject();
    return std::string(buf.GetString()) + "\n";
}

} // namespace dind::prune
