#include "../fixtures.h"
#include "common/error.h"
#include "gitlab/system_id.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace gitlab = dind::gitlab;

using dind::test::slurp;
using dind::test::spit;
using dind::test::TempDir;

namespace {} // namespace

TEST_CASE("valid_system_id follows ^[sr]_[0-9a-zA-Z]{12}$", "[gitlab][system_id]") {
    CHECK(gitlab::valid_system_id("s_0123456789ab"));
    CHECK(gitlab::valid_system_id("r_AbCdEfGhIjKl"));
    CHECK_FALSE(gitlab::valid_system_id("x_0123456789ab"));
    CHECK_FALSE(gitlab::valid_system_id("s-0123456789ab"));
    CHECK_FALSE(gitlab::valid_system_id("s_0123456789a"));
    CHECK_FALSE(gitlab::valid_system_id("s_0123456789abc"));
    CHECK_FALSE(gitlab::valid_system_id("s_0123456789a_"));
    CHECK_FALSE(gitlab::valid_system_id("s_0123456789a\n"));
    CHECK_FALSE(gitlab::valid_system_id(""));
}

TEST_CASE("system_id_from_machine_id is s_ and 12 hex digits of HMAC-SHA256(machine id, gitlab-runner)",
          "[gitlab][system_id]") {
    // python3: hmac.new(b"0123…", b"gitlab-runner", hashlib.sha256).hexdigest()[:12]
    CHECK(gitlab::system_id_from_machine_id("0123456789abcdef0123456789abcdef") == "s_ee3af03959fe");
    CHECK(gitlab::valid_system_id(gitlab::system_id_from_machine_id("anything")));
}

TEST_CASE("random_system_id is r_ and 12 alphanumerics, different each time", "[gitlab][system_id]") {
    std::set<std::string> seen;
    for (int i = 0; i < 50; ++i) {
        std::string id = gitlab::random_system_id();
        CHECK(gitlab::valid_system_id(id));
        CHECK(id.substr(0, 2) == "r_");
        seen.insert(id);
    }
    CHECK(seen.size() == 50);
}

TEST_CASE("read_machine_id takes the first non-empty file, trimmed", "[gitlab][system_id]") {
    TempDir d;
    spit(d.path + "/empty", "\n");
    spit(d.path + "/id", "  0123456789abcdef0123456789abcdef\n");
    CHECK(gitlab::read_machine_id({d.path + "/missing", d.path + "/empty", d.path + "/id"}) ==
          "0123456789abcdef0123456789abcdef");
    CHECK_FALSE(gitlab::read_machine_id({d.path + "/missing", d.path + "/empty"}));
}

TEST_CASE("load_or_create_system_id keeps a valid file and makes a new one otherwise", "[gitlab][system_id]") {
    TempDir d;
    std::string file = d.path + "/.runner_system_id";

    SECTION("missing, without write: a value, and no file") {
        auto sid = gitlab::load_or_create_system_id(d.path, false);
        CHECK(sid.created);
        CHECK(gitlab::valid_system_id(sid.value));
        CHECK(::access(file.c_str(), F_OK) != 0);
    }
    SECTION("missing, with write: the file holds it, mode 0600, no newline") {
        auto sid = gitlab::load_or_create_system_id(d.path, true);
        CHECK(sid.created);
        CHECK(sid.path == file);
        CHECK(slurp(file) == sid.value);
        struct stat st {};
        REQUIRE(::stat(file.c_str(), &st) == 0);
        CHECK((st.st_mode & 07777) == 0600);
        // A second run reads the same one.
        auto again = gitlab::load_or_create_system_id(d.path, true);
        CHECK_FALSE(again.created);
        CHECK(again.value == sid.value);
    }
    SECTION("a valid file (with a newline a person added) is used as it is") {
        spit(file, "r_AbCdEfGhIjKl\n");
        auto sid = gitlab::load_or_create_system_id(d.path, true);
        CHECK_FALSE(sid.created);
        CHECK(sid.value == "r_AbCdEfGhIjKl");
        CHECK(slurp(file) == "r_AbCdEfGhIjKl\n");
    }
    SECTION("an invalid file is replaced, as gitlab-runner does") {
        spit(file, "garbage");
        auto sid = gitlab::load_or_create_system_id(d.path, true);
        CHECK(sid.created);
        CHECK(sid.replaced_invalid);
        CHECK(slurp(file) == sid.value);
    }
    SECTION("an unreadable one is an error") {
        ::mkdir(file.c_str(), 0700); // a directory cannot be read as a file
        CHECK_THROWS_AS(gitlab::load_or_create_system_id(d.path, true), dind::Error);
    }
}
