// The producers' one write path: store first, then publish what was stored,
// unless the store's plugin publishes it in the same write.
#include "gateway/stream_writer.h"

#include <gtest/gtest.h>

#include <vector>

#include "gateway/metrics.h"
#include "streamgate/stream_event.h"

namespace streamgate::gateway {
namespace {

// Accepts every write; what the writer does next is what is under test.
class AcceptingStore final : public StreamStore {
 public:
  void append(const AppendRequest& request, Callback<std::int64_t> done) override {
    done(request.firstIndex + static_cast<std::int64_t>(request.contents.size()));
  }
  void finish(const StreamId&, const Terminal& terminal, std::uint64_t, Callback<Terminal> done) override {
    done(terminal);
  }
  void openStreams(std::size_t, Callback<std::vector<StreamId>> done) override {
    done(std::vector<StreamId>{});
  }
  void read(const StreamId&, std::int64_t, std::size_t, Callback<StreamSlice> done) override {
    done(StreamSlice{});
  }
};

class RecordingBus final : public MessageBus {
 public:
  void publish(const std::string& channel, std::string payload, StatusCallback done) override {
    published.emplace_back(channel, std::move(payload));
    done(Status::ok());
  }
  std::shared_ptr<Subscription> subscribe(const std::string&, MessageHandler, StatusCallback ready) override {
    ready(Status::ok());
    return std::make_shared<Subscription>();
  }
  std::vector<std::pair<std::string, std::string>> published;
};

const StreamId kStream{"s1", "m1"};

std::vector<std::int64_t> chunkIndexes(const RecordingBus& bus) {
  std::vector<std::int64_t> indexes;
  for (const auto& [channel, payload] : bus.published) {
    EXPECT_EQ(channel, sessionChannel("s1"));
    auto event = decodeEvent(payload);
    EXPECT_TRUE(event.hasValue()) << payload;
    if (event && event->kind == EventKind::kChunk) indexes.push_back(event->index);
  }
  return indexes;
}

TEST(StreamWriterTest, PublishesEveryStoredChunkThenTheTerminal) {
  AcceptingStore store;
  RecordingBus bus;
  Metrics metrics;
  StreamWriter writer(store, bus, metrics, false);
  writer.append(AppendRequest{kStream, 2, {"a", "b", "c"}, 1}, [](Expected<std::int64_t> next) {
    ASSERT_TRUE(next.hasValue());
    EXPECT_EQ(*next, 5);
  });
  EXPECT_EQ(chunkIndexes(bus), (std::vector<std::int64_t>{2, 3, 4}));
  writer.finish(kStream, Terminal{TerminalKind::kComplete, 5, {}, {}}, 1, [](Expected<Terminal>) {});
  ASSERT_EQ(bus.published.size(), 4u);
  auto terminal = decodeEvent(bus.published.back().second);
  ASSERT_TRUE(terminal.hasValue());
  EXPECT_EQ(terminal->kind, EventKind::kComplete);
  EXPECT_EQ(metrics.chunksAppended.load(), 3u);
}

TEST(StreamWriterTest, StoreThatPublishesItselfIsNotPublishedAgain) {
  AcceptingStore store;
  RecordingBus bus;
  Metrics metrics;
  StreamWriter writer(store, bus, metrics, true);
  bool appended = false;
  writer.append(AppendRequest{kStream, 0, {"a", "b"}, 1},
                [&](Expected<std::int64_t> next) { appended = next.hasValue() && *next == 2; });
  writer.finish(kStream, Terminal{TerminalKind::kCancelled, 2, {}, {}}, 1, [](Expected<Terminal>) {});
  EXPECT_TRUE(appended);
  EXPECT_TRUE(bus.published.empty());
  EXPECT_EQ(metrics.chunksAppended.load(), 2u);
  // What the store does not write still goes over the bus.
  writer.publishStarted(kStream, "r1");
  ASSERT_EQ(bus.published.size(), 1u);
  EXPECT_EQ(decodeEvent(bus.published[0].second)->kind, EventKind::kStarted);
}

}  // namespace
}  // namespace streamgate::gateway
