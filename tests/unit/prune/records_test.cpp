// The shared record format, --from parsing and the table/json renderings.
#include "common/error.h"
#include "prune/records.h"

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include <sstream>

using namespace dind;
using namespace dind::prune;

namespace {

PlanItem item(Kind kind, std::string id, std::string name, std::optional<std::int64_t> size) {
    PlanItem i;
    i.kind = kind;
    i.id = std::move(id);
    i.name = std::move(name);
    i.size = size;
    i.created = from_unix_seconds(1'764'000'000);
    i.remove = true;
    i.result = Result::would_remove;
    i.reason = "exited";
    return i;
}

std::vector<Selector> selectors(const std::string& text) {
    std::istringstream in(text);
    return parse_selectors(in, "list");
}

std::string selector_error(const std::string& text) {
    try {
        selectors(text);
    } catch (const Error& e) {
        CHECK(e.exit_code() == exit_usage);
        return e.what();
    }
    return "";
}

} // namespace

TEST_CASE("a record carries every field of the shared format", "[records]") {
    PlanItem i = item(Kind::image, "sha256:abc", "app:1", 1234);
    i.tags = {"app:1"};
    i.labels = {{"k", "v"}};
    rapidjson::Document d;
    std::string json = record_json(i);
    d.Parse(json.c_str());
    REQUIRE(d.IsObject());
    CHECK(std::string(d["kind"].GetString()) == "image");
    CHECK(std::string(d["id"].GetString()) == "sha256:abc");
    CHECK(std::string(d["name"].GetString()) == "app:1");
    CHECK(std::string(d["created"].GetString()) == "2025-11-24T16:00:00Z");
    CHECK(d["size"].GetInt64() == 1234);
    CHECK(std::string(d["labels"]["k"].GetString()) == "v");
    CHECK(std::string(d["tags"][0].GetString()) == "app:1");
    CHECK(std::string(d["result"].GetString()) == "would-remove");
    CHECK(std::string(d["reason"].GetString()) == "exited");
    CHECK_FALSE(d.HasMember("reclaimable"));

    i.size.reset();
    i.created.reset();
    d.Parse(record_json(i, true).c_str());
    CHECK(d["size"].IsNull());
    CHECK(d["created"].IsNull());
    CHECK(d["reclaimable"].GetBool());
}

TEST_CASE("--from reads records, bare ids and names; skips unreclaimable records", "[records]") {
    auto s = selectors("# a comment\n"
                       "\n"
                       "{\"kind\":\"container\",\"id\":\"abc123\",\"reclaimable\":true}\n"
                       "{\"kind\":\"image\",\"id\":\"sha256:def\",\"reclaimable\":false}\n"
                       "  volname  \n"
                       "{\"kind\":\"build-cache\",\"id\":\"q7nrx\",\"result\":\"would-remove\"}\n");
    REQUIRE(s.size() == 3);
    CHECK(s[0].kind == Kind::container);
    CHECK(s[0].ref == "abc123");
    CHECK_FALSE(s[1].kind);
    CHECK(s[1].ref == "volname");
    CHECK(s[2].kind == Kind::build_cache);
}

TEST_CASE("--from names the first bad line", "[records]") {
    CHECK(selector_error("ok\n{not json\n") == "list:2: malformed JSON record");
    CHECK(selector_error("{\"kind\":\"container\"}\n") == "list:1: record has no id");
    CHECK(selector_error("{\"kind\":\"pod\",\"id\":\"x\"}\n") == "list:1: unknown kind 'pod'");
    CHECK(selector_error("two words\n") == "list:1: not a record or an id: 'two words'");
    CHECK(selector_error("{\"id\":\"x\",\"reclaimable\":\"no\"}\n") ==
          "list:1: record's reclaimable is not true or false");
}

TEST_CASE("formats are table, json, ndjson and ids", "[records]") {
    CHECK(parse_format("ndjson") == Format::ndjson);
    CHECK_THROWS_AS(parse_format("yaml"), Error);
}

TEST_CASE("the table ends with the total reclaimed space", "[records]") {
    EngineClock clock{from_unix_seconds(1'764'000'000 + 3 * 86400), std::chrono::seconds{0}};
    PlanItem a = item(Kind::container, "c1", "job-1", 1'500'000);
    PlanItem b = item(Kind::volume, std::string(64, 'f'), std::string(64, 'f'), std::nullopt);
    PlanItem c = item(Kind::image, "sha256:0123456789abcdef", "<none>", 2'000'000'000);
    a.result = Result::removed;
    b.result = Result::skipped;
    b.reason = "conflict: volume is in use";
    c.result = Result::removed;
    std::vector<const PlanItem*> items{&a, &b, &c};
    std::string t = render_table(items, clock, false);
    CHECK(t.find("KIND") == 0);
    CHECK(t.find("job-1") != std::string::npos);
    CHECK(t.find("3d") != std::string::npos);
    CHECK(t.find("ffffffffffff ") != std::string::npos); // anonymous volumes shown by short name
    CHECK(t.find("0123456789ab ") != std::string::npos); // untagged images by short id
    CHECK(t.find("skipped: conflict: volume is in use") != std::string::npos);
    CHECK(t.substr(t.rfind("Total")) == "Total reclaimed space: 2GB\n");
    CHECK(render_table({}, clock, true) == "Total reclaimable space: 0B (dry run: nothing was removed)\n");
    CHECK(render_ids(items) == "c1\n" + std::string(64, 'f') + "\nsha256:0123456789abcdef\n");

    Totals tot = totals(items);
    CHECK(tot.planned == 3);
    CHECK(tot.removed == 2);
    CHECK(tot.skipped == 1);
    CHECK(tot.bytes == 2'001'500'000);
}
