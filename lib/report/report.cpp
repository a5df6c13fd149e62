#include "report/report.h"

#include "common/size.h"
#include "prune/records.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cstdio>
#include <iomanip>
#include <map>
#include <sstream>

namespace dind::report {

using docker::Kind;

std::size_t band_of(Nanos age) {
    using namespace std::chrono;
    if (age < hours{24}) return 0;
    if (age < hours{24 * 7}) return 1;
    if (age < hours{24 * 30}) return 2;
    return 3;
}

namespace {

std::vector<const PlanItem*> largest(const prune::Plan& plan, Kind kind, std::size_t top) {
    std::vector<const PlanItem*> out;
    for (const auto& i : plan.items)
        if (i.kind == kind) out.push_back(&i);
    std::stable_sort(out.begin(), out.end(),
                     [](const PlanItem* a, const PlanItem* b) { return a->size.value_or(-1) > b->size.value_or(-1); });
    if (out.size() > top) out.resize(top);
    return out;
}

std::string plural(Kind k) { return k == Kind::build_cache ? "build-cache" : std::string(docker::kind_name(k)) + "s"; }

std::string policy_text(const prune::Policy& p) {
    std::string out;
    if (p.until_text) out += " until=" + *p.until_text;
    for (const auto& l : p.labels) out += " " + l.text();
    if (p.all) out += " -a";
    out += " kinds=";
    bool first = true;
    for (Kind k : docker::all_kinds)
        if (p.kinds.count(k)) {
            out += (first ? "" : ",") + plural(k);
            first = false;
        }
    return out;
}

} // namespace

Report summarize(const prune::Inventory& inv, const prune::Plan& plan, std::size_t top) {
    Report r;
    r.clock = plan.clock;
    r.info = inv.info;
    std::map<std::string, std::int64_t> unique_image_bytes;
    for (const auto& im : inv.images) unique_image_bytes[im.id] = im.size - std::max<std::int64_t>(0, im.shared_size);
    std::map<std::string, bool> shared_cache;
    for (const auto& bc : inv.build_cache) shared_cache[bc.id] = bc.shared;

    for (Kind k : docker::all_kinds) {
        KindSummary s;
        s.kind = k;
        for (const auto& i : plan.items) {
            if (i.kind != k) continue;
            ++s.objects;
            // Shared build cache is part of image layers, counted there (as docker system df does).
            std::int64_t bytes = i.size.value_or(0);
            if (k == Kind::build_cache && shared_cache[i.id]) bytes = 0;
            if (k != Kind::image) s.bytes += bytes;
            if (i.remove) {
                ++s.reclaimable_objects;
                s.reclaimable_bytes += k == Kind::image ? unique_image_bytes[i.id] : bytes;
            }
            if (auto t = prune::age_time(i)) {
                Nanos age = plan.clock.now - *t;
                if (age < Nanos{0}) age = Nanos{0};
                if (!s.oldest_age || age > *s.oldest_age) s.oldest_age = age;
                ++s.bands[band_of(age)];
            }
        }
        if (k == Kind::image) {
            if (inv.sizes) {
                s.bytes = inv.layers_size;
            } else {
                for (const auto& im : inv.images) s.bytes += im.size;
            }
        }
        r.used_bytes += s.bytes;
        r.kinds.push_back(s);
    }
    r.top_images = largest(plan, Kind::image, top);
    r.top_volumes = largest(plan, Kind::volume, top);
    return r;
}

std::string render_table(const Report& r, const prune::Policy& policy) {
    std::ostringstream out;
    out << "Engine " << r.info.server_version << ", storage driver " << r.info.driver << ", root " << r.info.root_dir
        << ": " << human_size(r.used_bytes) << " used\n\n";
    out << std::left << std::setw(13) << "KIND" << std::setw(9) << "OBJECTS" << std::setw(10) << "SIZE" << std::setw(13)
        << "RECLAIMABLE" << std::setw(11) << "RECL.SIZE" << std::setw(8) << "OLDEST" << std::setw(6) << "<1d"
        << std::setw(6) << "1-7d" << std::setw(7) << "7-30d"
        << ">30d\n";
    for (const auto& s : r.kinds) {
        out << std::setw(13) << plural(s.kind) << std::setw(9) << s.objects << std::setw(10) << human_size(s.bytes)
            << std::setw(13) << s.reclaimable_objects << std::setw(11) << human_size(s.reclaimable_bytes)
            << std::setw(8) << (s.oldest_age ? format_age(*s.oldest_age) : "-") << std::setw(6) << s.bands[0]
            << std::setw(6) << s.bands[1] << std::setw(7) << s.bands[2] << s.bands[3] << "\n";
    }
    out << "\nReclaimable under policy:" << policy_text(policy) << "\n";
    auto top = [&](const char* title, const std::vector<const PlanItem*>& items) {
        if (items.empty()) return;
        out << "\n" << title << "\n";
        std::size_t w = 4;
        for (const PlanItem* i : items) w = std::max(w, std::min<std::size_t>(48, i->name.size()));
        out << std::setw(static_cast<int>(w) + 2) << "NAME" << std::setw(10) << "SIZE" << std::setw(8) << "AGE"
            << std::setw(8) << "IN USE"
            << "RECLAIMABLE\n";
        for (const PlanItem* i : items) {
            std::string name = i->name == "<none>" ? prune::short_id(i->id) : i->name;
            if (name.size() > 48) name = name.substr(0, 45) + "...";
            auto t = prune::age_time(*i);
            out << std::setw(static_cast<int>(w) + 2) << name << std::setw(10) << (i->size ? human_size(*i->size) : "-")
                << std::setw(8) << (t ? format_age(r.clock.now - *t) : "-") << std::setw(8)
                << (i->in_use ? "yes" : "no") << (i->remove ? "yes" : "no: " + i->reason) << "\n";
        }
    };
    top("LARGEST IMAGES", r.top_images);
    top("LARGEST VOLUMES", r.top_volumes);
    return out.str();
}

std::string render_json(const Report& r, const prune::Policy& policy, double duration_seconds) {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    auto str = [&](const char* k, const std::string& v) {
        w.Key(k);
        w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
    };
    w.StartObject();
    w.Key("engine");
    w.StartObject();
    str("version", r.info.server_version);
    str("driver", r.info.driver);
    str("root_dir", r.info.root_dir);
    str("time", format_rfc3339(r.clock.now));
    w.Key("used_bytes");
    w.Int64(r.used_bytes);
    w.EndObject();
    w.Key("policy");
    w.StartObject();
    w.Key("until");
    if (policy.until)
        w.String(format_rfc3339(*policy.until).c_str());
    else
        w.Null();
    w.Key("all");
    w.Bool(policy.all);
    w.Key("kinds");
    w.StartArray();
    for (Kind k : docker::all_kinds)
        if (policy.kinds.count(k)) w.String(std::string(docker::kind_name(k)).c_str());
    w.EndArray();
    w.EndObject();
    w.Key("kinds");
    w.StartObject();
    for (const auto& s : r.kinds) {
        w.Key(std::string(docker::kind_name(s.kind)).c_str());
        w.StartObject();
        w.Key("objects");
        w.Uint64(s.objects);
        w.Key("bytes");
        w.Int64(s.bytes);
        w.Key("reclaimable_objects");
        w.Uint64(s.reclaimable_objects);
        w.Key("reclaimable_bytes");
        w.Int64(s.reclaimable_bytes);
        w.Key("oldest_age_seconds");
        if (s.oldest_age)
            w.Int64(std::chrono::duration_cast<std::chrono::seconds>(*s.oldest_age).count());
        else
            w.Null();
        w.Key("age_bands");
        w.StartObject();
        for (std::size_t b = 0; b < band_names.size(); ++b) {
            w.Key(band_names[b]);
            w.Uint64(s.bands[b]);
        }
        w.EndObject();
        w.EndObject();
    }
    w.EndObject();
    std::string json = buf.GetString();
    // The top lists reuse the shared record format.
    auto list = [](const std::vector<const PlanItem*>& items) {
        std::string out = "[";
        for (std::size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + prune::record_json(*items[i], true);
        return out + "]";
    };
    char duration[64];
    std::snprintf(duration, sizeof duration, "%.3f", duration_seconds);
    json += ",\"top_images\":" + list(r.top_images) + ",\"top_volumes\":" + list(r.top_volumes) +
            ",\"duration_seconds\":" + duration + "}\n";
    return json;
}

std::string render_prometheus(const Report* r, TimePoint generated, double duration_seconds) {
    std::ostringstream out;
    auto head = [&](const char* name, const char* help) {
        out << "# HELP " << name << " " << help << "\n# TYPE " << name << " gauge\n";
    };
    auto per_kind = [&](const char* name, const char* help, auto value) {
        head(name, help);
        for (const auto& s : r->kinds)
            out << name << "{kind=\"" << docker::kind_name(s.kind) << "\"} " << value(s) << "\n";
    };
    head("dind_engine_up", "Whether the Docker engine answered (1) or not (0).");
    out << "dind_engine_up " << (r ? 1 : 0) << "\n";
    if (r) {
        per_kind("dind_objects", "Objects on the engine, per kind.", [](const KindSummary& s) { return s.objects; });
        per_kind("dind_bytes", "Bytes the objects of a kind use on the engine.",
                 [](const KindSummary& s) { return s.bytes; });
        per_kind("dind_reclaimable_objects", "Objects a prune under the report's policy would remove.",
                 [](const KindSummary& s) { return s.reclaimable_objects; });
        per_kind("dind_reclaimable_bytes", "Bytes a prune under the report's policy would free.",
                 [](const KindSummary& s) { return s.reclaimable_bytes; });
        per_kind("dind_oldest_object_age_seconds", "Age of the oldest object of a kind (build cache: since last use).",
                 [](const KindSummary& s) {
                     return s.oldest_age ? std::chrono::duration_cast<std::chrono::seconds>(*s.oldest_age).count() : 0;
                 });
        head("dind_objects_by_age", "Objects per kind and age band.");
        for (const auto& s : r->kinds)
            for (std::size_t b = 0; b < band_names.size(); ++b)
                out << "dind_objects_by_age{kind=\"" << docker::kind_name(s.kind) << "\",band=\"" << band_names[b]
                    << "\"} " << s.bands[b] << "\n";
        head("dind_engine_used_bytes", "Bytes the engine uses: image layers, container layers, volumes, build cache.");
        out << "dind_engine_used_bytes " << r->used_bytes << "\n";
    }
    head("dind_report_timestamp_seconds", "When the report was made, in unix seconds.");
    out << "dind_report_timestamp_seconds " << std::fixed << std::setprecision(3)
        << to_seconds(generated.time_since_epoch()) << "\n";
    head("dind_report_duration_seconds", "How long the report took.");
    out << "dind_report_duration_seconds " << std::fixed << std::setprecision(3) << duration_seconds << "\n";
    return out.str();
}

} // namespace dind::report
