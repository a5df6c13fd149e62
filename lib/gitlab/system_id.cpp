#include "gitlab/system_id.h"

#include "common/atomic_file.h"
#include "common/error.h"
#include "common/file.h"
#include "gitlab/sha256.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <random>
#include <sstream>
#include <unistd.h>

namespace dind::gitlab {
namespace {

bool is_alnum(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

std::string trim(std::string s) {
    const char* blanks = " \t\r\n\v\f";
    auto b = s.find_first_not_of(blanks);
    if (b == std::string::npos) return "";
    auto e = s.find_last_not_of(blanks);
    return s.substr(b, e - b + 1);
}

// nullopt when the file does not exist; throws when it exists and cannot be read.
std::optional<std::string> read_small_file(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return std::nullopt;
        throw Error("cannot read " + path + ": " + std::strerror(errno));
    }
    std::string text;
    int e = 0;
    if (!read_and_close(fd, text, e, 4096)) throw Error("cannot read " + path + ": " + std::strerror(e));
    return text;
}

} // namespace

bool valid_system_id(std::string_view id) {
    if (id.size() != 14 || (id[0] != 's' && id[0] != 'r') || id[1] != '_') return false;
    for (std::size_t i = 2; i < id.size(); ++i)
        if (!is_alnum(id[i])) return false;
    return true;
}

std::string system_id_from_machine_id(std::string_view machine_id) {
    return "s_" + to_hex(hmac_sha256(machine_id, "gitlab-runner")).substr(0, 12);
}

std::string random_system_id() {
    static const char alphabet[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    std::random_device device;
    std::uniform_int_distribution<int> pick(0, 61);
    std::string out = "r_";
    for (int i = 0; i < 12; ++i) out.push_back(alphabet[pick(device)]);
    return out;
}

std::optional<std::string> read_machine_id(const std::vector<std::string>& paths) {
    for (const auto& path : paths) {
        std::ifstream in(path);
        if (!in) continue;
        std::ostringstream s;
        s << in.rdbuf();
        std::string id = trim(s.str());
        if (!id.empty()) return id;
    }
    return std::nullopt;
}

std::string generate_system_id() {
    if (auto machine = read_machine_id()) return system_id_from_machine_id(*machine);
    return random_system_id();
}

SystemId load_or_create_system_id(const std::string& dir, bool write) {
    SystemId out;
    out.path = (dir.empty() ? std::string(".") : dir) + "/.runner_system_id";
    if (auto text = read_small_file(out.path)) {
        std::string value = trim(*text);
        if (valid_system_id(value)) {
            out.value = value;
            return out;
        }
        out.replaced_invalid = true;
    }
    out.value = generate_system_id();
    out.created = true;
    if (write) write_file_atomically(out.path, out.value, 0600);
    return out;
}

} // namespace dind::gitlab
