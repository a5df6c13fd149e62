// SHA-256 and HMAC-SHA256 (FIPS 180-4, RFC 2104), for the system_id gitlab-runner derives from
// the machine id. Pure; kept here so the binaries need no crypto library.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace dind::gitlab {

using Digest = std::array<std::uint8_t, 32>;

Digest sha256(std::string_view data);
Digest hmac_sha256(std::string_view key, std::string_view message);
std::string to_hex(const Digest& digest);

} // namespace dind::gitlab
