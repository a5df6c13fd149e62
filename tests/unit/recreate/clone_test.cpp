// dind-recreate rebuilds the dind container's create request from a real inspect answer.
#include "../fixtures.h"
#include "common/error.h"
#include "recreate/clone.h"

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

using namespace dind;
using namespace dind::recreate;

namespace {

// The stand-in image the fixture container was made from, as GET /images/{id}/json shows it.
const char* const stand_in_image = R"({"Id":"sha256:abc","Config":{"Env":["PATH=/bin"],
  "Entrypoint":["/bin/sh","-c","trap \"exit 0\" TERM QUIT; while :; do sleep 1; done","stand-in"],
  "Cmd":null,"Labels":null}})";

rapidjson::Document parse(const std::string& json) {
    rapidjson::Document d;
    d.Parse(json.c_str());
    REQUIRE(d.IsObject());
    return d;
}

} // namespace

TEST_CASE("the clone keeps what the container was given and leaves the image's defaults to the image", "[recreate]") {
    std::string inspect = test::fixture("api-1.41-inspect-dind.json");
    CloneRequest c = clone_request(inspect, stand_in_image, "");
    auto d = parse(c.body);
    CHECK(std::string(d["Image"].GetString()) == "dindtest/dind:stand-in");
    CHECK(std::string(d["Hostname"].GetString()) == "gitlab-dind");
    REQUIRE(d["Env"].Size() == 1);
    CHECK(std::string(d["Env"][0].GetString()) == "DOCKER_TLS_CERTDIR=/certs");
    CHECK(std::string(d["Cmd"][0].GetString()) == "--storage-driver=overlay2");
    CHECK_FALSE(d.HasMember("Entrypoint"));
    CHECK(std::string(d["Labels"]["io.dind-tools.role"].GetString()) == "dind");
    CHECK(std::string(d["HostConfig"]["RestartPolicy"]["Name"].GetString()) == "always");
    CHECK(d["HostConfig"]["Mounts"].Size() == 2);
    const auto& endpoint = d["NetworkingConfig"]["EndpointsConfig"]["gitlab-runner-net"];
    REQUIRE(endpoint["Aliases"].Size() == 1);
    CHECK(std::string(endpoint["Aliases"][0].GetString()) == "gitlab-dind");
    CHECK(c.networks.empty());
}

TEST_CASE("an upgrade swaps the image; without the old image everything is kept", "[recreate]") {
    std::string inspect = test::fixture("api-1.41-inspect-dind.json");
    auto d = parse(clone_request(inspect, stand_in_image, "docker:27.3.1-dind").body);
    CHECK(std::string(d["Image"].GetString()) == "docker:27.3.1-dind");
    auto kept = parse(clone_request(inspect, "", "").body);
    CHECK(kept["Env"].Size() == 2);
    CHECK(kept.HasMember("Entrypoint"));
}

TEST_CASE("a malformed inspect answer is an error", "[recreate]") {
    CHECK_THROWS_AS(clone_request("[]", "", ""), Error);
}
