#include "config/auth_settings.h"

#include <Poco/Crypto/RSAKey.h>
#include <Poco/Exception.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace streamgate {
namespace {

// A PEM public key is well under 2 KiB even at 8192 bits; anything much bigger
// is the wrong file, and reading it whole is pointless.
constexpr std::uintmax_t kMaxPemBytes = 64 * 1024;

std::string formatDuration(std::chrono::milliseconds value) {
  if (value % std::chrono::hours(1) == std::chrono::milliseconds(0))
    return std::to_string(value / std::chrono::hours(1)) + "h";
  if (value % std::chrono::minutes(1) == std::chrono::milliseconds(0))
    return std::to_string(value / std::chrono::minutes(1)) + "m";
  if (value % std::chrono::seconds(1) == std::chrono::milliseconds(0))
    return std::to_string(value / std::chrono::seconds(1)) + "s";
  return std::to_string(value.count()) + "ms";
}

// An optional string key: absent means "not configured", present but empty is
// almost always an unset ${VAR}, which must not quietly disable a check.
std::string readOptional(ConfigSection& section, std::string_view key, std::string_view whatEmptyMeans) {
  auto value = section.optionalString(key);
  if (value && value->empty()) {
    section.fail(
        key, "is empty (an unset environment variable?); remove the key to " + std::string(whatEmptyMeans));
  }
  return value ? std::move(*value) : std::string();
}

void readJwt(ConfigSection& jwt, JwtSettings& out) {
  out.hs256Secret = readOptional(jwt, "hs256_secret", "disable HS256");
  if (!out.hs256Secret.empty()) {
    if (auto status = checkHs256Secret(out.hs256Secret); !status) jwt.fail("hs256_secret", status.message());
  }

  out.rs256PublicKeyFile = readOptional(jwt, "rs256_public_key_file", "disable RS256");
  if (!out.rs256PublicKeyFile.empty()) {
    if (auto key = loadRs256PublicKey(out.rs256PublicKeyFile); !key) {
      jwt.fail("rs256_public_key_file", key.error().message());
    }
  }

  out.issuer = readOptional(jwt, "issuer", "skip the iss check");
  out.audience = readOptional(jwt, "audience", "skip the aud check");

  out.leeway = jwt.getDuration("leeway", out.leeway);
  if (out.leeway > kMaxLeeway) {
    jwt.fail("leeway", formatDuration(out.leeway) + " is more than the " + formatDuration(kMaxLeeway) +
                           " allowed: a long leeway keeps expired tokens working");
  }
  out.requireExp = jwt.getBool("require_exp", out.requireExp);
}

}  // namespace

AuthSettings readAuthSettings(ConfigSection& auth) {
  AuthSettings settings;
  const std::string mode = auth.getString("mode", "jwt");
  if (mode == "none") {
    settings.mode = AuthMode::kNone;
  } else if (mode == "jwt") {
    settings.mode = AuthMode::kJwt;
  } else {
    auth.fail("mode", "unknown mode \"" + mode + "\" (jwt, none)");
  }

  auto jwt = auth.child("jwt");
  readJwt(jwt, settings.jwt);

  if (settings.mode == AuthMode::kJwt && settings.jwt.hs256Secret.empty() &&
      settings.jwt.rs256PublicKeyFile.empty()) {
    auth.fail("jwt",
              "mode jwt (the default) needs hs256_secret or rs256_public_key_file; "
              "for local development set " +
                  auth.keyPath("mode") + ": none");
  }
  return settings;
}

Status checkHs256Secret(std::string_view secret) {
  if (secret.size() >= kMinHs256SecretBytes) return Status::ok();
  return Status(Code::kInvalidArgument,
                "is " + std::to_string(secret.size()) + " bytes; HS256 needs at least " +
                    std::to_string(kMinHs256SecretBytes) +
                    " (RFC 7518 section 3.2): a shorter secret can be brute-forced offline from a "
                    "single token");
}

Expected<std::shared_ptr<const Poco::Crypto::RSAKey>> loadRs256PublicKey(const std::filesystem::path& file) {
  const auto refuse = [&](const std::string& why) {
    return Status(Code::kInvalidArgument, file.string() + ": " + why);
  };
  std::error_code error;
  if (!std::filesystem::exists(file, error)) return refuse("no such file");
  if (!std::filesystem::is_regular_file(file, error)) return refuse("not a regular file");
  const auto size = std::filesystem::file_size(file, error);
  if (error) return refuse("cannot read: " + error.message());
  if (size > kMaxPemBytes) {
    return refuse("is " + std::to_string(size) + " bytes, too big for a PEM public key");
  }

  std::ifstream in(file, std::ios::binary);
  if (!in) return refuse(std::string("cannot open: ") + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  const std::string pem = text.str();

  // Clearer than OpenSSL's "cannot parse" for the two usual wrong files, and
  // a private key has no business on the gateway.
  if (pem.find("PRIVATE KEY-----") != std::string::npos) {
    return refuse(
        "holds a private key; give the gateway only the public key "
        "(openssl rsa -in key.pem -pubout -out public.pem)");
  }
  if (pem.find("BEGIN CERTIFICATE-----") != std::string::npos) {
    return refuse(
        "holds a certificate; extract its public key "
        "(openssl x509 -in cert.pem -pubkey -noout > public.pem)");
  }

  std::shared_ptr<const Poco::Crypto::RSAKey> key;
  try {
    std::istringstream stream(pem);
    key = std::make_shared<const Poco::Crypto::RSAKey>(&stream);
  } catch (const Poco::Exception&) {
    return refuse(
        "not a PEM RSA public key (expected -----BEGIN PUBLIC KEY----- or -----BEGIN RSA PUBLIC KEY-----)");
  } catch (const std::exception&) {
    return refuse("not a PEM RSA public key");
  }
  const int bits = key->size() * 8;
  if (bits < kMinRsaKeyBits) {
    return refuse("RSA key is " + std::to_string(bits) + " bits; at least " + std::to_string(kMinRsaKeyBits) +
                  " are required");
  }
  return key;
}

}  // namespace streamgate
