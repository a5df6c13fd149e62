// The planner on hand-built inventories: every decision and its reason.
#include "common/error.h"
#include "common/toolkit.h"
#include "prune/plan.h"
#include "prune/records.h"

#include <catch2/catch.hpp>

using namespace dind;
using namespace dind::prune;
using namespace std::chrono;

namespace {

const TimePoint now = from_unix_seconds(1'800'000'000);
TimePoint ago(Nanos d) { return now - d; }

struct Fixture {
    Inventory inv;
    PolicyOptions opts;
    Fixture() { inv.clock = {now, seconds{0}}; }

    docker::Container& container(const std::string& name, const std::string& state, Nanos age) {
        docker::Container c;
        c.id = "c-" + name;
        c.name = name;
        c.state = state;
        c.created = ago(age);
        c.image_id = "sha256:base";
        inv.containers.push_back(c);
        return inv.containers.back();
    }
    docker::Image& image(const std::string& id, std::vector<std::string> tags, Nanos age) {
        docker::Image i;
        i.id = id;
        i.repo_tags = std::move(tags);
        i.created = ago(age);
        i.size = 100;
        inv.images.push_back(i);
        return inv.images.back();
    }
    docker::Network& network(const std::string& name, Nanos age) {
        docker::Network n;
        n.id = "n-" + name;
        n.name = name;
        n.created = ago(age);
        inv.networks.push_back(n);
        return inv.networks.back();
    }
    docker::Volume& volume(const std::string& name, Nanos age) {
        docker::Volume v;
        v.name = name;
        v.created = ago(age);
        inv.volumes.push_back(v);
        return inv.volumes.back();
    }
    docker::BuildCacheRecord& cache(const std::string& id, Nanos last_used) {
        docker::BuildCacheRecord r;
        r.id = id;
        r.type = "regular";
        r.created = ago(last_used + hours{1});
        r.last_used = ago(last_used);
        r.size = 10;
        inv.build_cache.push_back(r);
        return inv.build_cache.back();
    }
    Plan plan() { return make_plan(inv, make_policy(opts, inv.clock)); }
};

const PlanItem& find(const Plan& p, Kind kind, const std::string& name_or_id) {
    for (const auto& i : p.items)
        if (i.kind == kind && (i.name == name_or_id || i.id == name_or_id)) return i;
    FAIL("no plan item " << name_or_id);
    throw std::logic_error("unreachable");
}

std::string hex64(char c) { return std::string(64, c); }

} // namespace

TEST_CASE("containers: running, paused and restarting stay; exited and dead go", "[plan]") {
    Fixture f;
    f.container("run", "running", hours{100});
    f.container("pause", "paused", hours{100});
    f.container("restart", "restarting", hours{100});
    f.container("exit", "exited", hours{100});
    f.container("dead", "dead", hours{100});
    auto p = f.plan();
    CHECK_FALSE(find(p, Kind::container, "run").remove);
    CHECK(find(p, Kind::container, "run").reason == "running");
    CHECK(find(p, Kind::container, "pause").reason == "paused");
    CHECK(find(p, Kind::container, "restart").reason == "restarting");
    CHECK(find(p, Kind::container, "exit").remove);
    CHECK(find(p, Kind::container, "exit").reason == "exited");
    CHECK(find(p, Kind::container, "dead").remove);
    CHECK(find(p, Kind::container, "exit").result == Result::would_remove);
}

TEST_CASE("containers in state created are kept within --grace", "[plan]") {
    Fixture f;
    f.container("fresh", "created", minutes{10});
    f.container("stale", "created", hours{2});
    auto p = f.plan();
    CHECK_FALSE(find(p, Kind::container, "fresh").remove);
    CHECK(find(p, Kind::container, "fresh").reason == "created 10m ago, within --grace");
    CHECK(find(p, Kind::container, "stale").remove);
    CHECK(find(p, Kind::container, "stale").reason == "created, never started");

    f.opts.grace = "0s";
    CHECK(find(f.plan(), Kind::container, "fresh").remove);
    f.opts.grace = "3h";
    CHECK_FALSE(find(f.plan(), Kind::container, "stale").remove);
}

TEST_CASE("the toolkit's own containers are never removed", "[plan]") {
    Fixture f;
    f.container("gitlab-dind", "exited", hours{1000});
    f.container("gitlab-runner", "exited", hours{1000});
    f.container("other", "exited", hours{1000}).labels[role_label] = "dind";
    auto p = f.plan();
    for (auto name : {"gitlab-dind", "gitlab-runner", "other"}) {
        CHECK_FALSE(find(p, Kind::container, name).remove);
        CHECK(find(p, Kind::container, name).reason == "toolkit infrastructure");
    }
}

TEST_CASE("until compares creation time against the engine clock", "[plan]") {
    Fixture f;
    f.container("old", "exited", hours{200});
    f.container("new", "exited", hours{100});
    f.opts.until = "168h";
    auto p = f.plan();
    CHECK(find(p, Kind::container, "old").remove);
    CHECK_FALSE(find(p, Kind::container, "new").remove);
    CHECK(find(p, Kind::container, "new").reason == "newer than until=168h");

    f.opts.until.clear();
    f.opts.filters = {"until=7d"};
    CHECK(find(f.plan(), Kind::container, "old").remove);
    CHECK_FALSE(find(f.plan(), Kind::container, "new").remove);
}

TEST_CASE("an unknown creation time is never taken for very old", "[plan]") {
    Fixture f;
    f.container("x", "exited", hours{1}).created.reset();
    f.opts.until = "1h";
    auto p = f.plan();
    CHECK_FALSE(find(p, Kind::container, "x").remove);
    CHECK(find(p, Kind::container, "x").reason == "age unknown");
}

TEST_CASE("label filters all must hold; keep labels win", "[plan]") {
    Fixture f;
    auto& a = f.container("a", "exited", hours{1});
    a.labels = {{"team", "ci"}, {"tier", "build"}};
    auto& b = f.container("b", "exited", hours{1});
    b.labels = {{"team", "ci"}};
    auto& c = f.container("c", "exited", hours{1});
    c.labels = {{"team", "ci"}, {"keep", "yes"}};
    f.opts.filters = {"label=team=ci", "label!=tier=web"};
    f.opts.keep_labels = {"keep"};
    auto p = f.plan();
    CHECK(find(p, Kind::container, "a").remove);
    CHECK(find(p, Kind::container, "b").remove);
    CHECK_FALSE(find(p, Kind::container, "c").remove);
    CHECK(find(p, Kind::container, "c").reason == "keep label keep");

    f.opts.filters = {"label=tier"};
    p = f.plan();
    CHECK(find(p, Kind::container, "a").remove);
    CHECK_FALSE(find(p, Kind::container, "b").remove);
    CHECK(find(p, Kind::container, "b").reason == "label=tier does not match");

    f.opts.filters = {"label!=tier"};
    p = f.plan();
    CHECK_FALSE(find(p, Kind::container, "a").remove);
    CHECK(find(p, Kind::container, "b").remove);
}

TEST_CASE("images: dangling by default, every unused one with --all", "[plan]") {
    Fixture f;
    f.image("sha256:dangling", {}, hours{10});
    f.image("sha256:tagged", {"app:1"}, hours{10});
    f.image("sha256:base", {"base:latest"}, hours{10});
    f.container("user", "exited", hours{1}).image_id = "sha256:base";
    f.container("running", "running", hours{1}).image_id = "sha256:base";
    auto p = f.plan();
    CHECK(find(p, Kind::image, "sha256:dangling").remove);
    CHECK(find(p, Kind::image, "sha256:dangling").reason == "dangling image");
    CHECK_FALSE(find(p, Kind::image, "app:1").remove);
    CHECK(find(p, Kind::image, "app:1").reason == "tagged image (-a includes every unused image)");

    f.opts.all = true;
    p = f.plan();
    CHECK(find(p, Kind::image, "app:1").remove);
    CHECK(find(p, Kind::image, "app:1").reason == "unused image");
    CHECK_FALSE(find(p, Kind::image, "base:latest").remove);
    CHECK(find(p, Kind::image, "base:latest").reason == "used by container running");
    CHECK(find(p, Kind::image, "base:latest").in_use);
}

TEST_CASE("an image whose only users are removed in this run becomes unused", "[plan]") {
    Fixture f;
    f.opts.all = true;
    f.image("sha256:base", {"base:latest"}, hours{10});
    f.container("gone", "exited", hours{5});
    auto p = f.plan();
    CHECK(find(p, Kind::container, "gone").remove);
    CHECK(find(p, Kind::image, "base:latest").remove);

    f.opts.until = "6h"; // the container is newer than that: it stays, so does its image
    p = f.plan();
    CHECK_FALSE(find(p, Kind::container, "gone").remove);
    CHECK(find(p, Kind::image, "base:latest").reason == "used by container gone");
}

TEST_CASE("--keep-image globs match any tag of an image", "[plan]") {
    Fixture f;
    f.opts.all = true;
    f.opts.keep_images = {"docker:*-dind", "gitlab/gitlab-runner*"};
    f.image("sha256:d", {"docker:27.3-dind"}, hours{10});
    f.image("sha256:r", {"x:1", "gitlab/gitlab-runner:alpine"}, hours{10});
    f.image("sha256:o", {"docker:27.3-cli"}, hours{10});
    auto p = f.plan();
    CHECK_FALSE(find(p, Kind::image, "sha256:d").remove);
    CHECK(find(p, Kind::image, "sha256:d").reason == "matches --keep-image docker:*-dind");
    CHECK_FALSE(find(p, Kind::image, "sha256:r").remove);
    CHECK(find(p, Kind::image, "sha256:o").remove);
}

TEST_CASE("image parents of kept images stay; removals go children first", "[plan]") {
    Fixture f;
    f.opts.all = true;
    f.opts.until = "5h";
    f.image("sha256:grand", {"g:1"}, hours{30});
    f.image("sha256:parent", {"p:1"}, hours{20}).parent_id = "sha256:grand";
    f.image("sha256:child", {"c:1"}, hours{10}).parent_id = "sha256:parent";
    auto p = f.plan();
    CHECK(find(p, Kind::image, "c:1").wave == 0);
    CHECK(find(p, Kind::image, "p:1").wave == 1);
    CHECK(find(p, Kind::image, "g:1").wave == 2);

    f.opts.until = "15h"; // the child is too new: it stays, and so must its ancestors
    p = f.plan();
    CHECK_FALSE(find(p, Kind::image, "c:1").remove);
    CHECK_FALSE(find(p, Kind::image, "p:1").remove);
    CHECK(find(p, Kind::image, "p:1").reason == "parent of kept image c:1");
    CHECK_FALSE(find(p, Kind::image, "g:1").remove);
    CHECK(find(p, Kind::image, "g:1").reason == "parent of kept image p:1");
}

TEST_CASE("networks: predefined and in-use ones stay, by id or by name", "[plan]") {
    Fixture f;
    for (auto n : {"bridge", "host", "none", "used-by-id", "used-by-name", "idle", "freed"}) f.network(n, hours{10});
    f.container("r", "running", hours{1}).networks = {{"used-by-id", "n-used-by-id"}};
    f.container("c", "created", minutes{1}).networks = {{"used-by-name", ""}}; // never started: no NetworkID
    f.container("e", "exited", hours{2}).networks = {{"freed", "n-freed"}};
    auto p = f.plan();
    for (auto n : {"bridge", "host", "none"}) CHECK(find(p, Kind::network, n).reason == "predefined network");
    CHECK(find(p, Kind::network, "used-by-id").reason == "in use by container r");
    CHECK(find(p, Kind::network, "used-by-name").reason == "in use by container c");
    CHECK(find(p, Kind::network, "idle").remove);
    CHECK(find(p, Kind::network, "freed").remove);
}

TEST_CASE("volumes: anonymous by default, named with --all, in-use never; until applies", "[plan]") {
    Fixture f;
    f.opts.volumes = true;
    f.volume(hex64('a'), hours{10});
    f.volume("runner-abc-cache-123", hours{10});
    f.volume(hex64('b'), hours{10});
    f.volume(hex64('c'), hours{1});
    f.volume("labelled-anon", hours{10}).labels["com.docker.volume.anonymous"] = "";
    f.container("r", "running", hours{1}).volume_names = {hex64('b')};
    f.opts.until = "2h";
    auto p = f.plan();
    CHECK(find(p, Kind::volume, hex64('a')).remove);
    CHECK(find(p, Kind::volume, hex64('a')).reason == "unused anonymous volume");
    CHECK(find(p, Kind::volume, "labelled-anon").remove);
    CHECK(find(p, Kind::volume, "runner-abc-cache-123").reason == "named volume (-a includes named volumes)");
    CHECK(find(p, Kind::volume, hex64('b')).reason == "in use by container r");
    CHECK(find(p, Kind::volume, hex64('c')).reason == "newer than until=2h");

    f.opts.all = true;
    CHECK(find(f.plan(), Kind::volume, "runner-abc-cache-123").remove);
}

TEST_CASE("volumes are only considered with --volumes or --only volumes", "[plan]") {
    Fixture f;
    f.volume(hex64('a'), hours{10});
    auto p = f.plan();
    CHECK_FALSE(find(p, Kind::volume, hex64('a')).remove);
    CHECK(find(p, Kind::volume, hex64('a')).reason == "kind not selected");
    f.opts.only = {"volumes"};
    CHECK(find(f.plan(), Kind::volume, hex64('a')).remove);
}

TEST_CASE("build cache: age is last use; in-use, shared and label-filtered records stay", "[plan]") {
    Fixture f;
    f.cache("old", hours{30});
    f.cache("recent", hours{1});
    f.cache("busy", hours{30}).in_use = true;
    f.cache("shared", hours{30}).shared = true;
    f.opts.until = "24h";
    auto p = f.plan();
    CHECK(find(p, Kind::build_cache, "old").remove);
    CHECK(find(p, Kind::build_cache, "recent").reason == "newer than until=24h");
    CHECK(find(p, Kind::build_cache, "busy").reason == "in use by a build");
    CHECK(find(p, Kind::build_cache, "shared").reason == "shared with images (-a includes it)");
    f.opts.all = true;
    CHECK(find(f.plan(), Kind::build_cache, "shared").remove);

    // Docker's build prune ignores label filters and wipes everything; here no record matches.
    f.opts.filters = {"label=com.gitlab.gitlab-runner.managed=true"};
    p = f.plan();
    CHECK_FALSE(find(p, Kind::build_cache, "old").remove);
    CHECK(find(p, Kind::build_cache, "old").reason ==
          "label=com.gitlab.gitlab-runner.managed=true does not match (build cache has no labels)");
}

TEST_CASE("build cache parents wait for their children", "[plan]") {
    Fixture f;
    f.opts.all = true;
    f.cache("root", hours{30});
    f.cache("leaf", hours{30}).parents = {"root"};
    f.cache("keep-child", hours{1}).parents = {"held"};
    f.cache("held", hours{30});
    f.opts.until = "24h";
    auto p = f.plan();
    CHECK(find(p, Kind::build_cache, "leaf").wave == 0);
    CHECK(find(p, Kind::build_cache, "root").wave == 1);
    CHECK_FALSE(find(p, Kind::build_cache, "held").remove);
    CHECK(find(p, Kind::build_cache, "held").reason == "parent of kept build cache keep-child");
}

TEST_CASE("--from restricts the plan to the listed objects, protections still apply", "[plan]") {
    Fixture f;
    f.opts.all = true;
    f.container("listed", "exited", hours{3});
    f.container("unlisted", "exited", hours{3});
    f.container("listed-running", "running", hours{3});
    f.image("sha256:" + hex64('e'), {"e:1"}, hours{10});
    auto policy = make_policy(f.opts, f.inv.clock);
    policy.from = std::vector<Selector>{
        {Kind::container, "c-listed"}, {std::nullopt, "listed-running"}, {std::nullopt, hex64('e').substr(0, 12)}};
    auto p = make_plan(f.inv, policy);
    CHECK(find(p, Kind::container, "listed").remove);
    CHECK(find(p, Kind::container, "unlisted").reason == "not listed in --from");
    CHECK(find(p, Kind::container, "listed-running").reason == "running");
    CHECK(find(p, Kind::image, "e:1").remove);

    policy.from = std::vector<Selector>{{Kind::image, "c-listed"}}; // the wrong kind matches nothing
    CHECK_FALSE(find(make_plan(f.inv, policy), Kind::container, "listed").remove);
}

TEST_CASE("with --from the list chooses the candidates; -a and kinds need not be repeated", "[plan]") {
    Fixture f;
    f.image("sha256:t", {"app:1"}, hours{10});
    f.volume("named", hours{10});
    f.container("run", "running", hours{10});
    auto policy = make_policy(f.opts, f.inv.clock);
    restrict_to(policy, {{Kind::image, "sha256:t"}, {Kind::volume, "named"}, {std::nullopt, "run"}}, false);
    auto p = make_plan(f.inv, policy);
    CHECK(find(p, Kind::image, "app:1").remove);
    CHECK(find(p, Kind::volume, "named").remove);
    CHECK(find(p, Kind::container, "run").reason == "running");

    f.opts.only = {"images"};
    policy = make_policy(f.opts, f.inv.clock);
    restrict_to(policy, {{Kind::image, "sha256:t"}, {Kind::volume, "named"}}, true);
    p = make_plan(f.inv, policy);
    CHECK(find(p, Kind::image, "app:1").remove);
    CHECK(find(p, Kind::volume, "named").reason == "kind not selected");
}

TEST_CASE("the plan lists kinds in removal order", "[plan]") {
    Fixture f;
    f.opts.all = true;
    f.opts.volumes = true;
    f.cache("bc", hours{3});
    f.image("sha256:i", {}, hours{3});
    f.volume(hex64('v'), hours{3});
    f.network("n", hours{3});
    f.container("c", "exited", hours{3});
    auto p = f.plan();
    std::vector<Kind> order;
    for (const auto& i : p.items) order.push_back(i.kind);
    CHECK(order == std::vector<Kind>{Kind::container, Kind::network, Kind::volume, Kind::image, Kind::build_cache});
}

TEST_CASE("policy validation names the bad input", "[policy]") {
    PolicyOptions o;
    auto msg = [&]() -> std::string {
        try {
            make_policy(o, EngineClock{});
        } catch (const Error& e) {
            CHECK(e.exit_code() == exit_usage);
            return e.what();
        }
        return "";
    };
    o.filters = {"dangling=true"};
    CHECK(msg() == "invalid filter 'dangling': dind-prune knows until, label and label!");
    o.filters = {"until=yesterday"};
    CHECK(msg().rfind("invalid until value 'yesterday'", 0) == 0);
    o.filters = {"label="};
    CHECK(msg() == "invalid filter 'label=': empty label key");
    o.filters = {"nonsense"};
    CHECK(msg() == "invalid filter 'nonsense': want until=X, label=K[=V] or label!=K[=V]");
    o.filters = {"until=1h"};
    o.until = "2h";
    CHECK(msg() == "conflicting until values '2h' and '1h'");
    o = {};
    o.only = {"containers,bogus"};
    CHECK(msg() == "invalid --only kind 'bogus': want containers, images, networks, volumes or build-cache");
    o = {};
    o.grace = "soon";
    CHECK(msg() == "invalid --grace 'soon': want a duration such as 1h or 30m");
}

TEST_CASE("policy kinds: defaults as docker system prune, --volumes adds, --only restricts", "[policy]") {
    PolicyOptions o;
    using K = Kind;
    CHECK(make_policy(o, {}).kinds == std::set<K>{K::container, K::network, K::image, K::build_cache});
    o.volumes = true;
    CHECK(make_policy(o, {}).kinds.count(K::volume) == 1);
    o.only = {"images,build-cache", "volumes"};
    CHECK(make_policy(o, {}).kinds == std::set<K>{K::image, K::build_cache, K::volume});
}

TEST_CASE("glob matching for --keep-image", "[policy]") {
    CHECK(glob_match("docker:*-dind", "docker:27.3.1-dind"));
    CHECK_FALSE(glob_match("docker:*-dind", "docker:27.3.1-cli"));
    CHECK(glob_match("gitlab/gitlab-runner*", "gitlab/gitlab-runner:alpine"));
    CHECK(glob_match("app:?", "app:1"));
    CHECK_FALSE(glob_match("app:?", "app:10"));
}
