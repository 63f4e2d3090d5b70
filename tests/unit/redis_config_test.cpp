// The redis plugin's config checks (keys: plugins/redis/src/redis_config.h),
// through the host loader as the node sees them, and its behaviour with no
// Redis listening. Needs no Redis server.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <string>

#include "node_process.h"
#include "plugin_section_test.h"
#include "test_logger.h"

namespace streamgate {
namespace {

using namespace std::chrono_literals;

class RedisConfigTest : public PluginSectionTest {
 protected:
  RedisConfigTest() : PluginSectionTest("redis") {}
};

TEST_F(RedisConfigTest, DefaultsAreAccepted) {
  EXPECT_TRUE(accepted("{}"));
  EXPECT_TRUE(accepted(""));
}

TEST_F(RedisConfigTest, EveryDocumentedKeyIsAccepted) {
  EXPECT_TRUE(
      accepted("url: redis://127.0.0.1:6379\n"
               "username: \"\"\n"
               "password: \"\"\n"
               "key_prefix: \"sg:\"\n"
               "pool_size: 2\n"
               "connect_timeout: 1s\n"
               "command_timeout: 2s\n"
               "circuit_breaker:\n"
               "  failures: 3\n"
               "  retry_initial: 100ms\n"
               "  retry_max: 5s\n"
               "stream_ttl: 1h\n"
               "completed_ttl: 10m\n"));
}

TEST_F(RedisConfigTest, UrlFormsAreAccepted) {
  for (const std::string url :
       {"redis://h:1234", "redis://:pass@h:1/3", "redis://user:pa%40ss@h", "redis://h", "redis://h:1/",
        "redis://h:1/15", "redis://[::1]:6380/2", "redis://[::1]"}) {
    EXPECT_TRUE(accepted("url: \"" + url + "\"\n")) << url;
  }
}

// validate() cannot show the decoded password, but the contradiction check
// compares it with the password key.
TEST_F(RedisConfigTest, UrlUserInfoIsPercentDecoded) {
  EXPECT_TRUE(accepted("url: redis://user:pa%40ss@h\npassword: pa@ss\n"));
  EXPECT_TRUE(accepted("url: redis://us%3Aer:x%2fy@h\nusername: us:er\npassword: x/y\n"));
  EXPECT_TRUE(refusedAt("url: redis://user:pa%40ss@h\npassword: pa%40ss\n", "password", {"contradicts"}));
}

TEST_F(RedisConfigTest, BadPercentEncodingIsRefused) {
  EXPECT_TRUE(refusedAt("url: redis://user:pa%4@h\n", "url", {"percent-encoding"}));
  EXPECT_TRUE(refusedAt("url: redis://user:pa%zzss@h\n", "url", {"percent-encoding"}));
}

TEST_F(RedisConfigTest, TlsUrlIsRefusedAsUnsupported) {
  EXPECT_TRUE(refusedAt("url: rediss://h:6380\n", "url", {"'rediss://h:6380'", "TLS", "not supported"}));
}

TEST_F(RedisConfigTest, OtherSchemesAreRefused) {
  EXPECT_TRUE(refusedAt("url: http://h:6379\n", "url", {"'http://h:6379'", "redis://"}));
  EXPECT_TRUE(refusedAt("url: h:6379\n", "url", {"'h:6379'"}));
  EXPECT_TRUE(refusedAt("url: REDIS://h:6379\n", "url", {"'REDIS://h:6379'"}));
}

TEST_F(RedisConfigTest, DatabaseOutsideZeroToFifteenIsRefused) {
  EXPECT_TRUE(refusedAt("url: redis://h:1/16\n", "url", {"'redis://h:1/16'", "0 to 15"}));
  EXPECT_TRUE(refusedAt("url: redis://h:1/-1\n", "url", {"0 to 15"}));
  EXPECT_TRUE(refusedAt("url: redis://h:1/x\n", "url", {"0 to 15"}));
  EXPECT_TRUE(refusedAt("url: redis://h:1/3x\n", "url", {"0 to 15"}));
}

TEST_F(RedisConfigTest, BadPortInUrlIsRefused) {
  for (const std::string url : {"redis://h:0", "redis://h:65536", "redis://h:port",
                                "redis://h:", "redis://::1:6379", "redis://:6379", "redis://"}) {
    EXPECT_TRUE(refusedAt("url: \"" + url + "\"\n", "url", {"'" + url + "'"})) << url;
  }
  EXPECT_TRUE(refusedAt("url: redis://h:65536\n", "url", {"port must be a number from 1 to 65535"}));
}

TEST_F(RedisConfigTest, PasswordKeyMustAgreeWithTheUrl) {
  EXPECT_TRUE(accepted("url: redis://:secret@h\npassword: secret\n"));
  EXPECT_TRUE(accepted("url: redis://h\npassword: secret\n"));
  EXPECT_TRUE(refusedAt("url: redis://:secret@h\npassword: other\n", "password", {"contradicts", "url"}));
  EXPECT_TRUE(refusedAt("url: redis://bob:secret@h\nusername: alice\n", "username", {"contradicts", "url"}));
}

TEST_F(RedisConfigTest, UsernameNeedsAPassword) {
  EXPECT_TRUE(refusedAt("username: bob\n", "username", {"password"}));
  EXPECT_TRUE(refusedAt("url: redis://bob@h\n", "username", {"password"}));
  EXPECT_TRUE(accepted("username: bob\npassword: secret\n"));
  EXPECT_TRUE(accepted("url: redis://:secret@h\nusername: bob\n"));
}

TEST_F(RedisConfigTest, SentinelIsAccepted) {
  EXPECT_TRUE(
      accepted("sentinel:\n"
               "  master: mymaster\n"
               "  addresses: [s1:26379, s2, \"[::1]:26380\"]\n"
               "  username: watcher\n"
               "  password: secret\n"));
}

TEST_F(RedisConfigTest, SentinelNeedsAMaster) {
  EXPECT_TRUE(refusedAt("sentinel:\n  addresses: [s1:26379]\n", "sentinel.master", {"required"}));
  EXPECT_TRUE(refusedAt("sentinel:\n  master: \"\"\n  addresses: [s1:26379]\n", "sentinel.master"));
}

TEST_F(RedisConfigTest, SentinelNeedsAddresses) {
  EXPECT_TRUE(refusedAt("sentinel:\n  master: m\n", "sentinel.addresses", {"required"}));
  EXPECT_TRUE(refusedAt("sentinel:\n  master: m\n  addresses: []\n", "sentinel.addresses"));
}

TEST_F(RedisConfigTest, SentinelAndUrlAreExclusive) {
  EXPECT_TRUE(refusedAt("url: redis://h:6379\nsentinel:\n  master: m\n  addresses: [s1:26379]\n", "sentinel",
                        {"url"}));
}

TEST_F(RedisConfigTest, BadSentinelAddressIsRefused) {
  EXPECT_TRUE(refusedAt("sentinel:\n  master: m\n  addresses: [s1:26379, \"s2:0\"]\n", "sentinel.addresses",
                        {"'s2:0'", "port"}));
  EXPECT_TRUE(refusedAt("sentinel:\n  master: m\n  addresses: [\"::1\"]\n", "sentinel.addresses",
                        {"'::1'", "brackets"}));
  EXPECT_TRUE(
      refusedAt("sentinel:\n  master: m\n  addresses: [\":26379\"]\n", "sentinel.addresses", {"empty host"}));
}

TEST_F(RedisConfigTest, RetryMaxBelowRetryInitialIsRefused) {
  EXPECT_TRUE(refusedAt("circuit_breaker:\n  retry_initial: 2s\n  retry_max: 1s\n",
                        "circuit_breaker.retry_max", {"retry_initial"}));
  EXPECT_TRUE(refusedAt("circuit_breaker:\n  retry_max: 50ms\n", "circuit_breaker.retry_max"))
      << "below the default retry_initial of 100ms";
  EXPECT_TRUE(accepted("circuit_breaker:\n  retry_initial: 1s\n  retry_max: 1s\n"));
}

TEST_F(RedisConfigTest, CircuitBreakerValuesAreChecked) {
  EXPECT_TRUE(refusedAt("circuit_breaker:\n  failures: 0\n", "circuit_breaker.failures"));
  EXPECT_TRUE(refusedAt("circuit_breaker:\n  retry_initial: 0ms\n", "circuit_breaker.retry_initial"));
}

TEST_F(RedisConfigTest, PoolSizeOutsideOneToSixteenIsRefused) {
  EXPECT_TRUE(refusedAt("pool_size: 0\n", "pool_size", {"out of range [1, 16]"}));
  EXPECT_TRUE(refusedAt("pool_size: 17\n", "pool_size", {"17", "out of range [1, 16]"}));
  EXPECT_TRUE(refusedAt("pool_size: many\n", "pool_size"));
  EXPECT_TRUE(accepted("pool_size: 1\n"));
  EXPECT_TRUE(accepted("pool_size: 16\n"));
}

TEST_F(RedisConfigTest, TimeoutsMustBePositive) {
  EXPECT_TRUE(refusedAt("connect_timeout: 0ms\n", "connect_timeout", {"positive"}));
  EXPECT_TRUE(refusedAt("command_timeout: 0s\n", "command_timeout", {"positive"}));
  EXPECT_TRUE(refusedAt("command_timeout: soon\n", "command_timeout"));
}

TEST_F(RedisConfigTest, UnknownKeysAreRefusedByFullPath) {
  EXPECT_EQ(validate("urll: redis://h\n").message(), "plugins.redis.urll: unknown key");
  EXPECT_EQ(validate("circuit_breaker:\n  failure: 3\n").message(),
            "plugins.redis.circuit_breaker.failure: unknown key");
  EXPECT_EQ(validate("sentinel:\n  master: m\n  addresses: [s:1]\n  masters: x\n").message(),
            "plugins.redis.sentinel.masters: unknown key");
  EXPECT_TRUE(refusedAt("db: 3\n", "db", {"unknown key"}));
}

// A node must start while Redis is down, fail requests quickly with an error
// naming the server, and stop queueing behind it once the circuit opens.
TEST_F(RedisConfigTest, RedisDownFailsFastAndOpensTheCircuit) {
  const std::uint16_t port = testing::freePort();  // nothing listens there
  const std::string server = "127.0.0.1:" + std::to_string(port);
  const std::string yaml = "url: redis://" + server +
                           "\n"
                           "connect_timeout: 200ms\n"
                           "circuit_breaker: {failures: 2, retry_initial: 1s, retry_max: 1s}\n";
  const PluginContext context{"test-node", steadyClock(), std::make_shared<testing::TestLogger>()};
  auto backend = library().create(context, section(yaml));
  ASSERT_TRUE(backend.hasValue()) << "the node must start without Redis: " << backend.status().toString();
  const auto store = (*backend)->streamStore();
  ASSERT_NE(store, nullptr);

  using Clock = std::chrono::steady_clock;
  // One read; its result, or kInternal "no answer" after `limit`.
  const auto read = [&](Clock::duration limit, Clock::duration& took) -> Status {
    auto promise = std::make_shared<std::promise<Status>>();
    auto result = promise->get_future();
    const auto start = Clock::now();
    store->read(StreamId{"session", "message"}, 0, 10,
                [promise](Expected<StreamSlice> slice) { promise->set_value(slice.status()); });
    if (result.wait_for(limit) != std::future_status::ready) {
      took = Clock::now() - start;
      return Status(Code::kInternal, "no answer");
    }
    took = Clock::now() - start;
    return result.get();
  };

  Clock::duration took{};
  const Status first = read(2s, took);
  EXPECT_EQ(first.code(), Code::kUnavailable) << first.toString();
  EXPECT_NE(first.message().find(server), std::string::npos) << first.toString();
  EXPECT_LT(took, 2s);

  Status status = first;
  for (int i = 0; i < 20 && status.message().find("circuit open") == std::string::npos; ++i) {
    status = read(2s, took);
    ASSERT_EQ(status.code(), Code::kUnavailable) << status.toString();
  }
  ASSERT_NE(status.message().find("circuit open"), std::string::npos)
      << "circuit still closed after 20 failed reads: " << status.toString();

  for (int i = 0; i < 5; ++i) {
    status = read(2s, took);
    EXPECT_EQ(status.code(), Code::kUnavailable) << status.toString();
    EXPECT_NE(status.message().find("circuit open"), std::string::npos) << status.toString();
    EXPECT_NE(status.message().find(server), std::string::npos) << status.toString();
    EXPECT_LT(took, 50ms) << "read " << i << " took "
                          << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                          << "ms with the circuit open: " << status.toString();
  }
}

}  // namespace
}  // namespace streamgate
