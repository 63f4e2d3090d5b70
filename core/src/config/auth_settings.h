// The `auth:` section of the host config: how WebSocket clients prove who
// they are (README "Configuration", DESIGN.md section 4).
//
//   auth:
//     mode: jwt                  # jwt (default) | none (local development only)
//     jwt:
//       hs256_secret: ${JWT_SECRET}            # at least 32 bytes
//       rs256_public_key_file: /etc/sg/jwt.pem # PEM RSA public key, >= 2048 bits
//       issuer: https://issuer.example         # optional; checked when set
//       audience: streamgate                   # optional; checked when set
//       leeway: 30s                            # clock skew allowed on exp/nbf/iat
//       require_exp: true
//
// The default mode is jwt so that a config without an auth section fails to
// start instead of silently accepting everyone.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "streamgate/config_section.h"
#include "streamgate/status.h"

namespace Poco::Crypto {
class RSAKey;
}

namespace streamgate {

enum class AuthMode {
  kNone,  // every client is kAnonymousUser; for local development only
  kJwt,   // a signed JWT is required; its `sub` is the user id
};

// The user id of every client when auth.mode is none.
inline constexpr std::string_view kAnonymousUser = "anonymous";

// RFC 7518 section 3.2: an HS256 key must be at least as long as the hash.
inline constexpr std::size_t kMinHs256SecretBytes = 32;
inline constexpr int kMinRsaKeyBits = 2048;
inline constexpr std::chrono::milliseconds kMaxLeeway = std::chrono::minutes(5);

// An empty string or path means "not configured". At least one of the two keys
// must be set; a token is accepted only with the algorithm of a configured key.
struct JwtSettings {
  std::string hs256Secret{};
  std::filesystem::path rs256PublicKeyFile{};
  std::string issuer{};    // empty: iss not checked
  std::string audience{};  // empty: aud not checked
  std::chrono::milliseconds leeway = std::chrono::seconds(30);
  bool requireExp = true;
};

struct AuthSettings {
  AuthMode mode = AuthMode::kJwt;
  JwtSettings jwt;  // read and validated even when mode is none, so toggling mode is safe
};

// Reads `auth` (the section itself, e.g. root.child("auth")). Errors are
// recorded on the section with section.fail() and come out of the root's
// status() with their full key path; the result is then meaningless.
// Reads the RS256 key file to check it (blocking file I/O).
AuthSettings readAuthSettings(ConfigSection& auth);

// Why the secret cannot be used as an HS256 key, or ok. The message never
// contains the secret.
Status checkHs256Secret(std::string_view secret);

// Reads and parses a PEM RSA public key ("BEGIN PUBLIC KEY" or "BEGIN RSA
// PUBLIC KEY") of at least kMinRsaKeyBits. Blocking file I/O. Errors start
// with the file name.
Expected<std::shared_ptr<const Poco::Crypto::RSAKey>> loadRs256PublicKey(const std::filesystem::path& file);

}  // namespace streamgate
