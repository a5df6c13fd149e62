#include "gitlab/engine.h"

#include "common/error.h"
#include "common/toolkit.h"

#include <spdlog/spdlog.h>

namespace dind::gitlab {
namespace {

bool is_version_char(char c) { return (c >= '0' && c <= '9') || c == '.'; }

} // namespace

std::optional<std::string> cli_image_for_dind_image(std::string_view image) {
    auto at = image.find('@');
    if (at != std::string_view::npos) image = image.substr(0, at);
    auto colon = image.rfind(':');
    if (colon == std::string_view::npos || image.find('/', colon) != std::string_view::npos) return std::nullopt;
    std::string_view repo = image.substr(0, colon), tag = image.substr(colon + 1);
    if (tag == "dind" || tag == "dind-rootless") return std::string(repo) + ":latest";
    auto dind = tag.find("-dind");
    if (dind == std::string_view::npos || dind == 0) return std::nullopt;
    return std::string(repo) + ":" + std::string(tag.substr(0, dind));
}

std::optional<std::string> cli_image_for_engine_version(std::string_view version) {
    std::size_t n = 0;
    while (n < version.size() && is_version_char(version[n])) ++n;
    std::string_view v = version.substr(0, n);
    while (!v.empty() && v.back() == '.') v.remove_suffix(1);
    if (v.empty() || v.front() == '.') return std::nullopt;
    return "docker:" + std::string(v);
}

std::string runner_version_for_image(std::string_view image) {
    auto colon = image.rfind(':');
    if (colon == std::string_view::npos) return "";
    std::string_view tag = image.substr(colon + 1);
    auto v = tag.rfind('v');
    if (v == std::string_view::npos || v + 1 >= tag.size() || (v > 0 && tag[v - 1] != '-')) return "";
    std::string_view rest = tag.substr(v + 1);
    std::size_t n = 0;
    while (n < rest.size() && is_version_char(rest[n])) ++n;
    if (n == 0 || n != rest.size()) return "";
    return std::string(rest);
}

EngineFacts probe_engine(docker::Client& client) {
    EngineFacts facts;
    try {
        for (const auto& c : client.containers()) {
            if (c.name == default_dind_name && facts.docker_image.empty()) {
                if (auto image = cli_image_for_dind_image(c.image)) {
                    facts.docker_image = *image;
                    facts.how = "the image of the " + std::string(default_dind_name) + " container (" + c.image + ")";
                }
            }
            if (c.name == default_runner_name) facts.runner_version = runner_version_for_image(c.image);
        }
        if (facts.docker_image.empty()) {
            std::string version = client.version().version;
            if (auto image = cli_image_for_engine_version(version)) {
                facts.docker_image = *image;
                facts.how = "the version of the engine at " + client.endpoint().display() + " (" + version + ")";
            }
        }
    } catch (const Error& e) {
        spdlog::warn("cannot ask the Docker engine which docker image jobs should use ({}); using {} (choose one "
                     "with --docker-image)",
                     e.what(), fallback_docker_image);
        facts.docker_image = fallback_docker_image;
        facts.how = "the fallback";
        return facts;
    }
    if (facts.docker_image.empty()) {
        spdlog::warn("the Docker engine did not tell its version; using {} (choose one with --docker-image)",
                     fallback_docker_image);
        facts.docker_image = fallback_docker_image;
        facts.how = "the fallback";
    }
    return facts;
}

} // namespace dind::gitlab
