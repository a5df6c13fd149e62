// Where the engine is and how to reach it, resolved the way the docker CLI does.
#pragma once
#include <functional>
#include <optional>
#include <string>

namespace dind::docker {

// What the user said: -H/--host and the TLS flags. Empty optionals mean "not given".
struct EngineOptions {
    std::string host;
    bool tlsverify = false;
    bool tls = false;
    std::string tlscacert, tlscert, tlskey;
    double timeout_seconds = 60;
};

struct Endpoint {
    enum class Scheme { unix_socket, tcp };
    Scheme scheme = Scheme::unix_socket;
    std::string socket_path; // unix
    std::string host_port;   // tcp: "host:port"
    bool tls = false;
    bool tls_verify = false; // verify the engine's certificate against ca_file
    std::string ca_file, cert_file, key_file;
    double timeout_seconds = 60;

    // What a message shows: "unix:///var/run/docker.sock" or "tcp://host:2376".
    std::string display() const;
    // The URL prefix requests are sent to ("http://localhost", "https://host:2376").
    std::string base_url() const;
};

using Getenv = std::function<std::optional<std::string>(const std::string&)>;
Getenv process_env();

// -H, else DOCKER_HOST, else unix:///var/run/docker.sock. TLS: --tlsverify or a non-empty
// DOCKER_TLS_VERIFY (any value, even "0", as the CLI does) turns on verification; certificates
// default to DOCKER_CERT_PATH (else ~/.docker)/{ca,cert,key}.pem. Throws a usage error for a
// malformed host.
Endpoint resolve_endpoint(const EngineOptions& options, const Getenv& env);

} // namespace dind::docker
