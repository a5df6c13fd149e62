// Real Engine API answers captured from dockerd, read from tests/unit/fixtures/.
#pragma once
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <unistd.h>
#include <vector>

namespace dind::test {

// The fixtures directory: DIND_FIXTURES_DIR when the build defines it, else tests/unit/fixtures
// under the working directory (the repository root), else next to this header as compiled.
inline std::string fixtures_dir() {
    std::vector<std::string> candidates;
#ifdef DIND_FIXTURES_DIR
    candidates.emplace_back(DIND_FIXTURES_DIR);
#endif
    candidates.emplace_back("tests/unit/fixtures");
    std::string here = __FILE__;
    auto slash = here.find_last_of('/');
    candidates.push_back((slash == std::string::npos ? std::string(".") : here.substr(0, slash)) + "/fixtures");
    for (const auto& dir : candidates)
        if (std::ifstream(dir + "/api-1.41-version.json")) return dir;
    throw std::runtime_error("cannot find tests/unit/fixtures: run the unit tests from the repository root");
}

// The text of tests/unit/fixtures/<name>, e.g. fixture("api-1.41-containers.json").
inline std::string fixture(const std::string& name) {
    std::string path = fixtures_dir() + "/" + name;
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot open fixture " + path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// A scratch directory removed at the end of the test.
struct TempDir {
    std::string path;
    TempDir() {
        char tmpl[] = "/tmp/dind-unit-XXXXXX";
        path = ::mkdtemp(tmpl);
    }
    ~TempDir() { std::system(("rm -rf '" + path + "'").c_str()); }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
};

inline std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

inline void spit(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

} // namespace dind::test
