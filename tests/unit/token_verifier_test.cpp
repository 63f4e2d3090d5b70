#include "gateway/token_verifier.h"

#include <Poco/Base64Encoder.h>
#include <Poco/Crypto/RSAKey.h>
#include <Poco/JSON/Array.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

namespace streamgate {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::system_clock;
using RsaKeyPtr = Poco::SharedPtr<Poco::Crypto::RSAKey>;

const std::string kSecret = "test-secret-0123456789-abcdefghijklmnop";  // 39 bytes
constexpr std::int64_t kNowSeconds = 1'700'000'000;
const Clock::time_point kNow{std::chrono::seconds(kNowSeconds)};

std::string base64Url(const std::string& bytes) {
  std::ostringstream out;
  Poco::Base64Encoder encoder(out, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
  encoder << bytes;
  encoder.close();
  return out.str();
}

// A token with the given raw header and payload JSON and signature text.
std::string craft(const std::string& header, const std::string& payload,
                  const std::string& signature = "sig") {
  return base64Url(header) + "." + base64Url(payload) + "." + signature;
}

// Valid claims: sub, exp in five minutes, issued ten seconds ago.
Poco::JWT::Token claims(const std::string& subject = "user-1") {
  Poco::JWT::Token token;
  token.setType("JWT");
  token.payload().set("sub", subject);
  token.payload().set("exp", kNowSeconds + 300);
  token.payload().set("iat", kNowSeconds - 10);
  return token;
}

// HS256 over exactly these header and payload bytes, which Poco's Signer
// (it serializes a Token) cannot produce for text that is not a JSON object.
std::string signRawHs(const std::string& header, const std::string& payload) {
  const std::string input = base64Url(header) + "." + base64Url(payload);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), kSecret.data(), static_cast<int>(kSecret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &length);
  return input + "." + base64Url(std::string(reinterpret_cast<const char*>(mac), length));
}

std::string signHs(Poco::JWT::Token token, const std::string& secret = kSecret,
                   const std::string& algorithm = Poco::JWT::Signer::ALGO_HS256) {
  return Poco::JWT::Signer(secret).sign(token, algorithm);
}

class TokenVerifierTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("sg_token_verifier_test_" + std::to_string(getpid()));
    fs::create_directories(dir_);
    rsaKey_ = new Poco::Crypto::RSAKey(Poco::Crypto::RSAKey::KL_2048, Poco::Crypto::RSAKey::EXP_LARGE);
    otherRsaKey_ = new Poco::Crypto::RSAKey(Poco::Crypto::RSAKey::KL_2048, Poco::Crypto::RSAKey::EXP_LARGE);
    std::ostringstream pem;
    rsaKey_->save(&pem);
    publicPem_ = pem.str();
    std::ofstream(dir_ / "public.pem") << publicPem_;
  }
  static void TearDownTestSuite() {
    fs::remove_all(dir_);
    rsaKey_ = nullptr;
    otherRsaKey_ = nullptr;
  }

  static fs::path publicKeyFile() { return dir_ / "public.pem"; }

  static std::string signRs(Poco::JWT::Token token, const RsaKeyPtr& key = rsaKey_) {
    return Poco::JWT::Signer(key).sign(token, Poco::JWT::Signer::ALGO_RS256);
  }

  static std::shared_ptr<const TokenVerifier> make(JwtSettings settings) {
    auto verifier = TokenVerifier::create(settings);
    EXPECT_TRUE(verifier.hasValue()) << verifier.status().toString();
    return verifier.hasValue() ? *verifier : nullptr;
  }
  static std::shared_ptr<const TokenVerifier> hsOnly() { return make(JwtSettings{.hs256Secret = kSecret}); }
  static std::shared_ptr<const TokenVerifier> rsOnly() {
    return make(JwtSettings{.rs256PublicKeyFile = publicKeyFile()});
  }
  static std::shared_ptr<const TokenVerifier> both() {
    return make(JwtSettings{.hs256Secret = kSecret, .rs256PublicKeyFile = publicKeyFile()});
  }

  // The refusal reason; also checks it gives away neither the secret nor the token.
  static std::string refusal(const TokenVerifier& verifier, std::string_view token,
                             Clock::time_point now = kNow) {
    auto subject = verifier.verify(token, now);
    EXPECT_FALSE(subject.hasValue()) << "accepted as " << (subject.hasValue() ? *subject : "");
    if (subject.hasValue()) return "";
    EXPECT_EQ(subject.error().code(), Code::kInvalidArgument);
    const std::string& reason = subject.error().message();
    EXPECT_EQ(reason.find(kSecret), std::string::npos) << reason;
    if (token.size() > 8) {
      EXPECT_EQ(reason.find(token), std::string::npos) << reason;
    }
    return reason;
  }
  static std::string accepted(const TokenVerifier& verifier, std::string_view token,
                              Clock::time_point now = kNow) {
    auto subject = verifier.verify(token, now);
    EXPECT_TRUE(subject.hasValue()) << subject.status().toString();
    return subject.hasValue() ? *subject : "";
  }

  static inline fs::path dir_;
  static inline RsaKeyPtr rsaKey_;
  static inline RsaKeyPtr otherRsaKey_;
  static inline std::string publicPem_;
};

TEST_F(TokenVerifierTest, AcceptsHs256AndReturnsSub) {
  EXPECT_EQ(accepted(*hsOnly(), signHs(claims("alice"))), "alice");
  EXPECT_EQ(accepted(*both(), signHs(claims("alice"))), "alice");
}

TEST_F(TokenVerifierTest, AcceptsRs256AndReturnsSub) {
  EXPECT_EQ(accepted(*rsOnly(), signRs(claims("bob"))), "bob");
  EXPECT_EQ(accepted(*both(), signRs(claims("bob"))), "bob");
}

TEST_F(TokenVerifierTest, WrongSecretDoesNotVerify) {
  EXPECT_EQ(refusal(*hsOnly(), signHs(claims(), kSecret + "x")), "signature does not verify");
}

TEST_F(TokenVerifierTest, OtherRsaKeyDoesNotVerify) {
  EXPECT_EQ(refusal(*rsOnly(), signRs(claims(), otherRsaKey_)), "signature does not verify");
}

TEST_F(TokenVerifierTest, TamperedPayloadDoesNotVerify) {
  for (const auto& token : {signHs(claims("alice")), signRs(claims("alice"))}) {
    const auto firstDot = token.find('.');
    const auto secondDot = token.find('.', firstDot + 1);
    const std::string forged =
        token.substr(0, firstDot + 1) +
        base64Url(R"({"sub":"admin","exp":)" + std::to_string(kNowSeconds + 300) + "}") +
        token.substr(secondDot);
    EXPECT_EQ(refusal(*both(), forged), "signature does not verify");
  }
}

TEST_F(TokenVerifierTest, TruncatedOrFlippedSignatureDoesNotVerify) {
  const auto hs = signHs(claims());
  EXPECT_EQ(refusal(*hsOnly(), hs.substr(0, hs.size() - 4)), "signature does not verify");
  std::string flipped = hs;
  flipped[flipped.size() - 2] = flipped[flipped.size() - 2] == 'A' ? 'B' : 'A';
  EXPECT_EQ(refusal(*hsOnly(), flipped), "signature does not verify");
  const auto rs = signRs(claims());
  EXPECT_EQ(refusal(*rsOnly(), rs.substr(0, rs.size() - 4)), "signature does not verify");
}

TEST_F(TokenVerifierTest, AlgNoneIsRefused) {
  const std::string payload = R"({"sub":"admin","exp":)" + std::to_string(kNowSeconds + 300) + "}";
  EXPECT_EQ(refusal(*both(), craft(R"({"alg":"none","typ":"JWT"})", payload, "")),
            "algorithm none not accepted (accepted: HS256, RS256)");
  EXPECT_EQ(refusal(*both(), craft(R"({"alg":"None"})", payload, "x")),
            "algorithm None not accepted (accepted: HS256, RS256)");
}

TEST_F(TokenVerifierTest, AlgorithmConfusionIsRefused) {
  // The classic attack: the RSA public key is public, so a verifier that lets
  // the header pick HMAC would check this token against the PEM text.
  const auto confused = signHs(claims("admin"), publicPem_);
  EXPECT_EQ(refusal(*rsOnly(), confused), "algorithm HS256 not accepted (accepted: RS256)");
  EXPECT_EQ(refusal(*both(), confused), "signature does not verify");
  // And the other way round: RS256 is not accepted with only a secret.
  EXPECT_EQ(refusal(*hsOnly(), signRs(claims())), "algorithm RS256 not accepted (accepted: HS256)");
}

TEST_F(TokenVerifierTest, OtherAlgorithmsAreRefused) {
  EXPECT_EQ(refusal(*both(), signHs(claims(), kSecret, Poco::JWT::Signer::ALGO_HS512)),
            "algorithm HS512 not accepted (accepted: HS256, RS256)");
  auto token = claims();
  EXPECT_EQ(refusal(*both(), Poco::JWT::Signer(rsaKey_).sign(token, Poco::JWT::Signer::ALGO_RS512)),
            "algorithm RS512 not accepted (accepted: HS256, RS256)");
  EXPECT_EQ(refusal(*both(), craft(R"({"typ":"JWT"})", "{}")), "missing alg");
  EXPECT_EQ(refusal(*both(), craft(R"({"alg":256})", "{}")), "alg is not a string");
  EXPECT_EQ(refusal(*both(), craft(R"({"alg":"HS256\u0000x"})", "{}")),
            "algorithm (unprintable) not accepted (accepted: HS256, RS256)");
}

TEST_F(TokenVerifierTest, CriticalHeaderExtensionsAreRefused) {
  auto token = claims();
  auto crit = Poco::JSON::Array::Ptr(new Poco::JSON::Array);
  crit->add(std::string("b64"));
  token.header().set("crit", crit);
  token.header().set("b64", false);
  EXPECT_EQ(refusal(*hsOnly(), signHs(token)), "header crit is not supported");
}

TEST_F(TokenVerifierTest, ExpiredTokenSaysHowLongAgo) {
  auto token = claims();
  token.payload().set("exp", kNowSeconds - 42);
  EXPECT_EQ(refusal(*hsOnly(), signHs(token)), "token expired 42s ago");
  // A fractional exp is rounded up.
  token.payload().set("exp", kNowSeconds - 41.5);
  EXPECT_EQ(refusal(*hsOnly(), signHs(token)), "token expired 42s ago");
}

TEST_F(TokenVerifierTest, LeewayCoversSmallClockSkew) {
  auto token = claims();
  token.payload().set("exp", kNowSeconds - 29);
  EXPECT_EQ(accepted(*hsOnly(), signHs(token)), "user-1");  // default leeway 30s
  EXPECT_EQ(refusal(*hsOnly(), signHs(token), kNow + std::chrono::seconds(1)), "token expired 30s ago");
  auto strict = make(JwtSettings{.hs256Secret = kSecret, .leeway = std::chrono::seconds(0)});
  EXPECT_EQ(refusal(*strict, signHs(token)), "token expired 29s ago");
  token.payload().set("exp", kNowSeconds);
  EXPECT_EQ(refusal(*strict, signHs(token)), "token expired 0s ago");  // exp is exclusive
}

TEST_F(TokenVerifierTest, ExpIsRequiredUnlessConfiguredOtherwise) {
  auto token = claims();
  token.payload().remove("exp");
  EXPECT_EQ(refusal(*hsOnly(), signHs(token)), "missing exp");
  auto lenient = make(JwtSettings{.hs256Secret = kSecret, .requireExp = false});
  EXPECT_EQ(accepted(*lenient, signHs(token)), "user-1");
  // An exp that is present is still checked.
  token.payload().set("exp", kNowSeconds - 100);
  EXPECT_EQ(refusal(*lenient, signHs(token)), "token expired 100s ago");
}

TEST_F(TokenVerifierTest, TimeClaimsMustBeNumbers) {
  const auto verifier = hsOnly();
  auto token = claims();
  token.payload().set("exp", std::to_string(kNowSeconds + 300));
  EXPECT_EQ(refusal(*verifier, signHs(token)), "exp is not a number");
  token.payload().set("exp", true);
  EXPECT_EQ(refusal(*verifier, signHs(token)), "exp is not a number");
  token.payload().set("exp", 1e300);
  EXPECT_EQ(refusal(*verifier, signHs(token)), "exp is not a valid time");
  token.payload().set("exp", -5);
  EXPECT_EQ(refusal(*verifier, signHs(token)), "exp is not a valid time");
  token = claims();
  token.payload().set("nbf", Poco::Dynamic::Var());
  EXPECT_EQ(refusal(*verifier, signHs(token)), "nbf is not a number");
}

TEST_F(TokenVerifierTest, NotBeforeIsChecked) {
  auto token = claims();
  token.payload().set("nbf", kNowSeconds + 100);
  EXPECT_EQ(refusal(*hsOnly(), signHs(token)), "token not valid for another 100s (nbf)");
  token.payload().set("nbf", kNowSeconds + 20);  // within the leeway
  EXPECT_EQ(accepted(*hsOnly(), signHs(token)), "user-1");
  token.payload().set("nbf", kNowSeconds - 20);
  EXPECT_EQ(accepted(*hsOnly(), signHs(token)), "user-1");
}

TEST_F(TokenVerifierTest, IssuedInTheFutureIsRefused) {
  auto token = claims();
  token.payload().set("iat", kNowSeconds + 100);
  EXPECT_EQ(refusal(*hsOnly(), signHs(token)), "token issued 100s in the future (iat)");
  token.payload().set("iat", kNowSeconds + 20);  // within the leeway
  EXPECT_EQ(accepted(*hsOnly(), signHs(token)), "user-1");
  token.payload().remove("iat");  // optional
  EXPECT_EQ(accepted(*hsOnly(), signHs(token)), "user-1");
}

TEST_F(TokenVerifierTest, IssuerIsCheckedWhenConfigured) {
  auto verifier = make(JwtSettings{.hs256Secret = kSecret, .issuer = "https://issuer.test"});
  auto token = claims();
  EXPECT_EQ(refusal(*verifier, signHs(token)), "missing iss");
  token.setIssuer("https://evil.test");
  EXPECT_EQ(refusal(*verifier, signHs(token)), "issuer does not match");
  token.payload().set("iss", 7);
  EXPECT_EQ(refusal(*verifier, signHs(token)), "iss is not a string");
  token.setIssuer("https://issuer.test");
  EXPECT_EQ(accepted(*verifier, signHs(token)), "user-1");
  // Without a configured issuer any iss goes.
  token.setIssuer("https://evil.test");
  EXPECT_EQ(accepted(*hsOnly(), signHs(token)), "user-1");
}

TEST_F(TokenVerifierTest, AudienceIsCheckedWhenConfiguredAsStringOrList) {
  auto verifier = make(JwtSettings{.hs256Secret = kSecret, .audience = "streamgate"});
  auto token = claims();
  EXPECT_EQ(refusal(*verifier, signHs(token)), "missing aud");
  token.setAudience("billing");
  EXPECT_EQ(refusal(*verifier, signHs(token)), "audience does not match");
  token.setAudience("streamgate");
  EXPECT_EQ(accepted(*verifier, signHs(token)), "user-1");
  token.setAudience(std::vector<std::string>{"billing", "streamgate"});
  EXPECT_EQ(accepted(*verifier, signHs(token)), "user-1");
  token.setAudience(std::vector<std::string>{"billing", "search"});
  EXPECT_EQ(refusal(*verifier, signHs(token)), "audience does not match");
  token.setAudience(std::vector<std::string>{});
  EXPECT_EQ(refusal(*verifier, signHs(token)), "audience does not match");
  auto mixed = Poco::JSON::Array::Ptr(new Poco::JSON::Array);
  mixed->add(std::string("streamgate"));
  mixed->add(1);
  token.payload().set("aud", mixed);
  EXPECT_EQ(refusal(*verifier, signHs(token)), "aud is not a string or a list of strings");
  token.payload().set("aud", 5);
  EXPECT_EQ(refusal(*verifier, signHs(token)), "aud is not a string or a list of strings");
}

TEST_F(TokenVerifierTest, SubIsRequiredAndBounded) {
  const auto verifier = hsOnly();
  auto token = claims();
  token.payload().remove("sub");
  EXPECT_EQ(refusal(*verifier, signHs(token)), "missing sub");
  EXPECT_EQ(refusal(*verifier, signHs(claims(""))), "sub is empty");
  token.payload().set("sub", 42);
  EXPECT_EQ(refusal(*verifier, signHs(token)), "sub is not a string");
  EXPECT_EQ(accepted(*verifier, signHs(claims(std::string(128, 'u')))), std::string(128, 'u'));
  EXPECT_EQ(refusal(*verifier, signHs(claims(std::string(129, 'u')))), "sub is longer than 128 bytes");
  for (const std::string& bad : std::vector<std::string>{"two words", "tab\tbed", std::string("nul\0x", 5),
                                                         "caf\xc3\xa9", "bell\x07"}) {
    EXPECT_EQ(refusal(*verifier, signHs(claims(bad))), "sub must be printable ASCII without spaces") << bad;
  }
  EXPECT_EQ(accepted(*verifier, signHs(claims("auth0|5f7c8ec7c33c6c004bbafe82"))),
            "auth0|5f7c8ec7c33c6c004bbafe82");
}

TEST_F(TokenVerifierTest, OversizedTokenIsRefusedBeforeParsing) {
  EXPECT_EQ(refusal(*hsOnly(), std::string(8193, 'a')), "token is 8193 bytes; the limit is 8192");
  // Even when correctly signed.
  auto token = claims();
  token.payload().set("pad", std::string(7000, 'p'));
  const auto big = signHs(token);
  ASSERT_GT(big.size(), TokenVerifier::kMaxTokenBytes);
  EXPECT_EQ(refusal(*hsOnly(), big), "token is " + std::to_string(big.size()) + " bytes; the limit is 8192");
  token.payload().set("pad", std::string(5000, 'p'));
  const auto fits = signHs(token);
  ASSERT_LE(fits.size(), TokenVerifier::kMaxTokenBytes);
  EXPECT_EQ(accepted(*hsOnly(), fits), "user-1");
}

TEST_F(TokenVerifierTest, MalformedTokensGetClearReasons) {
  const auto verifier = both();
  EXPECT_EQ(refusal(*verifier, ""), "token is empty");
  EXPECT_EQ(refusal(*verifier, "not-a-token"), "token is not a JWT: expected 3 dot-separated parts");
  EXPECT_EQ(refusal(*verifier, "a.b"), "token is not a JWT: expected 3 dot-separated parts");
  EXPECT_EQ(refusal(*verifier, "a.b.c.d"), "token is not a JWT: expected 3 dot-separated parts");
  EXPECT_EQ(refusal(*verifier, "a.b.c.d.e"), "encrypted tokens (JWE) are not supported");
  EXPECT_EQ(refusal(*verifier, "..sig"), "token header is empty");
  EXPECT_EQ(refusal(*verifier, "!!!.e30.sig"), "token header is not base64url");
  EXPECT_EQ(refusal(*verifier, "e30=.e30.sig"), "token header is not base64url");
  EXPECT_EQ(refusal(*verifier, base64Url("[1]") + ".e30.sig"),
            "token header is not a base64url-encoded JSON object");
  EXPECT_EQ(refusal(*verifier, base64Url("{\"alg\":") + ".e30.sig"),
            "token header is not a base64url-encoded JSON object");
  EXPECT_EQ(refusal(*verifier, "e.e30.sig"), "token header is not a base64url-encoded JSON object");
  const std::string header = base64Url(R"({"alg":"HS256"})");
  EXPECT_EQ(refusal(*verifier, header + ".e30."), "token is not signed");
  EXPECT_EQ(refusal(*verifier, header + ".e30.a+b/"), "signature is not base64url");
  EXPECT_EQ(refusal(*verifier, header + ".e30.a"), "signature does not verify");
}

TEST_F(TokenVerifierTest, SignedPayloadThatIsNotAJsonObjectIsRefused) {
  const auto verifier = hsOnly();
  const std::string header = R"({"alg":"HS256"})";
  EXPECT_EQ(refusal(*verifier, signRawHs(header, "[1]")),
            "token payload is not a base64url-encoded JSON object");
  EXPECT_EQ(refusal(*verifier, signRawHs(header, "sub=alice")),
            "token payload is not a base64url-encoded JSON object");
  // Nesting is capped (Poco's parser: 128 levels) so it cannot exhaust the stack.
  const auto nested = [](int depth) {
    return R"({"sub":"deep","exp":)" + std::to_string(kNowSeconds + 60) + R"(,"x":)" +
           std::string(depth, '[') + std::string(depth, ']') + "}";
  };
  EXPECT_EQ(accepted(*verifier, signRawHs(header, nested(100))), "deep");
  EXPECT_EQ(refusal(*verifier, signRawHs(header, nested(3000))),
            "token payload is not a base64url-encoded JSON object");
  EXPECT_EQ(refusal(*verifier, signRawHs(header, "{}")), "missing exp");
  // The raw signer itself is right: the same claims as JSON text pass.
  EXPECT_EQ(accepted(*verifier,
                     signRawHs(header, R"({"sub":"raw","exp":)" + std::to_string(kNowSeconds + 60) + "}")),
            "raw");
}

TEST_F(TokenVerifierTest, RandomInputNeverCrashesOrPasses) {
  const auto verifier = both();
  const auto valid = signHs(claims());
  std::mt19937 random(12345);
  const std::string alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/{}\":, \x01\xff";
  for (int round = 0; round < 3000; ++round) {
    std::string token;
    if (round % 2 == 0) {
      const std::size_t length = random() % 300;
      for (std::size_t i = 0; i < length; ++i) token += alphabet[random() % alphabet.size()];
    } else {
      // Mutations of a valid token: flip, drop or insert one byte.
      token = valid;
      const std::size_t at = random() % token.size();
      switch (random() % 3) {
        case 0:
          token[at] = alphabet[random() % alphabet.size()];
          break;
        case 1:
          token.erase(at, 1);
          break;
        default:
          token.insert(at, 1, alphabet[random() % alphabet.size()]);
      }
      if (token == valid) continue;
    }
    auto subject = verifier->verify(token, kNow);
    // A one-byte change can still decode to the same bytes (base64 trailing
    // bits); then it must still be the same user.
    if (subject.hasValue()) {
      EXPECT_EQ(*subject, "user-1") << token;
    } else {
      EXPECT_FALSE(subject.error().message().empty());
    }
  }
}

TEST_F(TokenVerifierTest, IsSafeToShareAcrossThreads) {
  const auto verifier = both();
  const auto hs = signHs(claims("hs-user"));
  const auto rs = signRs(claims("rs-user"));
  const auto bad = signHs(claims("mallory"), kSecret + "x");
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        auto a = verifier->verify(hs, kNow);
        auto b = verifier->verify(rs, kNow);
        auto c = verifier->verify(bad, kNow);
        if (!a.hasValue() || *a != "hs-user" || !b.hasValue() || *b != "rs-user" || c.hasValue()) ++wrong;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST_F(TokenVerifierTest, CreateRefusesBadSettingsNamingTheKey) {
  auto none = TokenVerifier::create(JwtSettings{});
  ASSERT_FALSE(none.hasValue());
  EXPECT_EQ(none.error().message(), "auth.jwt: needs hs256_secret or rs256_public_key_file");

  const std::string shortSecret = "only-sixteen-b!!";
  auto weak = TokenVerifier::create(JwtSettings{.hs256Secret = shortSecret});
  ASSERT_FALSE(weak.hasValue());
  EXPECT_EQ(weak.error().message().rfind("auth.jwt.hs256_secret: is 16 bytes", 0), 0u)
      << weak.error().message();
  EXPECT_EQ(weak.error().message().find(shortSecret), std::string::npos);

  const auto missing = dir_ / "missing.pem";
  auto noFile = TokenVerifier::create(JwtSettings{.rs256PublicKeyFile = missing});
  ASSERT_FALSE(noFile.hasValue());
  EXPECT_EQ(noFile.error().message(),
            "auth.jwt.rs256_public_key_file: " + missing.string() + ": no such file");

  std::ofstream(dir_ / "bad.pem") << "hello";
  auto badFile = TokenVerifier::create(JwtSettings{.rs256PublicKeyFile = dir_ / "bad.pem"});
  ASSERT_FALSE(badFile.hasValue());
  EXPECT_EQ(
      badFile.error().message().rfind(
          "auth.jwt.rs256_public_key_file: " + (dir_ / "bad.pem").string() + ": not a PEM RSA public key", 0),
      0u)
      << badFile.error().message();

  auto longLeeway =
      TokenVerifier::create(JwtSettings{.hs256Secret = kSecret, .leeway = std::chrono::hours(1)});
  ASSERT_FALSE(longLeeway.hasValue());
  EXPECT_EQ(longLeeway.error().message(), "auth.jwt.leeway: must be between 0s and 5m");
}

TEST_F(TokenVerifierTest, KeyIsLoadedOnceAtCreation) {
  fs::copy_file(publicKeyFile(), dir_ / "moving.pem", fs::copy_options::overwrite_existing);
  auto verifier = make(JwtSettings{.rs256PublicKeyFile = dir_ / "moving.pem"});
  fs::remove(dir_ / "moving.pem");
  EXPECT_EQ(accepted(*verifier, signRs(claims())), "user-1");
}

}  // namespace
}  // namespace streamgate
