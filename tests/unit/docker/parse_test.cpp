#include "docker/parse.h"

#include "../fixtures.h"
#include "common/error.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

using dind::test::fixture;
namespace docker = dind::docker;

namespace {

std::string when(const std::optional<dind::TimePoint>& t) { return t ? dind::format_rfc3339(*t) : "(none)"; }
std::int64_t ns(const std::optional<dind::TimePoint>& t) { return t ? t->time_since_epoch().count() : -1; }

const std::string busybox_id = "sha256:d0ae12b555542cee46c3c68b0cbe822ee52a615f8c725fe92810ec0ff7fccb47";
const std::string anon_volume = "87f427de83423400143a70194a2f598079bef1fb19b53c511b0ac24eeca534e9";

// The dind::Error a parse throws, or a failure when it throws none.
template <class F>
std::string error_of(F parse) {
    try {
        parse();
    } catch (const dind::Error& e) {
        CHECK(e.exit_code() == dind::exit_failed);
        return e.what();
    }
    FAIL_CHECK("no error");
    return "";
}

} // namespace

TEST_CASE("parse_version reads the engine and API versions", "[parse]") {
    auto v = docker::parse_version(fixture("api-1.41-version.json"));
    CHECK(v.version == "20.10.24+dfsg1");
    CHECK(v.api_version == "1.41");
    CHECK(v.min_api_version == "1.12");
    CHECK(v.os == "linux");
    CHECK(v.arch == "amd64");
}

TEST_CASE("parse_info reads the engine's clock and storage", "[parse]") {
    auto i = docker::parse_info(fixture("api-1.41-info.json"));
    CHECK(i.driver == "overlay2");
    CHECK(i.root_dir == "/tmp/dind-tools-engine/data");
    CHECK(i.server_version == "20.10.24+dfsg1");
    CHECK(i.system_time == "2026-11-29T23:59:05.808067598Z");
    CHECK(i.name == "vm");
    CHECK(i.containers == 3);
    CHECK(i.images == 3);
    // The tools' "now".
    CHECK(ns(dind::parse_rfc3339(i.system_time)) == 1795996745LL * 1000000000 + 808067598);
}

TEST_CASE("parse_containers reads every container of the list", "[parse][containers]") {
    auto cs = docker::parse_containers(fixture("api-1.41-containers.json"));
    REQUIRE(cs.size() == 4);

    SECTION("ids, names without the slash, states") {
        CHECK(cs[0].id == "f4dc0347311fca305c0d53d82fa58888db16805d4b6b1f827e2fd0dd90f75b8d");
        CHECK(cs[0].name == "run1");
        CHECK(cs[0].state == "created");
        CHECK(cs[0].status == "Created");
        CHECK(cs[1].id == "92c38e30e7e55edc9374f6602d9ee3189610812393ab2a54c99d6db36cd1714f");
        CHECK(cs[1].name == "ex1");
        CHECK(cs[1].state == "exited");
        CHECK(cs[1].status == "Exited (0) 24 seconds ago");
        CHECK(cs[2].id == "3ed5928a83d1e2fc914db3205d92dd218f57b914c6d469357ea6f21e6441e206");
        CHECK(cs[2].name == "cr1");
        CHECK(cs[2].state == "created");
        CHECK(cs[3].id == "926f90239150046a9bad38dd884fe17e727ce5727fd6787f2363a9c1e84d5ca9");
        CHECK(cs[3].name == "c1");
        CHECK(cs[3].state == "exited");
        CHECK(cs[3].status == "Exited (137) 50 seconds ago");
    }
    SECTION("image, created time, labels") {
        for (const auto& c : cs) {
            CHECK(c.image == "dindtest/busybox");
            CHECK(c.image_id == busybox_id);
            CHECK_FALSE(c.size_rw); // only /system/df or size=1 lists carry sizes
        }
        CHECK(when(cs[0].created) == "2026-11-29T23:59:13Z");
        CHECK(ns(cs[1].created) == 1795996745LL * 1000000000);
        CHECK(when(cs[3].created) == "2026-11-29T23:58:26Z");
        CHECK(cs[0].labels.empty());
        CHECK(cs[2].labels == docker::Labels{{"com.gitlab.gitlab-runner.type", "build"}});
    }
    SECTION("networks: a container that never started has no NetworkID yet") {
        REQUIRE(cs[0].networks.size() == 1);
        CHECK(cs[0].networks[0].name == "tn1");
        CHECK(cs[0].networks[0].network_id.empty());
        REQUIRE(cs[2].networks.size() == 1);
        CHECK(cs[2].networks[0].name == "bridge");
        CHECK(cs[2].networks[0].network_id.empty());
        REQUIRE(cs[1].networks.size() == 1);
        CHECK(cs[1].networks[0].name == "bridge");
        CHECK(cs[1].networks[0].network_id == "9bd1cb103dcd41189175d38aef5a0b9c8d7e556b1a9f1d846a6f96d092e1225b");
        REQUIRE(cs[3].networks.size() == 1);
        CHECK(cs[3].networks[0].name == "tn1");
        CHECK(cs[3].networks[0].network_id == "bd1e748d8b252c828e2dde073618edad18af2dec195d939e18303d515d60a539");
    }
    SECTION("volume mounts give volume names, in order") {
        CHECK(cs[0].volume_names.empty());
        CHECK(cs[2].volume_names == std::vector<std::string>{anon_volume, "vnamed"});
    }
}

TEST_CASE("parse_containers keeps only volume mounts and tolerates missing fields", "[parse][containers]") {
    auto cs = docker::parse_containers(R"([{
        "Id": "abc", "Names": ["/x"], "Created": 0, "Labels": null, "NetworkSettings": null,
        "Mounts": [
            {"Type": "bind", "Source": "/srv", "Destination": "/srv"},
            {"Type": "tmpfs", "Destination": "/tmp"},
            {"Type": "volume", "Name": "cache", "Destination": "/cache"}
        ],
        "SizeRw": 12345
    }, {"Id": "def"}])");
    REQUIRE(cs.size() == 2);
    CHECK(cs[0].name == "x");
    CHECK_FALSE(cs[0].created); // 0 is no time, not 1970
    CHECK(cs[0].labels.empty());
    CHECK(cs[0].networks.empty());
    CHECK(cs[0].volume_names == std::vector<std::string>{"cache"});
    REQUIRE(cs[0].size_rw);
    CHECK(*cs[0].size_rw == 12345);
    CHECK(cs[1].id == "def");
    CHECK(cs[1].name.empty());
    CHECK(cs[1].state.empty());
    CHECK(docker::parse_containers("[]").empty());
}

TEST_CASE("parse_images reads tags, parents, build times and sizes", "[parse][images]") {
    auto is = docker::parse_images(fixture("api-1.41-images.json"));
    REQUIRE(is.size() == 3);

    CHECK(is[0].id == "sha256:240df085b585be3c512674f3cf615e75ec28ea5db77c29ea12cbaace18180804");
    CHECK(is[0].parent_id == busybox_id);
    CHECK(is[0].repo_tags == std::vector<std::string>{"committed:1"});
    CHECK(is[0].repo_digests.empty()); // null in the answer
    CHECK(is[0].size == 1982394);
    CHECK(is[0].shared_size == -1);
    CHECK(ns(is[0].created) == 1795996745LL * 1000000000);
    CHECK(when(is[0].created) == "2026-11-29T23:59:05Z");

    CHECK(is[1].id == "sha256:cddf76cbd2189765adc9351000aa06415577ee47ee1c02ad9a2835caf043dd9a");
    CHECK(is[1].parent_id.empty());
    CHECK(is[1].repo_tags == std::vector<std::string>{"bc:1"});
    CHECK(is[1].labels == docker::Labels{{"x", "y"}});
    CHECK(is[1].size == 1982398);
    CHECK(when(is[1].created) == "2026-11-29T23:58:44Z");

    CHECK(is[2].id == busybox_id);
    CHECK(is[2].repo_tags == std::vector<std::string>{"dindtest/busybox:latest"});
    CHECK(is[2].labels.empty()); // null in the answer
    CHECK(when(is[2].created) == "2026-11-29T23:58:23Z");

    for (const auto& i : is) CHECK_FALSE(i.dangling());
}

TEST_CASE("parse_images: <none> tags and digests do not count, so such an image is dangling", "[parse][images]") {
    auto is = docker::parse_images(R"([
        {"Id": "sha256:aaa", "RepoTags": ["<none>:<none>"], "RepoDigests": ["<none>@<none>"], "Created": 1795996703,
         "Size": 10, "SharedSize": 4},
        {"Id": "sha256:bbb", "RepoTags": null, "RepoDigests": ["busybox@sha256:ccc"], "Created": 1795996703},
        {"Id": "sha256:ddd", "RepoTags": ["a:1", "b:2"], "Created": 1795996703}
    ])");
    REQUIRE(is.size() == 3);
    CHECK(is[0].dangling());
    CHECK(is[0].repo_tags.empty());
    CHECK(is[0].repo_digests.empty());
    CHECK(is[0].shared_size == 4);
    CHECK(is[1].dangling());
    CHECK(is[1].repo_digests == std::vector<std::string>{"busybox@sha256:ccc"});
    CHECK_FALSE(is[2].dangling());
    CHECK(is[2].repo_tags == std::vector<std::string>{"a:1", "b:2"});
}

TEST_CASE("parse_networks reads the list", "[parse][networks]") {
    auto ns_ = docker::parse_networks(fixture("api-1.41-networks.json"));
    REQUIRE(ns_.size() == 3);
    CHECK(ns_[0].name == "none");
    CHECK(ns_[0].id == "11902a7b9108d59090e4a1e32e28d30d5c283aada3165c511bff426281dc74a2");
    CHECK(ns_[0].driver == "null");
    CHECK(ns_[1].name == "host");
    CHECK(ns_[1].driver == "host");
    CHECK(ns_[2].name == "bridge");
    CHECK(ns_[2].id == "9bd1cb103dcd41189175d38aef5a0b9c8d7e556b1a9f1d846a6f96d092e1225b");
    CHECK(ns_[2].driver == "bridge");
    CHECK(ns_[2].scope == "local");
    CHECK(ns_[2].labels.empty());
    CHECK(ns(ns_[2].created) == 1795996723LL * 1000000000 + 525891391);
    CHECK(when(ns_[0].created) == "2026-11-29T23:58:22Z");
}

TEST_CASE("parse_volumes reads the list", "[parse][volumes]") {
    auto vs = docker::parse_volumes(fixture("api-1.41-volumes.json"));
    REQUIRE(vs.size() == 2);
    CHECK(vs[0].name == "vnamed");
    CHECK(vs[0].driver == "local");
    CHECK(vs[0].mountpoint == "/tmp/dind-tools-engine/data/volumes/vnamed/_data");
    CHECK(vs[0].labels.empty());
    CHECK(when(vs[0].created) == "2026-11-29T23:59:05Z");
    CHECK_FALSE(vs[0].size); // only /system/df has usage data
    CHECK_FALSE(vs[0].ref_count);
    CHECK(vs[1].name == anon_volume);
    CHECK(vs[1].mountpoint == "/tmp/dind-tools-engine/data/volumes/" + anon_volume + "/_data");
}

TEST_CASE("Volume::anonymous: the engine's label, or before API 1.42 a 64-hex name", "[parse][volumes]") {
    auto vs = docker::parse_volumes(fixture("api-1.41-volumes.json"));
    REQUIRE(vs.size() == 2);
    CHECK_FALSE(vs[0].anonymous()); // vnamed
    CHECK(vs[1].anonymous());       // 87f427de…

    docker::Volume v;
    v.name = "vnamed";
    v.labels = {{"com.docker.volume.anonymous", ""}};
    CHECK(v.anonymous());

    v.labels.clear();
    v.name = std::string(63, 'a');
    CHECK_FALSE(v.anonymous());
    v.name = std::string(65, 'a');
    CHECK_FALSE(v.anonymous());
    v.name = std::string(63, 'a') + "g";
    CHECK_FALSE(v.anonymous());
    v.name = "87F427DE83423400143A70194A2F598079BEF1FB19B53C511B0AC24EECA534E9"; // not what the engine makes
    CHECK_FALSE(v.anonymous());
    v.name = anon_volume;
    CHECK(v.anonymous());
}

TEST_CASE("parse_volumes reads the API 1.42 anonymous label", "[parse][volumes]") {
    auto vs = docker::parse_volumes(R"({"Volumes": [
        {"Name": "cache", "Driver": "local", "CreatedAt": "2026-11-29T23:59:05+01:00",
         "Labels": {"com.docker.volume.anonymous": ""}}
    ], "Warnings": null})");
    REQUIRE(vs.size() == 1);
    CHECK(vs[0].anonymous());
    CHECK(when(vs[0].created) == "2026-11-29T22:59:05Z");
    CHECK(docker::parse_volumes(R"({"Volumes": null, "Warnings": null})").empty());
}

TEST_CASE("parse_disk_usage reads sizes, usage and the build cache", "[parse][df]") {
    auto du = docker::parse_disk_usage(fixture("api-1.41-system_df.json"));
    CHECK(du.layers_size == 1982398);

    SECTION("images carry shared sizes") {
        REQUIRE(du.images.size() == 3);
        CHECK(du.images[0].id == "sha256:240df085b585be3c512674f3cf615e75ec28ea5db77c29ea12cbaace18180804");
        CHECK(du.images[0].shared_size == 1982394);
        CHECK(du.images[2].id == busybox_id);
    }
    SECTION("containers") {
        REQUIRE(du.containers.size() == 3);
        CHECK(du.containers[0].name == "ex1");
        CHECK(du.containers[1].name == "cr1");
        CHECK(du.containers[1].volume_names == std::vector<std::string>{anon_volume, "vnamed"});
        CHECK(du.containers[2].name == "c1");
        CHECK(du.containers[2].status == "Exited (137) 25 seconds ago");
    }
    SECTION("volumes carry usage data") {
        REQUIRE(du.volumes.size() == 2);
        CHECK(du.volumes[0].name == anon_volume);
        CHECK(du.volumes[0].anonymous());
        REQUIRE(du.volumes[0].size);
        CHECK(*du.volumes[0].size == 0);
        REQUIRE(du.volumes[0].ref_count);
        CHECK(*du.volumes[0].ref_count == 1);
        CHECK(du.volumes[1].name == "vnamed");
        CHECK_FALSE(du.volumes[1].anonymous());
        CHECK(when(du.volumes[1].created) == "2026-11-29T23:59:05Z");
    }
    SECTION("build cache records") {
        REQUIRE(du.build_cache.size() == 3);
        const auto& ctx = du.build_cache[0];
        CHECK(ctx.id == "q7nrxtrjozjvimtr9j2t2eyki");
        CHECK(ctx.parents.empty()); // "Parent": ""
        CHECK(ctx.type == "source.local");
        CHECK(ctx.description == "local source for context");
        CHECK_FALSE(ctx.in_use);
        CHECK_FALSE(ctx.shared);
        CHECK(ctx.size == 0);
        CHECK(ctx.usage_count == 1);
        CHECK(ns(ctx.created) == 1795996724LL * 1000000000 + 7167901);
        CHECK(ns(ctx.last_used) == 1795996724LL * 1000000000 + 614111754);

        CHECK(du.build_cache[1].id == "foyuiv4m4ow29a05we62h0tm6");
        CHECK(du.build_cache[1].type == "regular");
        CHECK(du.build_cache[1].shared);
        CHECK(ns(du.build_cache[1].last_used) == 1795996724LL * 1000000000 + 615986160);

        CHECK(du.build_cache[2].id == "kpcpoiktcdsd93bhoc6u58sn6");
        CHECK(du.build_cache[2].description == "local source for dockerfile");
        CHECK(du.build_cache[2].size == 64);
        CHECK(when(du.build_cache[2].created) == "2026-11-29T23:58:43Z");
        for (const auto& r : du.build_cache) CHECK(r.parents.empty());
    }
}

TEST_CASE("parse_disk_usage reads a build cache record's parent in either API form", "[parse][df]") {
    auto du = docker::parse_disk_usage(R"({"LayersSize": 0, "Images": null, "Containers": null, "Volumes": null,
        "BuildCache": [
            {"ID": "child1", "Parent": "foyuiv4m4ow29a05we62h0tm6", "Type": "regular", "InUse": true, "Size": 10,
             "CreatedAt": "2026-11-29T23:58:44.029935992Z", "LastUsedAt": null, "UsageCount": 2},
            {"ID": "child2", "Parents": ["p1", "p2"], "Parent": "ignored", "Type": "regular",
             "CreatedAt": "2026-11-29T23:58:44Z", "LastUsedAt": "0001-01-01T00:00:00Z"}
        ]})");
    CHECK(du.images.empty());
    CHECK(du.containers.empty());
    CHECK(du.volumes.empty());
    REQUIRE(du.build_cache.size() == 2);
    CHECK(du.build_cache[0].parents == std::vector<std::string>{"foyuiv4m4ow29a05we62h0tm6"});
    CHECK(du.build_cache[0].in_use);
    CHECK(du.build_cache[0].usage_count == 2);
    CHECK(du.build_cache[0].created);
    CHECK_FALSE(du.build_cache[0].last_used);
    CHECK(du.build_cache[1].parents == std::vector<std::string>{"p1", "p2"});
    CHECK_FALSE(du.build_cache[1].last_used); // the zero time is no time
}

TEST_CASE("parse_disk_usage: a volume size of -1 means not computed", "[parse][df]") {
    auto du = docker::parse_disk_usage(R"({"Volumes": [
        {"Name": "v", "UsageData": {"Size": -1, "RefCount": -1}}
    ]})");
    REQUIRE(du.volumes.size() == 1);
    CHECK_FALSE(du.volumes[0].size);
    REQUIRE(du.volumes[0].ref_count);
    CHECK(*du.volumes[0].ref_count == -1);
}

TEST_CASE("parse_* throw dind::Error for malformed JSON", "[parse][errors]") {
    CHECK_THAT(error_of([] { docker::parse_containers("[{\"Id\": "); }),
               Catch::StartsWith("malformed container list answer from the engine: "));
    CHECK_THAT(error_of([] { docker::parse_images("<html>502 Bad Gateway</html>"); }),
               Catch::StartsWith("malformed image list answer"));
    CHECK_THAT(error_of([] { docker::parse_networks(""); }), Catch::StartsWith("malformed network list answer"));
    CHECK_THAT(error_of([] { docker::parse_volumes("{\"Volumes\": [}"); }),
               Catch::StartsWith("malformed volume list answer"));
    CHECK_THAT(error_of([] { docker::parse_disk_usage("{"); }), Catch::StartsWith("malformed disk usage answer"));
    CHECK_THAT(error_of([] { docker::parse_info("not json"); }), Catch::StartsWith("malformed info answer"));
    CHECK_THAT(error_of([] { docker::parse_version("{\"Version\": \"20.10\",}"); }),
               Catch::StartsWith("malformed version answer"));
}

TEST_CASE("parse_* of a list throw dind::Error when the answer is not a list", "[parse][errors]") {
    CHECK_THAT(error_of([] { docker::parse_containers(R"({"message": "page not found"})"); }),
               Catch::EndsWith("not a list"));
    CHECK_THAT(error_of([] { docker::parse_images("{}"); }), Catch::EndsWith("not a list"));
    CHECK_THAT(error_of([] { docker::parse_networks("null"); }), Catch::EndsWith("not a list"));
}

TEST_CASE("parse_error_message takes the engine's message or the body", "[parse][errors]") {
    CHECK(docker::parse_error_message(R"({"message":"No such container: x"})") == "No such container: x");
    CHECK(docker::parse_error_message("{\"message\":\"page not found\"}\n") == "page not found");
    CHECK(docker::parse_error_message("404 page not found\n") == "404 page not found");
    CHECK(docker::parse_error_message("Bad Gateway\r\n") == "Bad Gateway");
    CHECK(docker::parse_error_message("") == "");
    CHECK(docker::parse_error_message(R"(["message"])") == R"(["message"])");
}

TEST_CASE("parse_deleted_images lists the deleted ids, not the untagged references", "[parse][delete]") {
    auto ids = docker::parse_deleted_images(R"([
        {"Untagged": "committed:1"},
        {"Deleted": "sha256:240df085b585be3c512674f3cf615e75ec28ea5db77c29ea12cbaace18180804"},
        {"Deleted": "sha256:5b8c72934dfc08c7d2bd707e93197550f06c0751023dabb3a045b723c5e7b373"}
    ])");
    CHECK(ids == std::vector<std::string>{"sha256:240df085b585be3c512674f3cf615e75ec28ea5db77c29ea12cbaace18180804",
                                          "sha256:5b8c72934dfc08c7d2bd707e93197550f06c0751023dabb3a045b723c5e7b373"});
    CHECK(docker::parse_deleted_images(R"([{"Untagged": "bc:1"}])").empty());
    CHECK(docker::parse_deleted_images("[]").empty());
    CHECK(docker::parse_deleted_images("").empty());
    CHECK(docker::parse_deleted_images("not json").empty());
}

TEST_CASE("parse_build_prune lists the deleted cache ids", "[parse][delete]") {
    auto ids = docker::parse_build_prune(
        R"({"CachesDeleted":["q7nrxtrjozjvimtr9j2t2eyki","kpcpoiktcdsd93bhoc6u58sn6"],"SpaceReclaimed":64})");
    CHECK(ids == std::vector<std::string>{"q7nrxtrjozjvimtr9j2t2eyki", "kpcpoiktcdsd93bhoc6u58sn6"});
    CHECK(docker::parse_build_prune(R"({"CachesDeleted":null,"SpaceReclaimed":0})").empty());
    CHECK(docker::parse_build_prune(R"({"CachesDeleted":[],"SpaceReclaimed":0})").empty());
    CHECK(docker::parse_build_prune("[]").empty());
    CHECK(docker::parse_build_prune("not json").empty());
}
