#include "gateway/token_verifier.h"

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>  // the BASE64_* options
#include <Poco/Crypto/RSADigestEngine.h>
#include <Poco/Crypto/RSAKey.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JWT/Serializer.h>
#include <Poco/MemoryStream.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <vector>

namespace streamgate {
namespace {

constexpr std::string_view kHs256 = "HS256";
constexpr std::string_view kRs256 = "RS256";
constexpr std::size_t kHs256SignatureBytes = 32;
// 9999-12-31T23:59:59Z. Bounding every time claim keeps the arithmetic below
// far from overflow (and the seconds in messages sane) whatever a token carries.
constexpr double kMaxNumericDate = 253402300799.0;

using Bytes = std::vector<unsigned char>;
using Seconds = std::chrono::duration<double>;

Status reject(std::string reason) { return Status(Code::kInvalidArgument, std::move(reason)); }

bool isBase64Url(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

bool isVisibleAscii(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

// For messages: an attacker-chosen value is shown only when short and plain.
std::string printable(std::string_view value) {
  if (value.size() > 16 || !isVisibleAscii(value)) return "(unprintable)";
  return std::string(value);
}

// "x.y.z" -> {x, y, z}; anything but three parts is not a signed JWT.
Expected<std::array<std::string_view, 3>> splitToken(std::string_view token) {
  const auto dots = std::count(token.begin(), token.end(), '.');
  if (dots == 4) return reject("encrypted tokens (JWE) are not supported");
  if (dots != 2) return reject("token is not a JWT: expected 3 dot-separated parts");
  const auto first = token.find('.');
  const auto second = token.find('.', first + 1);
  return std::array<std::string_view, 3>{token.substr(0, first), token.substr(first + 1, second - first - 1),
                                         token.substr(second + 1)};
}

// One base64url JSON object part (header or payload).
Expected<Poco::JSON::Object::Ptr> decodeObject(std::string_view part, std::string_view what) {
  if (part.empty()) return reject("token " + std::string(what) + " is empty");
  if (!isBase64Url(part)) return reject("token " + std::string(what) + " is not base64url");
  try {
    // Serializer's parser caps nesting (128 levels), so a deep payload cannot
    // exhaust the stack.
    auto object = Poco::JWT::Serializer::deserialize(std::string(part));
    if (object) return object;
  } catch (const Poco::Exception&) {
  }
  return reject("token " + std::string(what) + " is not a base64url-encoded JSON object");
}

std::optional<Bytes> decodeBase64Url(std::string_view text) {
  try {
    Poco::MemoryInputStream in(text.data(), text.size());
    Poco::Base64Decoder decoder(in, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
    Bytes out;
    out.reserve(text.size() * 3 / 4);
    for (int c = decoder.get(); c != std::char_traits<char>::eof(); c = decoder.get()) {
      out.push_back(static_cast<unsigned char>(c));
    }
    if (decoder.bad()) return std::nullopt;
    return out;
  } catch (const Poco::Exception&) {
    return std::nullopt;
  }
}

// A NumericDate claim (seconds since the epoch, maybe fractional), or nullopt
// when absent.
Expected<std::optional<double>> readTime(const Poco::JSON::Object& payload, const std::string& claim) {
  if (!payload.has(claim)) return std::optional<double>();
  const Poco::Dynamic::Var value = payload.get(claim);
  // Poco counts a JSON boolean as numeric.
  if (!value.isNumeric() || value.isBoolean()) return reject(claim + " is not a number");
  const double seconds = value.convert<double>();
  if (!std::isfinite(seconds) || seconds < 0 || seconds > kMaxNumericDate) {
    return reject(claim + " is not a valid time");
  }
  return std::optional<double>(seconds);
}

// Whole seconds, rounded up so that "expired 0s ago" only means exactly now.
long long ceilSeconds(double seconds) { return static_cast<long long>(std::ceil(std::max(seconds, 0.0))); }

Status checkAudience(const Poco::JSON::Object& payload, const std::string& expected) {
  if (!payload.has("aud")) return reject("missing aud");
  const Poco::Dynamic::Var value = payload.get("aud");
  const auto notStrings = [] { return reject("aud is not a string or a list of strings"); };
  if (value.isString()) {
    return value.extract<std::string>() == expected ? Status::ok() : reject("audience does not match");
  }
  const auto list = payload.getArray("aud");
  if (!list) return notStrings();
  bool found = false;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const Poco::Dynamic::Var item = list->get(static_cast<unsigned>(i));
    if (!item.isString()) return notStrings();
    found = found || item.extract<std::string>() == expected;
  }
  return found ? Status::ok() : reject("audience does not match");
}

Expected<std::string> readSubject(const Poco::JSON::Object& payload) {
  if (!payload.has("sub")) return reject("missing sub");
  const Poco::Dynamic::Var value = payload.get("sub");
  if (!value.isString()) return reject("sub is not a string");
  std::string subject = value.extract<std::string>();
  if (subject.empty()) return reject("sub is empty");
  if (subject.size() > TokenVerifier::kMaxSubjectBytes) {
    return reject("sub is longer than " + std::to_string(TokenVerifier::kMaxSubjectBytes) + " bytes");
  }
  // The user id ends up in session ownership records and log lines.
  if (!isVisibleAscii(subject)) return reject("sub must be printable ASCII without spaces");
  return subject;
}

}  // namespace

TokenVerifier::TokenVerifier(const JwtSettings& settings,
                             std::shared_ptr<const Poco::Crypto::RSAKey> rs256Key)
    : hs256Secret_(settings.hs256Secret),
      rs256Key_(std::move(rs256Key)),
      issuer_(settings.issuer),
      audience_(settings.audience),
      leewaySeconds_(std::chrono::duration_cast<Seconds>(settings.leeway).count()),
      requireExp_(settings.requireExp) {}

Expected<std::shared_ptr<const TokenVerifier>> TokenVerifier::create(const JwtSettings& settings) {
  if (settings.hs256Secret.empty() && settings.rs256PublicKeyFile.empty()) {
    return Status(Code::kInvalidArgument, "auth.jwt: needs hs256_secret or rs256_public_key_file");
  }
  if (!settings.hs256Secret.empty()) {
    if (auto status = checkHs256Secret(settings.hs256Secret); !status) {
      return status.withContext("auth.jwt.hs256_secret");
    }
  }
  if (settings.leeway < std::chrono::milliseconds(0) || settings.leeway > kMaxLeeway) {
    return Status(Code::kInvalidArgument, "auth.jwt.leeway: must be between 0s and " +
                                              std::to_string(kMaxLeeway / std::chrono::minutes(1)) + "m");
  }
  std::shared_ptr<const Poco::Crypto::RSAKey> rs256Key;
  if (!settings.rs256PublicKeyFile.empty()) {
    auto key = loadRs256PublicKey(settings.rs256PublicKeyFile);
    if (!key) return key.error().withContext("auth.jwt.rs256_public_key_file");
    rs256Key = std::move(key).value();
  }
  return std::shared_ptr<const TokenVerifier>(new TokenVerifier(settings, std::move(rs256Key)));
}

Expected<std::string> TokenVerifier::verify(std::string_view token,
                                            std::chrono::system_clock::time_point now) const {
  // Poco and OpenSSL report trouble by throwing; nothing may reach the I/O thread.
  try {
    return verifyOrThrow(token, now);
  } catch (...) {
    return reject("token could not be parsed");
  }
}

Expected<std::string> TokenVerifier::verifyOrThrow(std::string_view token,
                                                   std::chrono::system_clock::time_point now) const {
  if (token.empty()) return reject("token is empty");
  if (token.size() > kMaxTokenBytes) {
    return reject("token is " + std::to_string(token.size()) + " bytes; the limit is " +
                  std::to_string(kMaxTokenBytes));
  }
  auto parts = splitToken(token);
  if (!parts) return parts.error();
  const auto [headerPart, payloadPart, signaturePart] = *parts;

  auto header = decodeObject(headerPart, "header");
  if (!header) return header.error();
  if (!(*header)->has("alg")) return reject("missing alg");
  const Poco::Dynamic::Var alg = (*header)->get("alg");
  if (!alg.isString()) return reject("alg is not a string");
  const std::string algorithm = alg.extract<std::string>();
  if (auto status = checkAlgorithm(algorithm); !status) return status;
  // RFC 7515 section 4.1.11: extensions listed in crit must be understood; we know none.
  if ((*header)->has("crit")) return reject("header crit is not supported");

  const std::string_view signingInput = token.substr(0, headerPart.size() + 1 + payloadPart.size());
  if (auto status = checkSignature(algorithm, signingInput, signaturePart); !status) return status;

  // Only a token whose signature verifies gets its claims read.
  auto payload = decodeObject(payloadPart, "payload");
  if (!payload) return payload.error();
  return checkClaims(**payload, now);
}

Status TokenVerifier::checkAlgorithm(const std::string& algorithm) const {
  const bool accepted = (algorithm == kHs256 && !hs256Secret_.empty()) || (algorithm == kRs256 && rs256Key_);
  if (accepted) return Status::ok();
  return reject("algorithm " + printable(algorithm) + " not accepted (accepted: " + acceptedAlgorithms() +
                ")");
}

Status TokenVerifier::checkSignature(const std::string& algorithm, std::string_view signingInput,
                                     std::string_view signature) const {
  if (signature.empty()) return reject("token is not signed");
  if (!isBase64Url(signature)) return reject("signature is not base64url");
  const auto bytes = decodeBase64Url(signature);
  if (!bytes) return reject("signature is not base64url");

  if (algorithm == kHs256) {
    if (bytes->size() != kHs256SignatureBytes) return reject("signature does not verify");
    std::array<unsigned char, EVP_MAX_MD_SIZE> expected{};
    unsigned int length = 0;
    const auto* mac = HMAC(EVP_sha256(), hs256Secret_.data(), static_cast<int>(hs256Secret_.size()),
                           reinterpret_cast<const unsigned char*>(signingInput.data()), signingInput.size(),
                           expected.data(), &length);
    // Constant time: an early-exit compare would leak how many leading bytes
    // of a forged MAC are right (Poco's Signer compares with ==).
    if (mac == nullptr || length != kHs256SignatureBytes ||
        CRYPTO_memcmp(expected.data(), bytes->data(), kHs256SignatureBytes) != 0) {
      return reject("signature does not verify");
    }
    return Status::ok();
  }

  // RS256. The engine is per call (cheap: it shares the key's reference-
  // counted OpenSSL object), so concurrent verifications never share state.
  if (bytes->size() != static_cast<std::size_t>(rs256Key_->size()))
    return reject("signature does not verify");
  Poco::Crypto::RSADigestEngine engine(*rs256Key_, "SHA256");
  engine.update(signingInput.data(), signingInput.size());
  bool verified = false;
  try {
    verified = engine.verify(Poco::DigestEngine::Digest(bytes->begin(), bytes->end()));
  } catch (const Poco::Exception&) {
    verified = false;
  }
  return verified ? Status::ok() : reject("signature does not verify");
}

Expected<std::string> TokenVerifier::checkClaims(const Poco::JSON::Object& payload,
                                                 std::chrono::system_clock::time_point now) const {
  const double nowSeconds = std::chrono::duration_cast<Seconds>(now.time_since_epoch()).count();

  auto exp = readTime(payload, "exp");
  if (!exp) return exp.error();
  if (!*exp && requireExp_) return reject("missing exp");
  if (*exp && nowSeconds >= **exp + leewaySeconds_) {
    return reject("token expired " + std::to_string(ceilSeconds(nowSeconds - **exp)) + "s ago");
  }

  auto nbf = readTime(payload, "nbf");
  if (!nbf) return nbf.error();
  if (*nbf && nowSeconds + leewaySeconds_ < **nbf) {
    return reject("token not valid for another " + std::to_string(ceilSeconds(**nbf - nowSeconds)) +
                  "s (nbf)");
  }

  auto iat = readTime(payload, "iat");
  if (!iat) return iat.error();
  if (*iat && **iat > nowSeconds + leewaySeconds_) {
    return reject("token issued " + std::to_string(ceilSeconds(**iat - nowSeconds)) +
                  "s in the future (iat)");
  }

  if (!issuer_.empty()) {
    if (!payload.has("iss")) return reject("missing iss");
    const Poco::Dynamic::Var iss = payload.get("iss");
    if (!iss.isString()) return reject("iss is not a string");
    if (iss.extract<std::string>() != issuer_) return reject("issuer does not match");
  }
  if (!audience_.empty()) {
    if (auto status = checkAudience(payload, audience_); !status) return status;
  }
  return readSubject(payload);
}

std::string TokenVerifier::acceptedAlgorithms() const {
  std::string out;
  if (!hs256Secret_.empty()) out += kHs256;
  if (rs256Key_) out += out.empty() ? std::string(kRs256) : ", " + std::string(kRs256);
  return out;
}

}  // namespace streamgate
