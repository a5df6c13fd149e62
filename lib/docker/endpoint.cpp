#include "docker/endpoint.h"

#include "common/error.h"

#include <cstdlib>

namespace dind::docker {

std::string Endpoint::display() const {
    return scheme == Scheme::unix_socket ? "unix://" + socket_path : "tcp://" + host_port;
}

std::string Endpoint::base_url() const {
    if (scheme == Scheme::unix_socket) return "http://localhost";
    return (tls ? "https://" : "http://") + host_port;
}

Getenv process_env() {
    return [](const std::string& name) -> std::optional<std::string> {
        const char* v = std::getenv(name.c_str());
        if (!v) return std::nullopt;
        return std::string(v);
    };
}

namespace {

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

std::string parse_tcp(const std::string& rest, const std::string& original) {
    std::string hp = rest;
    if (!hp.empty() && hp.back() == '/') hp.pop_back();
    if (hp.find('/') != std::string::npos) throw usage_error("invalid engine host '" + original + "': no path allowed");
    std::string host = hp, port;
    if (!hp.empty() && hp.front() == '[') { // [::1]:2376
        auto close = hp.find(']');
        if (close == std::string::npos) throw usage_error("invalid engine host '" + original + "'");
        host = hp.substr(0, close + 1);
        if (close + 1 < hp.size()) {
            if (hp[close + 1] != ':') throw usage_error("invalid engine host '" + original + "'");
            port = hp.substr(close + 2);
        }
    } else if (auto colon = hp.rfind(':'); colon != std::string::npos) {
        host = hp.substr(0, colon);
        port = hp.substr(colon + 1);
    }
    if (host.empty()) host = "localhost";
    if (port.empty()) port = "2375";
    bool valid = port.size() <= 5;
    for (char c : port) valid = valid && c >= '0' && c <= '9';
    if (!valid || std::stoi(port) < 1 || std::stoi(port) > 65535)
        throw usage_error("invalid engine host '" + original + "': bad port '" + port + "'");
    return host + ":" + port;
}

} // namespace

Endpoint resolve_endpoint(const EngineOptions& options, const Getenv& env) {
    std::string host = options.host;
    if (host.empty()) host = env("DOCKER_HOST").value_or("");
    if (host.empty()) host = "unix:///var/run/docker.sock";

    Endpoint ep;
    ep.timeout_seconds = options.timeout_seconds;
    if (starts_with(host, "unix://")) {
        ep.scheme = Endpoint::Scheme::unix_socket;
        ep.socket_path = host.substr(7);
        if (ep.socket_path.empty()) throw usage_error("invalid engine host '" + host + "': no socket path");
    } else if (starts_with(host, "tcp://") || starts_with(host, "http://") || starts_with(host, "https://")) {
        ep.scheme = Endpoint::Scheme::tcp;
        auto rest = host.substr(host.find("://") + 3);
        ep.host_port = parse_tcp(rest, host);
        if (starts_with(host, "https://")) ep.tls = true;
    } else if (!host.empty() && host.front() == '/') {
        ep.scheme = Endpoint::Scheme::unix_socket;
        ep.socket_path = host;
    } else {
        throw usage_error("invalid engine host '" + host + "': want unix:///path or tcp://host:port");
    }

    std::string env_verify = env("DOCKER_TLS_VERIFY").value_or("");
    bool verify = options.tlsverify || !env_verify.empty();
    bool any_tls_file = !options.tlscacert.empty() || !options.tlscert.empty() || !options.tlskey.empty();
    if (verify || options.tls || any_tls_file || ep.tls) {
        if (ep.scheme != Endpoint::Scheme::tcp) throw usage_error("TLS options need a tcp:// engine host");
        ep.tls = true;
        ep.tls_verify = verify;
        std::string dir = env("DOCKER_CERT_PATH").value_or("");
        if (dir.empty()) dir = env("HOME").value_or("") + "/.docker";
        ep.ca_file = options.tlscacert.empty() ? dir + "/ca.pem" : options.tlscacert;
        ep.cert_file = options.tlscert.empty() ? dir + "/cert.pem" : options.tlscert;
        ep.key_file = options.tlskey.empty() ? dir + "/key.pem" : options.tlskey;
    }
    return ep;
}

} // namespace dind::docker
