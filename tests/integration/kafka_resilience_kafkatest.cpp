// The kafka plugin across nodes and outages, against the Kafka test broker:
// writes wait out a broker outage and land exactly once (idempotent
// producer), a node that starts replays the recent log and serves resumes of
// streams another node wrote, a write is visible on every node, and a node
// that cannot reach its topic refuses to start, saying where it looked. Each
// "node" is one backend instance with its own node id, loaded through the
// host's loader as the node loads it; each test has its own broker.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "kafka_broker.h"
#include "plugin_harness.h"
#include "streamgate/plugin.h"
#include "streamgate/stream_event.h"

namespace streamgate::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr const char* kTopic = "streamgate.resilience";
// Far above a normal call (a few ms); a call that takes longer is stuck.
constexpr milliseconds kCallLimit{5000};

// A chunk's content: varied in length and not ASCII only, so a mix-up or a
// mangled header shows.
std::string contentOf(std::int64_t index) {
  return "chunk-" + std::to_string(index) + " \xC3\xA9" +
         std::string(static_cast<std::size_t>(index % 7), '.');
}

std::vector<Chunk> chunksUpTo(std::int64_t count) {
  std::vector<Chunk> chunks;
  for (std::int64_t index = 0; index < count; ++index) chunks.push_back({index, contentOf(index)});
  return chunks;
}

// A port on loopback where nothing listens: bound by the kernel, then released.
int freePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), size) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
    if (fd >= 0) ::close(fd);
    return -1;
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

// One node's view of the plugin: the backend and its two capabilities.
struct Node {
  std::shared_ptr<Backend> backend;
  std::shared_ptr<StreamStore> store;
  std::shared_ptr<MessageBus> bus;
};

Expected<std::int64_t> append(StreamStore& store, const StreamId& stream, std::int64_t index,
                              milliseconds limit = kCallLimit) {
  return callWithin<std::int64_t>(limit, [&](auto done) {
    store.append(AppendRequest{stream, index, {contentOf(index)}, 1}, std::move(done));
  });
}

Expected<StreamSlice> read(StreamStore& store, const StreamId& stream) {
  return callWithin<StreamSlice>(kCallLimit,
                                 [&](auto done) { store.read(stream, 0, 1000, std::move(done)); });
}

// The node's read once it has `count` chunks, or its last read at the deadline.
Expected<StreamSlice> readOnceItHas(StreamStore& store, const StreamId& stream, std::int64_t count,
                                    SteadyClock::time_point deadline) {
  auto slice = read(store, stream);
  while ((!slice.hasValue() || slice->nextIndex < count) && SteadyClock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(20));
    slice = read(store, stream);
  }
  return slice;
}

class KafkaResilienceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const auto reason = KafkaBroker::unavailableReason(); !reason.empty()) GTEST_SKIP() << reason;
    auto library = openPlugin("kafka");
    ASSERT_TRUE(library.hasValue()) << library.status().toString();
    library_ = *library;
  }

  void TearDown() override { library_.reset(); }

  void startBroker() {
    broker_ = std::make_unique<KafkaBroker>();
    broker_->start({kTopic});
  }

  // The section on this test's broker and topic, plus `extraYaml` (later keys
  // may not repeat these: YAML refuses duplicates, so tests pass what differs).
  std::string sectionYaml(const std::string& extraYaml) const {
    return "brokers: " + broker_->bootstrapServers() + "\n" + extraYaml;
  }

  Expected<std::shared_ptr<Backend>> create(const std::string& nodeId, const std::string& yaml) {
    return library_->create(pluginContext(nodeId, kMessageBus | kStreamStore),
                            PluginConfig{yaml, "plugins.kafka"});
  }

  // A started node on the broker; replay_from and timeouts from `extraYaml`.
  Node startNode(const std::string& nodeId, const std::string& extraYaml = "") {
    const std::string defaults = std::string("topic: ") + kTopic + "\nstartup_timeout: 10s\n";
    auto backend = create(nodeId, sectionYaml(defaults + extraYaml));
    EXPECT_TRUE(backend.hasValue()) << nodeId << ": " << backend.status().toString();
    if (!backend.hasValue()) return {};
    Node node{*backend, (*backend)->streamStore(), (*backend)->messageBus()};
    EXPECT_TRUE(node.store && node.bus) << nodeId;
    return node;
  }

  // Declared first so it goes last, after the nodes of the test body.
  std::unique_ptr<KafkaBroker> broker_;
  std::shared_ptr<const PluginLibrary> library_;
};

// Appends 0..49 one after another while every broker goes away for 2 s: the
// appends in flight wait it out (produce_timeout 20s), none is lost, and the
// idempotent producer writes none twice, as a second node's subscriber sees.
TEST_F(KafkaResilienceTest, BrokersDownAndBackLoseAndDuplicateNothing) {
  constexpr std::int64_t kChunks = 50;
  constexpr std::int64_t kDownAfter = 11;  // chunks 0..10 are stored before the outage
  startBroker();
  const Node writer = startNode("node-a", "produce_timeout: 20s\n");
  const Node watcher = startNode("node-b", "produce_timeout: 20s\n");
  ASSERT_TRUE(writer.store && watcher.store && watcher.bus);

  const StreamId stream{"session-outage", "message-outage"};
  const auto inbox = std::make_shared<Inbox>();
  std::shared_ptr<Subscription> subscription;
  const Status subscribed = callStatusWithin(kCallLimit, [&](auto done) {
    subscription =
        watcher.bus->subscribe(sessionChannel(stream.sessionId), Inbox::handlerFor(inbox), std::move(done));
  });
  ASSERT_TRUE(subscribed.isOk()) << subscribed.toString();

  // The producer's loop: each chunk once the previous one is stored; backend
  // trouble means "outcome unknown", answered by sending the same index again.
  std::atomic<std::int64_t> stored{0};
  std::atomic<bool> gaveUp{false};
  std::atomic<int> retries{0};
  std::atomic<std::int64_t> slowestMs{0};
  std::thread producer([&] {
    const auto deadline = SteadyClock::now() + seconds(60);
    for (std::int64_t index = 0; index < kChunks; ++index) {
      for (;;) {
        const auto started = SteadyClock::now();
        const auto next = append(*writer.store, stream, index, seconds(30));
        slowestMs = std::max<std::int64_t>(slowestMs, since(started).count());
        if (next.hasValue()) {
          EXPECT_EQ(*next, index + 1) << "chunk " << index;
          break;
        }
        if (!isBackendTrouble(next.status()) || SteadyClock::now() > deadline) {
          ADD_FAILURE() << "chunk " << index << ": " << next.status().toString();
          gaveUp = true;
          return;
        }
        ++retries;
        std::fprintf(stderr, "chunk %lld: retrying after %s\n", static_cast<long long>(index),
                     next.status().toString().c_str());
      }
      stored = index + 1;
    }
  });
  const auto waitForStored = [&](std::int64_t count, milliseconds limit) {
    const auto deadline = SteadyClock::now() + limit;
    while (stored < count && !gaveUp && SteadyClock::now() < deadline)
      std::this_thread::sleep_for(milliseconds(1));
    return stored >= count;
  };

  const bool reachedOutage = waitForStored(kDownAfter, seconds(10));
  std::int64_t storedWhileDown = -1;
  SteadyClock::time_point upAt;
  std::string brokerTrouble;  // the producer thread is joined whatever happens
  if (reachedOutage) {
    try {
      broker_->setBrokerDown(-1);
      std::this_thread::sleep_for(seconds(2));
      storedWhileDown = stored - kDownAfter;
      broker_->setBrokerUp(-1);
      upAt = SteadyClock::now();
    } catch (const std::exception& error) {
      brokerTrouble = error.what();
    }
  }
  producer.join();
  ASSERT_TRUE(brokerTrouble.empty()) << brokerTrouble;
  ASSERT_TRUE(reachedOutage) << "chunks 0.." << kDownAfter - 1 << " not stored within 10 s (stored " << stored
                             << ")";
  ASSERT_FALSE(gaveUp);
  ASSERT_EQ(stored, kChunks);
  // No broker, no acknowledgement: a write that completed while every broker
  // was down would have been acknowledged by nobody.
  EXPECT_LE(storedWhileDown, 1) << "appends completed with every broker down";
  // ...and the one in flight waited for the brokers: the outage was real.
  EXPECT_GE(slowestMs, 1500) << "no append waited out the outage";
  RecordProperty("retries", std::to_string(retries.load()));
  RecordProperty("slowest_append_ms", std::to_string(slowestMs.load()));
  RecordProperty("stored_while_down", std::to_string(storedWhileDown));
  std::fprintf(stderr,
               "retries %d, slowest append %lld ms, %lld stored while down, all stored %lld ms after up\n",
               retries.load(), static_cast<long long>(slowestMs.load()),
               static_cast<long long>(storedWhileDown), static_cast<long long>(since(upAt).count()));

  // The writing node completed each append once it had read its record back.
  const auto onWriter = read(*writer.store, stream);
  ASSERT_TRUE(onWriter.hasValue()) << onWriter.status().toString();
  EXPECT_EQ(onWriter->chunks, chunksUpTo(kChunks));
  EXPECT_EQ(onWriter->nextIndex, kChunks);
  EXPECT_FALSE(onWriter->terminal.has_value());
  // The other node folds the same records, a fetch later.
  const auto onWatcher = readOnceItHas(*watcher.store, stream, kChunks, SteadyClock::now() + seconds(5));
  ASSERT_TRUE(onWatcher.hasValue()) << onWatcher.status().toString();
  EXPECT_EQ(onWatcher->chunks, chunksUpTo(kChunks));
  EXPECT_EQ(onWatcher->nextIndex, kChunks);

  // Each record is its chunk event: the subscriber on the other node saw
  // every index, each once. (It folds before it dispatches, so by now the
  // events are in or on their way.)
  const auto lastSeen = [&](const std::vector<std::string>& payloads) {
    for (const auto& payload : payloads) {
      const auto event = decodeEvent(payload);
      if (event && event->kind == EventKind::kChunk && event->index == kChunks - 1) return true;
    }
    return false;
  };
  EXPECT_TRUE(inbox->waitUntil(SteadyClock::now() + seconds(5), lastSeen))
      << "chunk " << kChunks - 1 << " not delivered";
  std::map<std::int64_t, int> seen;
  std::vector<std::int64_t> order;
  for (const auto& payload : inbox->payloads()) {
    const auto event = decodeEvent(payload);
    ASSERT_TRUE(event.hasValue()) << event.status().toString() << ": " << payload;
    ASSERT_EQ(event->kind, EventKind::kChunk) << payload;
    EXPECT_EQ(event->messageId, stream.messageId);
    EXPECT_EQ(event->json, chunkJson(stream, event->index, contentOf(event->index))) << payload;
    ++seen[event->index];
    order.push_back(event->index);
  }
  for (std::int64_t index = 0; index < kChunks; ++index) {
    EXPECT_GE(seen[index], 1) << "chunk " << index << " never delivered";
    EXPECT_LE(seen[index], 1) << "chunk " << index << " delivered " << seen[index] << " times (" << retries
                              << " appends retried)";
  }
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(kChunks));
  // One session's records share a partition: they arrive as they were written.
  EXPECT_TRUE(std::is_sorted(order.begin(), order.end()));
}

// A node that starts after another wrote and went away rebuilds the streams
// from the log (replay_from back), before create() returns: it serves the
// whole of both, knows which one ended, and lists the other as open. A node
// whose replay window ends after those writes does not see them.
TEST_F(KafkaResilienceTest, RestartedNodeReplaysAndServesResume) {
  startBroker();
  const StreamId finished{"session-replay", "message-finished"};
  const StreamId open{"session-replay", "message-open"};
  const Terminal complete{TerminalKind::kComplete, 20, "", ""};
  {
    const Node first = startNode("node-a");
    ASSERT_TRUE(first.store);
    for (std::int64_t index = 0; index < 20; ++index) {
      const auto next = append(*first.store, finished, index);
      ASSERT_TRUE(next.hasValue()) << "chunk " << index << ": " << next.status().toString();
    }
    const auto recorded = callWithin<Terminal>(
        kCallLimit, [&](auto done) { first.store->finish(finished, complete, 1, std::move(done)); });
    ASSERT_TRUE(recorded.hasValue()) << recorded.status().toString();
    EXPECT_EQ(*recorded, complete);
    for (std::int64_t index = 0; index < 5; ++index) {
      const auto next = append(*first.store, open, index);
      ASSERT_TRUE(next.hasValue()) << "chunk " << index << ": " << next.status().toString();
    }
  }
  const auto lastWrite = SteadyClock::now();

  // No polling: what was in the log when create() began is served when it returns.
  const auto started = SteadyClock::now();
  const Node second = startNode("node-b", "replay_from: 1h\n");
  ASSERT_TRUE(second.store);
  RecordProperty("replay_start_ms", std::to_string(since(started).count()));
  const auto finishedSlice = read(*second.store, finished);
  ASSERT_TRUE(finishedSlice.hasValue()) << finishedSlice.status().toString();
  EXPECT_EQ(finishedSlice->chunks, chunksUpTo(20));
  EXPECT_EQ(finishedSlice->nextIndex, 20);
  EXPECT_EQ(finishedSlice->terminal, std::optional<Terminal>(complete));
  const auto openSlice = read(*second.store, open);
  ASSERT_TRUE(openSlice.hasValue()) << openSlice.status().toString();
  EXPECT_EQ(openSlice->chunks, chunksUpTo(5));
  EXPECT_EQ(openSlice->nextIndex, 5);
  EXPECT_FALSE(openSlice->terminal.has_value());
  const auto openStreams = callWithin<std::vector<StreamId>>(
      kCallLimit, [&](auto done) { second.store->openStreams(100, std::move(done)); });
  ASSERT_TRUE(openStreams.hasValue()) << openStreams.status().toString();
  EXPECT_EQ(*openStreams, std::vector<StreamId>{open});

  // Replaying only the last second, 2 s after those writes: nothing of them.
  // (The test broker cannot look offsets up by time; the plugin then reads
  // from the start and skips records by their timestamps.)
  std::this_thread::sleep_until(lastWrite + seconds(2));
  const Node third = startNode("node-c", "replay_from: 1s\n");
  ASSERT_TRUE(third.store);
  for (const auto& stream : {finished, open}) {
    const auto slice = read(*third.store, stream);
    EXPECT_EQ(slice.status().code(), Code::kNotFound)
        << stream.messageId << ": "
        << (slice.hasValue() ? "served from beyond the window" : slice.status().toString());
  }
  const auto none = callWithin<std::vector<StreamId>>(
      kCallLimit, [&](auto done) { third.store->openStreams(100, std::move(done)); });
  ASSERT_TRUE(none.hasValue()) << none.status().toString();
  EXPECT_TRUE(none->empty());
}

// A chunk written through one node can be resumed from another within moments.
TEST_F(KafkaResilienceTest, WriteOnOneNodeIsReadOnAnother) {
  startBroker();
  const Node first = startNode("node-a");
  const Node second = startNode("node-b");
  ASSERT_TRUE(first.store && second.store);
  const StreamId stream{"session-visible", "message-visible"};

  const auto next = append(*first.store, stream, 0);
  ASSERT_TRUE(next.hasValue()) << next.status().toString();
  const auto written = SteadyClock::now();
  const auto slice = readOnceItHas(*second.store, stream, 1, written + seconds(2));
  ASSERT_TRUE(slice.hasValue()) << "not on the other node within 2 s: " << slice.status().toString();
  EXPECT_EQ(slice->chunks, chunksUpTo(1));
  RecordProperty("visible_after_ms", std::to_string(since(written).count()));
}

// Nothing listening at the one broker: create() gives up at startup_timeout
// and says which broker and topic it could not reach.
TEST_F(KafkaResilienceTest, StartupWithNoBrokerFailsNamingBrokerAndTopic) {
  const int port = freePort();
  ASSERT_GT(port, 0);
  const std::string address = "127.0.0.1:" + std::to_string(port);
  const auto started = SteadyClock::now();
  const auto backend =
      create("node-a", "brokers: " + address + "\ntopic: streamgate.nowhere\nstartup_timeout: 1s\n");
  const auto took = since(started);
  ASSERT_FALSE(backend.hasValue()) << "started with nothing at " << address;
  EXPECT_EQ(backend.status().code(), Code::kUnavailable) << backend.status().toString();
  EXPECT_NE(backend.status().message().find(address), std::string::npos) << backend.status().toString();
  EXPECT_NE(backend.status().message().find("streamgate.nowhere"), std::string::npos)
      << backend.status().toString();
  EXPECT_LT(took, seconds(3)) << backend.status().toString();
  RecordProperty("failed_after_ms", std::to_string(took.count()));
}

// The broker is there but the topic is not: the plugin does not create it
// (partitions and retention are the operator's choice) and says which.
TEST_F(KafkaResilienceTest, StartupWithMissingTopicFailsNamingIt) {
  startBroker();
  broker_->setTopicMissing("streamgate.no-such-topic");
  const auto started = SteadyClock::now();
  const auto backend =
      create("node-a", sectionYaml("topic: streamgate.no-such-topic\nstartup_timeout: 2s\n"));
  const auto took = since(started);
  ASSERT_FALSE(backend.hasValue()) << "started on a topic that does not exist";
  EXPECT_EQ(backend.status().code(), Code::kUnavailable) << backend.status().toString();
  EXPECT_NE(backend.status().message().find("streamgate.no-such-topic"), std::string::npos)
      << backend.status().toString();
  EXPECT_LT(took, seconds(4)) << backend.status().toString();
  RecordProperty("failed_after_ms", std::to_string(took.count()));
}

}  // namespace
}  // namespace streamgate::testing
