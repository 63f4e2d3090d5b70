// The StreamStore contract (streamgate/stream_store.h), run against every
// plugin that provides a stream store.
#include <atomic>
#include <thread>
#include <vector>

#include "contract_test.h"
#include "streamgate/stream_store.h"

namespace streamgate::contract {
namespace {

using namespace std::chrono_literals;

class StreamStoreContract : public ContractTest {
 protected:
  static constexpr auto kStreamTtl = 2s;
  static constexpr auto kCompletedTtl = 1s;

  std::string extraYaml() const override { return "stream_ttl: 2s\ncompleted_ttl: 1s"; }

  void SetUp() override {
    ContractTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    store_ = backend().streamStore();
    ASSERT_NE(store_, nullptr);
    id_ = StreamId{uniqueId("session"), uniqueId("message")};
  }

  StreamId otherStream(std::string_view name) const { return StreamId{id_.sessionId, uniqueId(name)}; }

  Expected<std::int64_t> append(const StreamId& id, std::int64_t firstIndex,
                                std::vector<std::string> contents, std::uint64_t fencingToken = 1) {
    const AppendRequest request{id, firstIndex, std::move(contents), fencingToken};
    return awaitValue<std::int64_t>([&](auto done) { store_->append(request, done); });
  }
  Expected<std::int64_t> append(std::int64_t firstIndex, std::vector<std::string> contents,
                                std::uint64_t fencingToken = 1) {
    return append(id_, firstIndex, std::move(contents), fencingToken);
  }

  Expected<Terminal> finish(const StreamId& id, const Terminal& terminal, std::uint64_t fencingToken = 1) {
    return awaitValue<Terminal>([&](auto done) { store_->finish(id, terminal, fencingToken, done); });
  }
  Expected<Terminal> finish(const Terminal& terminal, std::uint64_t fencingToken = 1) {
    return finish(id_, terminal, fencingToken);
  }

  Expected<StreamSlice> read(const StreamId& id, std::int64_t fromIndex, std::size_t maxChunks = 100) {
    return awaitValue<StreamSlice>([&](auto done) { store_->read(id, fromIndex, maxChunks, done); });
  }
  Expected<StreamSlice> read(std::int64_t fromIndex = 0, std::size_t maxChunks = 100) {
    return read(id_, fromIndex, maxChunks);
  }

  // The slice, or an empty one and a test failure.
  StreamSlice readOk(const StreamId& id, std::int64_t fromIndex = 0) {
    auto slice = read(id, fromIndex);
    if (!slice.hasValue()) {
      ADD_FAILURE() << "read " << id.messageId << " from " << fromIndex << ": " << slice.status().toString();
      return {};
    }
    return std::move(slice).value();
  }
  StreamSlice readOk(std::int64_t fromIndex = 0) { return readOk(id_, fromIndex); }

  // Appends "c0".."c<count-1>" one by one.
  void appendChunks(const StreamId& id, int count) {
    for (int i = 0; i < count; ++i) {
      auto next = append(id, i, {"c" + std::to_string(i)});
      ASSERT_TRUE(next.hasValue()) << next.status().toString();
      ASSERT_EQ(*next, i + 1);
    }
  }

  static Terminal complete(std::int64_t totalChunks) {
    return Terminal{TerminalKind::kComplete, totalChunks, {}, {}};
  }
  static Terminal cancelled() { return Terminal{TerminalKind::kCancelled, 0, {}, {}}; }

  std::shared_ptr<StreamStore> store_;
  StreamId id_;
};

std::vector<std::int64_t> indexesOf(const StreamSlice& slice) {
  std::vector<std::int64_t> indexes;
  for (const auto& chunk : slice.chunks) indexes.push_back(chunk.index);
  return indexes;
}

std::vector<std::string> contentsOf(const StreamSlice& slice) {
  std::vector<std::string> contents;
  for (const auto& chunk : slice.chunks) contents.push_back(chunk.content);
  return contents;
}

#define EXPECT_NEXT(result, expected)                           \
  do {                                                          \
    const auto next_ = (result);                                \
    ASSERT_TRUE(next_.hasValue()) << next_.status().toString(); \
    EXPECT_EQ(*next_, (expected));                              \
  } while (false)

// --- append and read ---------------------------------------------------------

TEST_P(StreamStoreContract, AppendKeepsOrderWithDenseIndexes) {
  EXPECT_NEXT(append(0, {"a"}), 1);
  EXPECT_NEXT(append(1, {"b"}), 2);
  EXPECT_NEXT(append(2, {"c", "d", "e"}), 5);

  auto slice = read(0);
  ASSERT_OK(slice);
  EXPECT_EQ(indexesOf(*slice), (std::vector<std::int64_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(contentsOf(*slice), (std::vector<std::string>{"a", "b", "c", "d", "e"}));
  EXPECT_EQ(slice->nextIndex, 5);
  EXPECT_FALSE(slice->terminal.has_value());
}

TEST_P(StreamStoreContract, ReadReturnsRequestedRangeUpToLimit) {
  appendChunks(id_, 5);

  auto middle = read(1, 2);
  ASSERT_OK(middle);
  EXPECT_EQ(indexesOf(*middle), (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(contentsOf(*middle), (std::vector<std::string>{"c1", "c2"}));
  EXPECT_EQ(middle->nextIndex, 5);

  auto tail = read(3, 100);
  ASSERT_OK(tail);
  EXPECT_EQ(indexesOf(*tail), (std::vector<std::int64_t>{3, 4}));

  auto none = read(0, 0);
  ASSERT_OK(none);
  EXPECT_TRUE(none->chunks.empty());
  EXPECT_EQ(none->nextIndex, 5);
}

TEST_P(StreamStoreContract, ReadAtOrPastTheEndIsEmpty) {
  appendChunks(id_, 3);
  for (const std::int64_t from : {3, 4, 1000}) {
    auto slice = read(from);
    ASSERT_OK(slice);
    EXPECT_TRUE(slice->chunks.empty()) << "from " << from;
    EXPECT_EQ(slice->nextIndex, 3);
  }
}

TEST_P(StreamStoreContract, ReadOfUnknownStreamIsNotFound) { EXPECT_CODE(Code::kNotFound, read(0)); }

TEST_P(StreamStoreContract, StreamsAreIndependent) {
  const StreamId other = otherStream("other");
  appendChunks(id_, 3);
  EXPECT_NEXT(append(other, 0, {"x"}), 1);
  EXPECT_EQ(readOk(other).nextIndex, 1);
  EXPECT_EQ(readOk().nextIndex, 3);
  EXPECT_EQ(contentsOf(readOk(other)), (std::vector<std::string>{"x"}));
}

TEST_P(StreamStoreContract, IdenticalReAppendIsANoOp) {
  appendChunks(id_, 3);
  EXPECT_NEXT(append(1, {"c1"}), 3);
  EXPECT_NEXT(append(0, {"c0", "c1", "c2"}), 3);
  auto slice = read(0);
  ASSERT_OK(slice);
  EXPECT_EQ(contentsOf(*slice), (std::vector<std::string>{"c0", "c1", "c2"}));
}

TEST_P(StreamStoreContract, ReAppendWithOtherContentConflicts) {
  appendChunks(id_, 3);
  const auto result = append(1, {"changed"});
  EXPECT_CODE(Code::kConflict, result);
  EXPECT_TRUE(hasMessage(result, id_.messageId));
  EXPECT_EQ(contentsOf(readOk()), (std::vector<std::string>{"c0", "c1", "c2"}));
}

TEST_P(StreamStoreContract, BatchOverlappingStoredChunksAppendsTheNewOnes) {
  appendChunks(id_, 2);
  EXPECT_NEXT(append(1, {"c1", "c2", "c3"}), 4);
  EXPECT_EQ(contentsOf(readOk()), (std::vector<std::string>{"c0", "c1", "c2", "c3"}));
}

TEST_P(StreamStoreContract, GapIsRefusedAndNamesTheExpectedIndex) {
  appendChunks(id_, 3);
  const auto result = append(5, {"x"});
  EXPECT_CODE(Code::kGap, result);
  EXPECT_TRUE(hasMessage(result, "expected index 3"));
  EXPECT_TRUE(hasMessage(result, id_.messageId));
  EXPECT_EQ(readOk().nextIndex, 3);
}

TEST_P(StreamStoreContract, FirstAppendMustStartAtZero) {
  const auto result = append(1, {"x"});
  EXPECT_CODE(Code::kGap, result);
  EXPECT_TRUE(hasMessage(result, "expected index 0"));
  EXPECT_CODE(Code::kNotFound, read(0));
}

// --- batches -------------------------------------------------------------------

TEST_P(StreamStoreContract, BatchWithAConflictWritesNothing) {
  appendChunks(id_, 3);
  // Index 1 matches, index 2 conflicts, index 3 would be new: none of it may land.
  EXPECT_CODE(Code::kConflict, append(1, {"c1", "changed", "c3"}));
  auto slice = read(0);
  ASSERT_OK(slice);
  EXPECT_EQ(slice->nextIndex, 3);
  EXPECT_EQ(contentsOf(*slice), (std::vector<std::string>{"c0", "c1", "c2"}));
}

TEST_P(StreamStoreContract, BatchWithAGapWritesNothing) {
  appendChunks(id_, 2);
  EXPECT_CODE(Code::kGap, append(3, {"c3", "c4"}));
  EXPECT_EQ(readOk().nextIndex, 2);
}

TEST_P(StreamStoreContract, BatchAfterFinishWritesNothing) {
  appendChunks(id_, 2);
  ASSERT_OK(finish(complete(2)));
  EXPECT_CODE(Code::kFinished, append(1, {"c1", "c2"}));
  EXPECT_EQ(readOk().nextIndex, 2);
}

// --- fencing -------------------------------------------------------------------

TEST_P(StreamStoreContract, OlderFencingTokenIsRefused) {
  EXPECT_NEXT(append(0, {"a"}, 5), 1);
  const auto result = append(1, {"b"}, 4);
  EXPECT_CODE(Code::kFenced, result);
  EXPECT_TRUE(hasMessage(result, id_.messageId));
  EXPECT_EQ(readOk().nextIndex, 1);
  // The same token keeps working.
  EXPECT_NEXT(append(1, {"b"}, 5), 2);
}

TEST_P(StreamStoreContract, NewerFencingTokenBecomesTheFloor) {
  EXPECT_NEXT(append(0, {"a"}, 3), 1);
  EXPECT_NEXT(append(1, {"b"}, 7), 2);
  EXPECT_CODE(Code::kFenced, append(2, {"c"}, 3));
  EXPECT_CODE(Code::kFenced, append(2, {"c"}, 6));
  EXPECT_NEXT(append(2, {"c"}, 7), 3);
  EXPECT_EQ(readOk().nextIndex, 3);
}

TEST_P(StreamStoreContract, FencingIsCheckedBeforeAnythingElse) {
  appendChunks(id_, 2);  // token 1
  EXPECT_NEXT(append(2, {"c2"}, 9), 3);
  EXPECT_CODE(Code::kFenced, append(0, {"c0"}, 8));       // would be an identical re-send
  EXPECT_CODE(Code::kFenced, append(0, {"changed"}, 8));  // would be a conflict
  EXPECT_CODE(Code::kFenced, append(7, {"x"}, 8));        // would be a gap
  ASSERT_OK(finish(complete(3), 9));
  EXPECT_CODE(Code::kFenced, append(3, {"x"}, 8));  // would be finished
}

TEST_P(StreamStoreContract, FinishIsFenced) {
  EXPECT_NEXT(append(0, {"a"}, 5), 1);
  EXPECT_CODE(Code::kFenced, finish(complete(1), 4));
  EXPECT_FALSE(readOk().terminal.has_value());
  ASSERT_OK(finish(complete(1), 6));
  // The finisher's token is the floor now, even for an identical finish.
  EXPECT_CODE(Code::kFenced, finish(complete(1), 5));
}

// --- finish --------------------------------------------------------------------

TEST_P(StreamStoreContract, CompleteRecordsTheTerminal) {
  appendChunks(id_, 2);
  ASSERT_OK(finish(complete(2)));
  auto slice = read(0);
  ASSERT_OK(slice);
  ASSERT_TRUE(slice->terminal.has_value());
  EXPECT_EQ(slice->terminal->kind, TerminalKind::kComplete);
  EXPECT_EQ(slice->terminal->totalChunks, 2);
  EXPECT_EQ(slice->nextIndex, 2);
  EXPECT_EQ(contentsOf(*slice), (std::vector<std::string>{"c0", "c1"}));
}

TEST_P(StreamStoreContract, CompleteWithWrongChunkCountConflicts) {
  appendChunks(id_, 2);
  EXPECT_CODE(Code::kConflict, finish(complete(3)));
  EXPECT_CODE(Code::kConflict, finish(complete(1)));
  EXPECT_FALSE(readOk().terminal.has_value());
  // Still open: the producer can go on.
  EXPECT_NEXT(append(2, {"c2"}), 3);
  ASSERT_OK(finish(complete(3)));
}

TEST_P(StreamStoreContract, SameTerminalAgainIsANoOp) {
  appendChunks(id_, 2);
  ASSERT_OK(finish(complete(2)));
  ASSERT_OK(finish(complete(2)));
  const StreamId other = otherStream("cancelled");
  appendChunks(other, 1);
  ASSERT_OK(finish(other, cancelled()));
  const auto again = finish(other, cancelled());
  ASSERT_OK(again);
  EXPECT_EQ(again->kind, TerminalKind::kCancelled);
  EXPECT_EQ(again->totalChunks, 1);
  EXPECT_EQ(readOk(other).terminal.value().kind, TerminalKind::kCancelled);
}

TEST_P(StreamStoreContract, DifferentTerminalIsRefused) {
  appendChunks(id_, 2);
  ASSERT_OK(finish(complete(2)));
  const auto result = finish(cancelled());
  EXPECT_CODE(Code::kFinished, result);
  EXPECT_TRUE(hasMessage(result, id_.messageId));
  EXPECT_CODE(Code::kFinished, finish(Terminal{TerminalKind::kFailed, 0, "boom", "it broke"}));
  EXPECT_CODE(Code::kFinished, finish(Terminal{TerminalKind::kInterrupted, 0, {}, {}}));
  EXPECT_EQ(readOk().terminal.value().kind, TerminalKind::kComplete);
}

TEST_P(StreamStoreContract, AppendAfterFinishIsRefusedButReSendsSucceed) {
  appendChunks(id_, 2);
  ASSERT_OK(finish(cancelled()));
  const auto result = append(2, {"late"});
  EXPECT_CODE(Code::kFinished, result);
  EXPECT_TRUE(hasMessage(result, id_.messageId));
  EXPECT_NEXT(append(1, {"c1"}), 2);
  EXPECT_CODE(Code::kConflict, append(1, {"changed"}));
  EXPECT_EQ(readOk().nextIndex, 2);
}

TEST_P(StreamStoreContract, FailedCarriesCodeAndMessage) {
  appendChunks(id_, 1);
  ASSERT_OK(finish(Terminal{TerminalKind::kFailed, 0, "upstream_error", "model overloaded"}));
  auto slice = read(0);
  ASSERT_OK(slice);
  ASSERT_TRUE(slice->terminal.has_value());
  EXPECT_EQ(slice->terminal->kind, TerminalKind::kFailed);
  EXPECT_EQ(slice->terminal->code, "upstream_error");
  EXPECT_EQ(slice->terminal->message, "model overloaded");
}

TEST_P(StreamStoreContract, CancelledAndInterruptedTakeTheChunkCountFromTheStream) {
  appendChunks(id_, 3);
  const auto recorded = finish(Terminal{TerminalKind::kCancelled, 0, {}, {}});
  ASSERT_OK(recorded);
  EXPECT_EQ(recorded->totalChunks, 3) << "finish yields the terminal as recorded";
  EXPECT_EQ(readOk().terminal.value().totalChunks, 3);

  const StreamId other = otherStream("interrupted");
  appendChunks(other, 2);
  ASSERT_OK(finish(other, Terminal{TerminalKind::kInterrupted, 99, {}, {}}));
  EXPECT_EQ(readOk(other).terminal.value().kind, TerminalKind::kInterrupted);
  EXPECT_EQ(readOk(other).terminal.value().totalChunks, 2);
}

TEST_P(StreamStoreContract, FinishingAnUnknownStreamCreatesAnEmptyFinishedOne) {
  ASSERT_OK(finish(Terminal{TerminalKind::kFailed, 0, "upstream_error", "refused before the first token"}));
  auto slice = read(0);
  ASSERT_OK(slice);
  EXPECT_TRUE(slice->chunks.empty());
  EXPECT_EQ(slice->nextIndex, 0);
  ASSERT_TRUE(slice->terminal.has_value());
  EXPECT_EQ(slice->terminal->kind, TerminalKind::kFailed);
  EXPECT_EQ(slice->terminal->code, "upstream_error");

  const StreamId empty = otherStream("empty");
  ASSERT_OK(finish(empty, complete(0)));
  EXPECT_EQ(readOk(empty).terminal.value().totalChunks, 0);
  EXPECT_CODE(Code::kFinished, append(empty, 0, {"late"}));
}

TEST_P(StreamStoreContract, CompletingAnUnknownStreamWithChunksConflictsAndCreatesNothing) {
  EXPECT_CODE(Code::kConflict, finish(complete(2)));
  EXPECT_CODE(Code::kNotFound, read(0));
}

// --- expiry --------------------------------------------------------------------

// --- open streams ------------------------------------------------------------

// This test's own streams among openStreams(max), in the order returned: a
// shared server may hold other tests' streams too.
std::vector<std::string> ownOpenStreams(StreamStore& store, const std::string& sessionId, std::size_t max) {
  auto open = awaitValue<std::vector<StreamId>>([&](auto done) { store.openStreams(max, done); });
  EXPECT_TRUE(open.hasValue()) << open.status().toString();
  std::vector<std::string> own;
  if (!open.hasValue()) return own;
  EXPECT_LE(open->size(), max);
  for (const auto& id : *open) {
    if (id.sessionId == sessionId) own.push_back(id.messageId);
  }
  return own;
}

TEST_P(StreamStoreContract, OpenStreamsListsUnfinishedStreamsLeastRecentlyWrittenFirst) {
  const auto first = otherStream("first");
  const auto second = otherStream("second");
  const auto done = otherStream("done");
  appendChunks(first, 1);
  advance(20ms);
  appendChunks(second, 1);
  advance(20ms);
  appendChunks(done, 1);
  ASSERT_OK(finish(done, complete(1)));
  EXPECT_EQ(ownOpenStreams(*store_, id_.sessionId, 100000),
            (std::vector<std::string>{first.messageId, second.messageId}));

  advance(20ms);
  EXPECT_NEXT(append(first, 1, {"c1"}), 2);  // now the most recently written
  EXPECT_EQ(ownOpenStreams(*store_, id_.sessionId, 100000),
            (std::vector<std::string>{second.messageId, first.messageId}));

  ASSERT_OK(finish(second, cancelled()));
  EXPECT_EQ(ownOpenStreams(*store_, id_.sessionId, 100000), std::vector<std::string>{first.messageId});
}

TEST_P(StreamStoreContract, OpenStreamsHonoursMax) {
  appendChunks(otherStream("a"), 1);
  appendChunks(otherStream("b"), 1);
  auto open = awaitValue<std::vector<StreamId>>([&](auto done) { store_->openStreams(1, done); });
  ASSERT_OK(open);
  EXPECT_EQ(open->size(), 1u);
}

TEST_P(StreamStoreContract, ExpiredStreamsAreNotOpen) {
  appendChunks(id_, 1);
  advance(2500ms);
  EXPECT_TRUE(ownOpenStreams(*store_, id_.sessionId, 100000).empty());
}

TEST_P(StreamStoreContract, StreamExpiresStreamTtlAfterItsLastWrite) {
  appendChunks(id_, 1);
  advance(1500ms);
  ASSERT_OK(read(0));
  advance(1000ms);
  EXPECT_CODE(Code::kNotFound, read(0));
}

TEST_P(StreamStoreContract, AppendRefreshesTheTtl) {
  appendChunks(id_, 1);
  advance(1500ms);
  EXPECT_NEXT(append(1, {"c1"}), 2);
  advance(1500ms);  // 3s after the first write, 1.5s after the last
  auto slice = read(0);
  ASSERT_OK(slice);
  EXPECT_EQ(slice->nextIndex, 2);
  advance(1000ms);
  EXPECT_CODE(Code::kNotFound, read(0));
}

TEST_P(StreamStoreContract, FinishedStreamExpiresCompletedTtlAfterFinishing) {
  appendChunks(id_, 1);
  ASSERT_OK(finish(complete(1)));
  advance(500ms);
  ASSERT_OK(read(0));
  advance(kCompletedTtl);  // 1.5s after finishing: past completed_ttl, within stream_ttl
  EXPECT_CODE(Code::kNotFound, read(0));
}

TEST_P(StreamStoreContract, CompletedTtlMayOutliveStreamTtl) {
  auto longLived = createBackend("stream_ttl: 1s\ncompleted_ttl: 3s");
  ASSERT_OK(longLived);
  store_ = (*longLived)->streamStore();
  appendChunks(id_, 1);
  ASSERT_OK(finish(complete(1)));
  advance(2000ms);  // past stream_ttl, within completed_ttl
  ASSERT_OK(read(0));
  advance(1500ms);
  EXPECT_CODE(Code::kNotFound, read(0));
}

TEST_P(StreamStoreContract, ExpiredStreamStartsAfresh) {
  appendChunks(id_, 2);
  advance(kStreamTtl + 500ms);
  EXPECT_CODE(Code::kNotFound, read(0));
  EXPECT_NEXT(append(0, {"fresh"}), 1);
  EXPECT_EQ(contentsOf(readOk()), (std::vector<std::string>{"fresh"}));
}

// --- config --------------------------------------------------------------------

TEST_P(StreamStoreContract, RetentionKeysAreChecked) {
  const Status badDuration = library().validate(config("stream_ttl: soon"));
  EXPECT_CODE(Code::kInvalidArgument, badDuration);
  EXPECT_TRUE(hasMessage(badDuration, "stream_ttl"));
  const Status zero = library().validate(config("completed_ttl: 0s"));
  EXPECT_CODE(Code::kInvalidArgument, zero);
  EXPECT_TRUE(hasMessage(zero, "completed_ttl"));
  EXPECT_CODE(Code::kInvalidArgument, createBackend("stream_ttl: soon"));
}

// --- arguments and concurrency -------------------------------------------------

TEST_P(StreamStoreContract, InvalidArgumentsAreRefused) {
  const StreamId noSession{"", id_.messageId};
  const StreamId noMessage{id_.sessionId, ""};
  for (const StreamId& bad : {noSession, noMessage}) {
    EXPECT_CODE(Code::kInvalidArgument, append(bad, 0, {"a"}));
    EXPECT_CODE(Code::kInvalidArgument, finish(bad, complete(0)));
    EXPECT_CODE(Code::kInvalidArgument, read(bad, 0));
  }
  EXPECT_CODE(Code::kInvalidArgument, append(-1, {"a"}));
  EXPECT_CODE(Code::kInvalidArgument, append(0, {}));
  EXPECT_CODE(Code::kInvalidArgument, read(-1));
  EXPECT_CODE(Code::kInvalidArgument, finish(Terminal{static_cast<TerminalKind>(42), 0, {}, {}}));
  // None of it created the stream.
  EXPECT_CODE(Code::kNotFound, read(0));
}

TEST_P(StreamStoreContract, RacingAppendsOfOneIndexHaveOneWinner) {
  constexpr int kWriters = 8;
  std::atomic<int> wins{0};
  std::atomic<int> conflicts{0};
  std::vector<std::thread> writers;
  for (int i = 0; i < kWriters; ++i) {
    writers.emplace_back([&, i] {
      const auto result = append(0, {"writer" + std::to_string(i)});
      if (result.hasValue()) ++wins;
      if (result.status().code() == Code::kConflict) ++conflicts;
    });
  }
  for (auto& writer : writers) writer.join();
  EXPECT_EQ(wins.load(), 1);
  EXPECT_EQ(conflicts.load(), kWriters - 1);
  EXPECT_EQ(readOk().nextIndex, 1);
}

TEST_P(StreamStoreContract, ConcurrentStreamsStayDense) {
  constexpr int kStreams = 4;
  constexpr int kChunks = 100;
  std::vector<StreamId> ids;
  for (int i = 0; i < kStreams; ++i) ids.push_back(otherStream("concurrent" + std::to_string(i)));
  std::vector<std::thread> writers;
  for (const auto& id : ids) writers.emplace_back([&, id] { appendChunks(id, kChunks); });
  for (auto& writer : writers) writer.join();
  for (const auto& id : ids) {
    auto slice = read(id, 0, kChunks + 1);
    ASSERT_OK(slice);
    ASSERT_EQ(slice->chunks.size(), static_cast<std::size_t>(kChunks));
    for (int i = 0; i < kChunks; ++i) EXPECT_EQ(slice->chunks[i].content, "c" + std::to_string(i));
  }
}

STREAMGATE_INSTANTIATE_CONTRACT(StreamStoreContract, kStreamStore);

}  // namespace
}  // namespace streamgate::contract
