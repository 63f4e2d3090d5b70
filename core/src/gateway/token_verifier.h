// Checks the JWT a WebSocket client presents (DESIGN.md section 4) and yields
// its user id, the `sub` claim.
//
// Accepted algorithms: HS256 when auth.jwt.hs256_secret is set, RS256 when
// auth.jwt.rs256_public_key_file is set, nothing else: no "none", and no
// algorithm whose key is not configured (an HS256 token "signed" with the RSA
// public key is refused when only RS256 is configured).
// Checked in order: size and shape, header (alg, crit), signature, then the
// claims: exp (required unless require_exp is false), nbf and iat within the
// leeway, iss and aud when configured, sub.
//
// Thread-safety: immutable after create(); verify() is const, takes no lock
// and may run on any number of threads at once. verify() never blocks (the
// key file is read in create()) and never throws.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "config/auth_settings.h"
#include "streamgate/status.h"

namespace Poco::JSON {
class Object;
}

namespace streamgate {

class TokenVerifier {
 public:
  // Longer tokens are refused before any parsing.
  static constexpr std::size_t kMaxTokenBytes = 8 * 1024;
  static constexpr std::size_t kMaxSubjectBytes = 128;

  // Refuses settings with no key, a secret shorter than kMinHs256SecretBytes,
  // a key file that is missing or not a PEM RSA public key of at least
  // kMinRsaKeyBits, or a leeway outside [0, kMaxLeeway]. Errors start with the
  // key ("auth.jwt.rs256_public_key_file: /etc/sg/jwt.pem: no such file").
  // Reads the key file: blocking, call it at startup.
  static Expected<std::shared_ptr<const TokenVerifier>> create(const JwtSettings& settings);

  // The token's `sub`, or kInvalidArgument with a short reason meant for the
  // client's `unauthorized` error ("token expired 42s ago", "signature does not
  // verify", "algorithm HS512 not accepted (accepted: RS256)", "missing sub").
  // A reason never contains the secret, the key or the token.
  Expected<std::string> verify(std::string_view token, std::chrono::system_clock::time_point now) const;

 private:
  TokenVerifier(const JwtSettings& settings, std::shared_ptr<const Poco::Crypto::RSAKey> rs256Key);

  Expected<std::string> verifyOrThrow(std::string_view token,
                                      std::chrono::system_clock::time_point now) const;
  Status checkAlgorithm(const std::string& algorithm) const;
  Status checkSignature(const std::string& algorithm, std::string_view signingInput,
                        std::string_view signature) const;
  Expected<std::string> checkClaims(const Poco::JSON::Object& payload,
                                    std::chrono::system_clock::time_point now) const;
  std::string acceptedAlgorithms() const;

  std::string hs256Secret_;                               // empty: HS256 refused
  std::shared_ptr<const Poco::Crypto::RSAKey> rs256Key_;  // null: RS256 refused
  std::string issuer_;
  std::string audience_;
  double leewaySeconds_;
  bool requireExp_;
};

}  // namespace streamgate
