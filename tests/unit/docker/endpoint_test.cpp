#include "docker/endpoint.h"

#include "common/error.h"

#include <catch2/catch.hpp>

#include <map>
#include <string>

using dind::docker::Endpoint;
using dind::docker::EngineOptions;
using Scheme = dind::docker::Endpoint::Scheme;

namespace {

// A Getenv over a fixed environment: tests never read the real one.
dind::docker::Getenv fake_env(std::map<std::string, std::string> vars) {
    return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
        auto it = vars.find(name);
        if (it == vars.end()) return std::nullopt;
        return it->second;
    };
}

Endpoint resolve(const std::string& host, std::map<std::string, std::string> env = {}) {
    EngineOptions options;
    options.host = host;
    return dind::docker::resolve_endpoint(options, fake_env(std::move(env)));
}

// The usage error resolve() throws, or a failure when it does not throw one.
std::string usage_error_of(const EngineOptions& options, std::map<std::string, std::string> env = {}) {
    try {
        dind::docker::resolve_endpoint(options, fake_env(std::move(env)));
    } catch (const dind::Error& e) {
        CHECK(e.exit_code() == dind::exit_usage);
        return e.what();
    }
    FAIL_CHECK("no error for host '" << options.host << "'");
    return "";
}

std::string usage_error_of(const std::string& host) {
    EngineOptions options;
    options.host = host;
    return usage_error_of(options);
}

} // namespace

TEST_CASE("resolve_endpoint defaults to the local unix socket", "[endpoint]") {
    Endpoint ep = resolve("");
    CHECK(ep.scheme == Scheme::unix_socket);
    CHECK(ep.socket_path == "/var/run/docker.sock");
    CHECK_FALSE(ep.tls);
    CHECK_FALSE(ep.tls_verify);
    CHECK(ep.display() == "unix:///var/run/docker.sock");
    CHECK(ep.base_url() == "http://localhost");
    CHECK(ep.timeout_seconds == 60);
}

TEST_CASE("resolve_endpoint takes DOCKER_HOST, and -H over it", "[endpoint]") {
    SECTION("DOCKER_HOST alone") {
        Endpoint ep = resolve("", {{"DOCKER_HOST", "tcp://docker:2375"}});
        CHECK(ep.scheme == Scheme::tcp);
        CHECK(ep.host_port == "docker:2375");
        CHECK(ep.display() == "tcp://docker:2375");
        CHECK(ep.base_url() == "http://docker:2375");
    }
    SECTION("-H wins") {
        Endpoint ep = resolve("unix:///run/user/1000/docker.sock", {{"DOCKER_HOST", "tcp://docker:2375"}});
        CHECK(ep.scheme == Scheme::unix_socket);
        CHECK(ep.socket_path == "/run/user/1000/docker.sock");
        CHECK(ep.display() == "unix:///run/user/1000/docker.sock");
    }
    SECTION("an empty DOCKER_HOST is no DOCKER_HOST") {
        CHECK(resolve("", {{"DOCKER_HOST", ""}}).display() == "unix:///var/run/docker.sock");
    }
}

TEST_CASE("resolve_endpoint reads tcp hosts the way the docker CLI does", "[endpoint]") {
    CHECK(resolve("tcp://host:2376").host_port == "host:2376");
    CHECK(resolve("tcp://host:2376/").host_port == "host:2376");
    CHECK(resolve("tcp://host").host_port == "host:2375");
    CHECK(resolve("tcp://:2375").host_port == "localhost:2375");
    CHECK(resolve("tcp://10.0.0.5:2375").host_port == "10.0.0.5:2375");
    CHECK(resolve("tcp://[::1]:2376").host_port == "[::1]:2376");
    CHECK(resolve("tcp://[::1]").host_port == "[::1]:2375");
    CHECK(resolve("http://host:2375").host_port == "host:2375");
    CHECK(resolve("tcp://[::1]:2376").display() == "tcp://[::1]:2376");
    CHECK(resolve("tcp://[::1]:2376").base_url() == "http://[::1]:2376");
}

TEST_CASE("resolve_endpoint takes a bare socket path", "[endpoint]") {
    Endpoint ep = resolve("/tmp/docker.sock");
    CHECK(ep.scheme == Scheme::unix_socket);
    CHECK(ep.socket_path == "/tmp/docker.sock");
    CHECK(ep.display() == "unix:///tmp/docker.sock");
}

TEST_CASE("resolve_endpoint keeps the timeout", "[endpoint]") {
    EngineOptions options;
    options.timeout_seconds = 5;
    CHECK(dind::docker::resolve_endpoint(options, fake_env({})).timeout_seconds == 5);
}

TEST_CASE("resolve_endpoint rejects malformed hosts with a usage error", "[endpoint]") {
    CHECK_THAT(usage_error_of("ssh://user@host"), Catch::Contains("'ssh://user@host'"));
    CHECK_THAT(usage_error_of("npipe:////./pipe/docker_engine"), Catch::Contains("want unix:///path or tcp://"));
    CHECK_THAT(usage_error_of("unix://"), Catch::Contains("no socket path"));
    CHECK_THAT(usage_error_of("tcp://host:abc"), Catch::Contains("bad port 'abc'"));
    CHECK_THAT(usage_error_of("tcp://host:23-75"), Catch::Contains("bad port"));
    CHECK_THAT(usage_error_of("tcp://host:2375/v1.41"), Catch::Contains("no path allowed"));
    CHECK_THAT(usage_error_of("tcp://[::1"), Catch::Contains("'tcp://[::1'"));
    CHECK_THAT(usage_error_of("tcp://[::1]2376"), Catch::Contains("'tcp://[::1]2376'"));
}

TEST_CASE("resolve_endpoint rejects ports outside 1-65535", "[endpoint]") {
    CHECK_THAT(usage_error_of("tcp://host:0"), Catch::Contains("bad port '0'"));
    CHECK_THAT(usage_error_of("tcp://host:65536"), Catch::Contains("bad port '65536'"));
    CHECK_THAT(usage_error_of("tcp://host:99999999999999999999"), Catch::Contains("bad port"));
    CHECK(resolve("tcp://host:65535").host_port == "host:65535");
    CHECK(resolve("tcp://host:1").host_port == "host:1");
}

TEST_CASE("resolve_endpoint turns on TLS verification the docker CLI way", "[endpoint][tls]") {
    SECTION("--tlsverify") {
        EngineOptions options;
        options.host = "tcp://host:2376";
        options.tlsverify = true;
        Endpoint ep = dind::docker::resolve_endpoint(options, fake_env({{"HOME", "/home/ci"}}));
        CHECK(ep.tls);
        CHECK(ep.tls_verify);
        CHECK(ep.ca_file == "/home/ci/.docker/ca.pem");
        CHECK(ep.cert_file == "/home/ci/.docker/cert.pem");
        CHECK(ep.key_file == "/home/ci/.docker/key.pem");
        CHECK(ep.display() == "tcp://host:2376");
        CHECK(ep.base_url() == "https://host:2376");
    }
    SECTION("DOCKER_TLS_VERIFY=1") {
        Endpoint ep = resolve("tcp://host:2376", {{"DOCKER_TLS_VERIFY", "1"}, {"DOCKER_CERT_PATH", "/certs/client"}});
        CHECK(ep.tls);
        CHECK(ep.tls_verify);
        CHECK(ep.ca_file == "/certs/client/ca.pem");
        CHECK(ep.cert_file == "/certs/client/cert.pem");
        CHECK(ep.key_file == "/certs/client/key.pem");
    }
    SECTION("DOCKER_TLS_VERIFY=0 still verifies: any non-empty value does") {
        Endpoint ep = resolve("tcp://host:2376", {{"DOCKER_TLS_VERIFY", "0"}});
        CHECK(ep.tls);
        CHECK(ep.tls_verify);
    }
    SECTION("an empty DOCKER_TLS_VERIFY does not") {
        Endpoint ep = resolve("tcp://host:2375", {{"DOCKER_TLS_VERIFY", ""}});
        CHECK_FALSE(ep.tls);
        CHECK_FALSE(ep.tls_verify);
        CHECK(ep.base_url() == "http://host:2375");
    }
}

TEST_CASE("resolve_endpoint uses TLS without verification for --tls and https://", "[endpoint][tls]") {
    SECTION("--tls") {
        EngineOptions options;
        options.host = "tcp://host:2376";
        options.tls = true;
        Endpoint ep = dind::docker::resolve_endpoint(options, fake_env({{"DOCKER_CERT_PATH", "/certs"}}));
        CHECK(ep.tls);
        CHECK_FALSE(ep.tls_verify);
        CHECK(ep.base_url() == "https://host:2376");
        CHECK(ep.cert_file == "/certs/cert.pem");
    }
    SECTION("https://") {
        Endpoint ep = resolve("https://host:2376");
        CHECK(ep.tls);
        CHECK_FALSE(ep.tls_verify);
        CHECK(ep.host_port == "host:2376");
        CHECK(ep.base_url() == "https://host:2376");
    }
}

TEST_CASE("resolve_endpoint lets each certificate flag override DOCKER_CERT_PATH", "[endpoint][tls]") {
    EngineOptions options;
    options.host = "tcp://host:2376";
    options.tlsverify = true;
    options.tlscacert = "/etc/docker/ca.pem";
    Endpoint ep = dind::docker::resolve_endpoint(options, fake_env({{"DOCKER_CERT_PATH", "/certs"}}));
    CHECK(ep.ca_file == "/etc/docker/ca.pem");
    CHECK(ep.cert_file == "/certs/cert.pem");
    CHECK(ep.key_file == "/certs/key.pem");

    options.tlscert = "/etc/docker/cert.pem";
    options.tlskey = "/etc/docker/key.pem";
    ep = dind::docker::resolve_endpoint(options, fake_env({{"DOCKER_CERT_PATH", "/certs"}}));
    CHECK(ep.cert_file == "/etc/docker/cert.pem");
    CHECK(ep.key_file == "/etc/docker/key.pem");
}

TEST_CASE("resolve_endpoint: a certificate flag alone turns on TLS", "[endpoint][tls]") {
    EngineOptions options;
    options.host = "tcp://host:2376";
    options.tlscacert = "/etc/docker/ca.pem";
    Endpoint ep = dind::docker::resolve_endpoint(options, fake_env({}));
    CHECK(ep.tls);
    CHECK_FALSE(ep.tls_verify);
}

TEST_CASE("resolve_endpoint refuses TLS with a unix socket", "[endpoint][tls]") {
    EngineOptions options;
    options.tlsverify = true;
    CHECK_THAT(usage_error_of(options), Catch::Contains("TLS options need a tcp:// engine host"));

    options = {};
    options.host = "unix:///var/run/docker.sock";
    options.tls = true;
    CHECK_THAT(usage_error_of(options), Catch::Contains("tcp://"));

    options = {};
    options.host = "/var/run/docker.sock";
    CHECK_THAT(usage_error_of(options, {{"DOCKER_TLS_VERIFY", "1"}}), Catch::Contains("tcp://"));
}
