#include "config/auth_settings.h"

#include <Poco/Crypto/RSAKey.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace streamgate {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kSecret = "0123456789abcdef0123456789abcdef";  // exactly 32 bytes

class AuthSettingsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("sg_auth_settings_test_" + std::to_string(getpid()));
    fs::create_directories(dir_);
    Poco::Crypto::RSAKey key(Poco::Crypto::RSAKey::KL_2048, Poco::Crypto::RSAKey::EXP_LARGE);
    std::ostringstream publicPem;
    std::ostringstream privatePem;
    key.save(&publicPem, &privatePem);
    write("public.pem", publicPem.str());
    write("private.pem", privatePem.str());
    write("garbage.pem", "-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----\n");
    Poco::Crypto::RSAKey weak(Poco::Crypto::RSAKey::KL_1024, Poco::Crypto::RSAKey::EXP_LARGE);
    std::ostringstream weakPem;
    weak.save(&weakPem);
    write("weak.pem", weakPem.str());
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }

  static void write(const std::string& name, const std::string& text) { std::ofstream(dir_ / name) << text; }
  static std::string pem(const std::string& name) { return (dir_ / name).string(); }

  // Reads text as the whole host config and returns auth's settings and the root status.
  static std::pair<AuthSettings, Status> read(std::string_view yaml) {
    auto root = ConfigSection::parse(yaml, "");
    EXPECT_TRUE(root.hasValue()) << root.status().toString();
    auto auth = root->child("auth");
    AuthSettings settings = readAuthSettings(auth);
    return {settings, root->status()};
  }
  static AuthSettings readOk(std::string_view yaml) {
    auto [settings, status] = read(yaml);
    EXPECT_TRUE(status.isOk()) << status.toString();
    return settings;
  }
  static std::string readError(std::string_view yaml) {
    auto [settings, status] = read(yaml);
    EXPECT_FALSE(status.isOk());
    return status.message();
  }

  static inline fs::path dir_;
};

TEST_F(AuthSettingsTest, NoAuthSectionMeansJwtAndRefusesToStartWithoutAKey) {
  const auto error = readError("");
  EXPECT_EQ(error.rfind("auth.jwt: ", 0), 0u) << error;
  EXPECT_NE(error.find("hs256_secret or rs256_public_key_file"), std::string::npos) << error;
  EXPECT_NE(error.find("auth.mode: none"), std::string::npos) << error;
}

TEST_F(AuthSettingsTest, ModeNoneNeedsNoKey) {
  const auto settings = readOk("auth: {mode: none}");
  EXPECT_EQ(settings.mode, AuthMode::kNone);
  EXPECT_TRUE(settings.jwt.hs256Secret.empty());
}

TEST_F(AuthSettingsTest, ReadsEveryKey) {
  const auto settings = readOk("auth:\n  mode: jwt\n  jwt:\n    hs256_secret: " + std::string(kSecret) +
                               "\n    rs256_public_key_file: " + pem("public.pem") +
                               "\n    issuer: https://issuer.test\n    audience: streamgate\n"
                               "    leeway: 10s\n    require_exp: false\n");
  EXPECT_EQ(settings.mode, AuthMode::kJwt);
  EXPECT_EQ(settings.jwt.hs256Secret, kSecret);
  EXPECT_EQ(settings.jwt.rs256PublicKeyFile, pem("public.pem"));
  EXPECT_EQ(settings.jwt.issuer, "https://issuer.test");
  EXPECT_EQ(settings.jwt.audience, "streamgate");
  EXPECT_EQ(settings.jwt.leeway, std::chrono::seconds(10));
  EXPECT_FALSE(settings.jwt.requireExp);
}

TEST_F(AuthSettingsTest, Defaults) {
  const auto settings = readOk("auth: {jwt: {hs256_secret: " + std::string(kSecret) + "}}");
  EXPECT_EQ(settings.mode, AuthMode::kJwt);
  EXPECT_TRUE(settings.jwt.rs256PublicKeyFile.empty());
  EXPECT_TRUE(settings.jwt.issuer.empty());
  EXPECT_TRUE(settings.jwt.audience.empty());
  EXPECT_EQ(settings.jwt.leeway, std::chrono::seconds(30));
  EXPECT_TRUE(settings.jwt.requireExp);
}

TEST_F(AuthSettingsTest, SecretComesFromTheEnvironment) {
  ::setenv("SG_AUTH_TEST_SECRET", std::string(kSecret).c_str(), 1);
  const auto settings = readOk("auth: {jwt: {hs256_secret: '${SG_AUTH_TEST_SECRET}'}}");
  ::unsetenv("SG_AUTH_TEST_SECRET");
  EXPECT_EQ(settings.jwt.hs256Secret, kSecret);
}

TEST_F(AuthSettingsTest, ShortSecretIsRefusedWithoutShowingIt) {
  const std::string secret = "tooShortSecret-31-bytes-long!!!";
  ASSERT_EQ(secret.size(), 31u);
  const auto error = readError("auth: {jwt: {hs256_secret: '" + secret + "'}}");
  EXPECT_EQ(error.rfind("auth.jwt.hs256_secret: is 31 bytes; HS256 needs at least 32", 0), 0u) << error;
  EXPECT_NE(error.find("brute-forced"), std::string::npos) << error;
  EXPECT_EQ(error.find(secret), std::string::npos) << error;
}

TEST_F(AuthSettingsTest, EmptySecretFromAnUnsetVariableIsAnError) {
  ::unsetenv("SG_AUTH_TEST_UNSET");
  const auto error = readError("auth: {jwt: {hs256_secret: '${SG_AUTH_TEST_UNSET}'}}");
  EXPECT_EQ(error.rfind("auth.jwt.hs256_secret: is empty", 0), 0u) << error;
}

TEST_F(AuthSettingsTest, MissingKeyFileIsNamed) {
  const auto missing = pem("nowhere.pem");
  const auto error = readError("auth: {jwt: {rs256_public_key_file: " + missing + "}}");
  EXPECT_EQ(error, "auth.jwt.rs256_public_key_file: " + missing + ": no such file");
}

TEST_F(AuthSettingsTest, UnparsableKeyFileIsNamed) {
  const auto error = readError("auth: {jwt: {rs256_public_key_file: " + pem("garbage.pem") + "}}");
  EXPECT_EQ(
      error.rfind("auth.jwt.rs256_public_key_file: " + pem("garbage.pem") + ": not a PEM RSA public key", 0),
      0u)
      << error;
}

TEST_F(AuthSettingsTest, PrivateKeyFileIsRefused) {
  const auto error = readError("auth: {jwt: {rs256_public_key_file: " + pem("private.pem") + "}}");
  EXPECT_NE(error.find(pem("private.pem") + ": holds a private key"), std::string::npos) << error;
}

TEST_F(AuthSettingsTest, WeakRsaKeyIsRefused) {
  const auto error = readError("auth: {jwt: {rs256_public_key_file: " + pem("weak.pem") + "}}");
  EXPECT_NE(error.find(pem("weak.pem") + ": RSA key is 1024 bits; at least 2048"), std::string::npos)
      << error;
}

TEST_F(AuthSettingsTest, ModeTypoIsNamed) {
  const auto error = readError("auth: {mode: jtw, jwt: {hs256_secret: " + std::string(kSecret) + "}}");
  EXPECT_EQ(error, "auth.mode: unknown mode \"jtw\" (jwt, none)");
}

TEST_F(AuthSettingsTest, UnknownKeysAreRejected) {
  EXPECT_EQ(readError("auth: {mode: none, jwt: {hs256_secrett: x}}"), "auth.jwt.hs256_secrett: unknown key");
  EXPECT_EQ(readError("auth: {mode: none, mdoe: jwt}"), "auth.mdoe: unknown key");
}

TEST_F(AuthSettingsTest, JwtKeysAreValidatedEvenWhenModeIsNone) {
  const auto settings = readOk("auth: {mode: none, jwt: {hs256_secret: " + std::string(kSecret) + "}}");
  EXPECT_EQ(settings.mode, AuthMode::kNone);
  EXPECT_EQ(settings.jwt.hs256Secret, kSecret);
  EXPECT_EQ(readError("auth: {mode: none, jwt: {hs256_secret: short}}")
                .rfind("auth.jwt.hs256_secret: is 5 bytes", 0),
            0u);
  EXPECT_EQ(readError("auth: {mode: none, jwt: {rs256_public_key_file: " + pem("nowhere.pem") + "}}")
                .rfind("auth.jwt.rs256_public_key_file: ", 0),
            0u);
}

TEST_F(AuthSettingsTest, LeewayIsBounded) {
  EXPECT_EQ(readOk("auth: {mode: none, jwt: {leeway: 0s}}").jwt.leeway, std::chrono::seconds(0));
  EXPECT_EQ(readOk("auth: {mode: none, jwt: {leeway: 5m}}").jwt.leeway, std::chrono::minutes(5));
  EXPECT_EQ(
      readError("auth: {mode: none, jwt: {leeway: 1h}}").rfind("auth.jwt.leeway: 1h is more than the 5m", 0),
      0u);
  EXPECT_EQ(
      readError("auth: {mode: none, jwt: {leeway: soon}}").rfind("auth.jwt.leeway: expected a duration", 0),
      0u);
}

TEST_F(AuthSettingsTest, EmptyIssuerOrAudienceIsAnError) {
  EXPECT_EQ(readError("auth: {mode: none, jwt: {issuer: ''}}").rfind("auth.jwt.issuer: is empty", 0), 0u);
  EXPECT_EQ(readError("auth: {mode: none, jwt: {audience: ''}}").rfind("auth.jwt.audience: is empty", 0), 0u);
}

TEST_F(AuthSettingsTest, RequireExpMustBeABool) {
  EXPECT_EQ(readError("auth: {mode: none, jwt: {require_exp: maybe}}"),
            "auth.jwt.require_exp: expected true or false, got \"maybe\"");
}

}  // namespace
}  // namespace streamgate
