// The redis plugin when its server goes away, against real redis-server
// processes: with the circuit open every call fails fast (kUnavailable or
// kTimeout, never a hang), and once Redis is back, or Sentinel has promoted
// the replica, the same backend instance works again by itself, its existing
// subscriptions included. The plugin is loaded through the host's loader, as
// the node loads it.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "plugin_harness.h"
#include "redis_server.h"
#include "streamgate/plugin.h"

namespace streamgate::testing {
namespace {

using std::chrono::milliseconds;

// A call that takes longer than this is a hang, not a slow answer: the
// plugin's own bounds (connect_timeout 200ms, command_timeout 500ms) are far
// below it.
constexpr milliseconds kHangLimit{1500};
// Once the circuit is open a call must not even touch the network.
constexpr milliseconds kFailFast{50};

// Small timeouts and a quick breaker, so the tests see every state in seconds.
constexpr const char* kResilienceYaml =
    "connect_timeout: 200ms\n"
    "command_timeout: 500ms\n"
    "circuit_breaker: {failures: 2, retry_initial: 100ms, retry_max: 500ms}\n";

class RedisResilienceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const auto reason = RedisServer::unavailableReason(); !reason.empty()) GTEST_SKIP() << reason;
    auto library = openPlugin("redis");
    ASSERT_TRUE(library.hasValue()) << library.status().toString();
    library_ = *library;
    prefix_ = "resilience" + std::to_string(std::random_device{}()) + ":";
  }

  void TearDown() override {
    // The plugin's objects first (they keep the library loaded themselves),
    // and before the servers, so nothing reconnects to a server going away.
    store_.reset();
    bus_.reset();
    locks_.reset();
    backend_.reset();
    library_.reset();
  }

  // One instance with every capability, on the section `yaml` plus the small
  // timeouts; the test then drives the capabilities below.
  void createBackend(const std::string& yaml) {
    const PluginContext context =
        pluginContext("resilience-node", kSessionStore | kMessageBus | kLockProvider | kStreamStore);
    auto backend = library_->create(
        context, PluginConfig{yaml + "key_prefix: '" + prefix_ + "'\n" + kResilienceYaml, "plugins.redis"});
    ASSERT_TRUE(backend.hasValue()) << backend.status().toString();
    backend_ = *backend;
    store_ = backend_->streamStore();
    bus_ = backend_->messageBus();
    locks_ = backend_->lockProvider();
    ASSERT_TRUE(store_ && bus_ && locks_);
  }

  // The capability calls, each bounded by kHangLimit (a later callback fails the test).
  Expected<std::int64_t> append(const StreamId& stream, std::int64_t index) {
    return callWithin<std::int64_t>(kHangLimit, [&](auto done) {
      store_->append(AppendRequest{stream, index, {"chunk-" + std::to_string(index)}, 1}, std::move(done));
    });
  }
  Expected<StreamSlice> read(const StreamId& stream) {
    return callWithin<StreamSlice>(kHangLimit,
                                   [&](auto done) { store_->read(stream, 0, 100, std::move(done)); });
  }
  Expected<Lease> acquire(const std::string& name) {
    return callWithin<Lease>(
        kHangLimit, [&](auto done) { locks_->acquire(name, std::chrono::seconds(10), std::move(done)); });
  }
  Status publish(const std::string& channel, const std::string& payload) {
    return callStatusWithin(kHangLimit, [&](auto done) { bus_->publish(channel, payload, std::move(done)); });
  }

  // A subscription that is ready and has seen a message published after it.
  std::shared_ptr<Subscription> subscribeAndCheck(const std::string& channel,
                                                  const std::shared_ptr<Inbox>& inbox) {
    std::shared_ptr<Subscription> handle;
    const Status ready = callStatusWithin(milliseconds(5000), [&](auto done) {
      handle = bus_->subscribe(channel, Inbox::handlerFor(inbox), std::move(done));
    });
    EXPECT_TRUE(ready.isOk()) << ready.toString();
    const Status published = publish(channel, "before");
    EXPECT_TRUE(published.isOk()) << published.toString();
    EXPECT_TRUE(inbox->waitFor("before", SteadyClock::now() + std::chrono::seconds(5)));
    return handle;
  }

  // Publishes `prefix`-N every 100ms until the inbox has one of them: pub/sub
  // drops what is published before the subscriber is back, so only a message
  // the inbox got proves the subscription works again.
  bool publishUntilReceived(const std::string& channel, const std::string& prefix, Inbox& inbox,
                            SteadyClock::time_point deadline) {
    for (int attempt = 0; SteadyClock::now() < deadline; ++attempt) {
      static_cast<void>(publish(channel, prefix + std::to_string(attempt)));
      if (inbox.waitFor(prefix, std::min(deadline, SteadyClock::now() + milliseconds(100)))) return true;
    }
    return false;
  }

  // Declared first so they go last, after TearDown released the backend.
  std::unique_ptr<RedisServer> server_;
  std::unique_ptr<SentinelCluster> cluster_;

  std::shared_ptr<const PluginLibrary> library_;
  std::shared_ptr<Backend> backend_;
  std::shared_ptr<StreamStore> store_;
  std::shared_ptr<MessageBus> bus_;
  std::shared_ptr<LockProvider> locks_;
  std::string prefix_;
};

TEST_F(RedisResilienceTest, RedisDown) {
  server_ = std::make_unique<RedisServer>();
  RedisServer& server = *server_;
  server.start();
  createBackend("url: " + server.url() + "\npassword: " + server.password() + "\n");

  const StreamId before{"session-1", "before-outage"};
  for (std::int64_t index = 0; index < 10; ++index) {
    const auto next = append(before, index);
    ASSERT_TRUE(next.hasValue()) << next.status().toString();
    ASSERT_EQ(*next, index + 1);
  }
  const auto inbox = std::make_shared<Inbox>();
  const auto subscription = subscribeAndCheck("events", inbox);
  ASSERT_FALSE(HasFailure());

  server.stop(SIGKILL);

  // Every kind of call fails with backend trouble, each within the hang
  // limit, until the breaker has seen enough to open the circuit.
  const std::vector<std::pair<std::string, std::function<Status()>>> calls = {
      {"append", [&] { return append(before, 10).status(); }},
      {"read", [&] { return read(before).status(); }},
      {"acquire", [&] { return acquire("lease").status(); }},
      {"publish", [&] { return publish("events", "while-down"); }},
  };
  bool open = false;
  for (const auto started = SteadyClock::now(); !open && since(started) < std::chrono::seconds(5);) {
    for (const auto& [name, call] : calls) {
      const auto callStarted = SteadyClock::now();
      const Status status = call();
      const auto took = since(callStarted);
      EXPECT_TRUE(isBackendTrouble(status)) << name << ": " << status.toString();
      EXPECT_LT(took, kHangLimit) << name << ": " << status.toString();
      open = open || status.message().find("circuit open") != std::string::npos;
    }
  }
  ASSERT_TRUE(open) << "the circuit did not open within 5 s of the server's death";

  // With the circuit open the calls fail without waiting for anything,
  // probes and all: the median of 20 of each kind.
  for (const auto& [name, call] : calls) {
    std::vector<milliseconds::rep> micros;
    for (int i = 0; i < 20; ++i) {
      const auto callStarted = SteadyClock::now();
      const Status status = call();
      micros.push_back(
          std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - callStarted).count());
      EXPECT_TRUE(isBackendTrouble(status)) << name << ": " << status.toString();
    }
    std::nth_element(micros.begin(), micros.begin() + 10, micros.end());
    EXPECT_LT(micros[10], std::chrono::microseconds(kFailFast).count())
        << name << ": median of 20 calls, in us";
    RecordProperty("open_median_us_" + name, std::to_string(micros[10]));
  }

  // Back on the same port (empty: the fixture persists nothing). The same
  // backend recovers through its half-open probes, without being recreated.
  server.start();
  const auto restarted = SteadyClock::now();
  const auto deadline = restarted + std::chrono::seconds(5);
  const StreamId after{"session-1", "after-outage"};
  const auto next = retryUntil(deadline, [&] { return append(after, 0); });
  ASSERT_TRUE(next.hasValue()) << "no append within 5 s of the restart: " << next.status().toString();
  EXPECT_EQ(*next, 1);
  RecordProperty("recovered_after_ms", std::to_string(since(restarted).count()));

  const auto slice = read(after);
  ASSERT_TRUE(slice.hasValue()) << slice.status().toString();
  EXPECT_EQ(slice->chunks, (std::vector<Chunk>{{0, "chunk-0"}}));
  const auto lease = retryUntil(deadline, [&] { return acquire("lease"); });
  EXPECT_TRUE(lease.hasValue()) << lease.status().toString();

  // The subscription made before the outage hears messages again: the
  // subscriber reconnected and subscribed to its channel anew.
  EXPECT_TRUE(publishUntilReceived("events", "after-restart-", *inbox, deadline))
      << "the subscription made before the outage got nothing within 5 s of the restart";
}

TEST_F(RedisResilienceTest, SentinelFailover) {
  cluster_ = std::make_unique<SentinelCluster>("resilience");
  SentinelCluster& cluster = *cluster_;
  cluster.start();
  std::string addresses;
  for (const auto& address : cluster.sentinelAddresses()) {
    addresses += (addresses.empty() ? "'" : ", '") + address + "'";
  }
  // One command lane: the lane that wrote to the former master is then
  // certainly the one asked to write after the failover (see below).
  createBackend("sentinel: {master: " + cluster.masterName() + ", addresses: [" + addresses +
                "]}\npassword: " + cluster.password() + "\npool_size: 1\n");

  const StreamId stream{"session-1", "failover"};
  for (std::int64_t index = 0; index < 5; ++index) {
    const auto next = append(stream, index);
    ASSERT_TRUE(next.hasValue()) << next.status().toString();
    ASSERT_EQ(*next, index + 1);
  }
  // What the replica has not got is lost with the master; this test is about
  // the client, not about asynchronous replication.
  ASSERT_EQ(cluster.master().command({"WAIT", "1", "1000"}), "1");
  const auto inbox = std::make_shared<Inbox>();
  const auto subscription = subscribeAndCheck("events", inbox);
  ASSERT_FALSE(HasFailure());

  cluster.killMaster();
  const auto killed = SteadyClock::now();
  ASSERT_TRUE(cluster.waitForFailover(std::chrono::seconds(15)));
  RecordProperty("failover_ms", std::to_string(since(killed).count()));

  // The sentinels name the new master; every reconnect asks them, so the
  // same backend finds it. Re-sending chunk 5 after an unknown outcome is safe.
  const auto promoted = SteadyClock::now();
  const auto deadline = promoted + std::chrono::seconds(15);
  std::vector<Status> failures;
  const auto next = retryUntil(deadline, [&] {
    auto result = append(stream, 5);
    if (!result.hasValue()) failures.push_back(result.status());
    return result;
  });
  ASSERT_TRUE(next.hasValue()) << "no append within 15 s of the failover: " << next.status().toString();
  EXPECT_EQ(*next, 6);
  RecordProperty("recovered_after_ms", std::to_string(since(promoted).count()));
  // Until a probe reaches the new master the calls fail fast; once one has,
  // the master moved (a new epoch) and the lane must reopen its connection
  // rather than send the next command down the one to the former master.
  for (const auto& failure : failures) {
    EXPECT_NE(failure.message().find("circuit open"), std::string::npos)
        << "after the failover a call failed other than fast (the former master was 127.0.0.1:"
        << cluster.masterPort() << "): " << failure.toString();
  }

  const auto slice = retryUntil(deadline, [&] { return read(stream); });
  ASSERT_TRUE(slice.hasValue()) << slice.status().toString();
  std::vector<Chunk> expected;
  for (std::int64_t index = 0; index < 6; ++index)
    expected.push_back({index, "chunk-" + std::to_string(index)});
  EXPECT_EQ(slice->chunks, expected);
  EXPECT_EQ(slice->nextIndex, 6);

  const auto lease = retryUntil(deadline, [&] { return acquire("lease"); });
  EXPECT_TRUE(lease.hasValue()) << lease.status().toString();

  EXPECT_TRUE(publishUntilReceived("events", "after-failover-", *inbox, deadline))
      << "the subscription made before the failover got nothing from the new master";
}

}  // namespace
}  // namespace streamgate::testing
