#include "gateway/stream_cursor.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gateway/server_frames.h"

namespace streamgate::gateway {
namespace {

using Log = std::vector<std::string>;

const StreamId kStream{"session-1", "message-1"};

std::string contentOf(std::int64_t index) { return "text of chunk " + std::to_string(index); }

net::Frame frameOf(std::string json) { return std::make_shared<const std::string>(std::move(json)); }

// Records what the cursor sends as short tokens, so a test states the whole
// delivery order in one line:
//   "L3" / "S3"            chunk 3, from a live frame / read from the store
//   "Lcomplete:5"          a terminal with its totalChunks ("S..." when read)
//   "Lstarted"             the started event
//   "!stream_gap"          cursorFailed with that code (messages in errors)
// Every delivered text must be JSON of the right stream, with isChunk set
// exactly for chunks. Store reads are held until the test completes them.
class FakeSink final : public StreamCursor::Sink {
 public:
  struct PendingRead {
    StreamId stream;
    std::int64_t from;
    std::function<void(Expected<StreamSlice>)> done;
  };

  void deliverFrame(const net::Frame& frame, bool isChunk) override { record('L', *frame, isChunk); }
  void deliverJson(std::string json, bool isChunk) override { record('S', json, isChunk); }
  void readStore(const StreamId& stream, std::int64_t from,
                 std::function<void(Expected<StreamSlice>)> done) override {
    reads.push_back(PendingRead{stream, from, std::move(done)});
  }
  void cursorFailed(const StreamId& stream, std::string_view code, std::string_view message) override {
    EXPECT_EQ(stream, kStream);
    log.push_back("!" + std::string(code));
    errors.emplace_back(message);
  }

  // Completes read number `n` (0-based, in the order they were asked for).
  void complete(std::size_t n, Expected<StreamSlice> result) {
    ASSERT_LT(n, reads.size());
    ASSERT_TRUE(reads[n].done) << "read " << n << " completed twice";
    auto done = std::move(reads[n].done);
    reads[n].done = nullptr;
    done(std::move(result));
  }
  std::size_t pendingReads() const {
    std::size_t count = 0;
    for (const auto& read : reads) count += read.done ? 1 : 0;
    return count;
  }

  Log log;
  std::vector<std::string> errors;
  std::vector<PendingRead> reads;

 private:
  void record(char source, const std::string& json, bool isChunk) {
    Poco::JSON::Object::Ptr object;
    try {
      object = Poco::JSON::Parser().parse(json).extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception& error) {
      ADD_FAILURE() << "not JSON: " << json << ": " << error.displayText();
      return;
    }
    EXPECT_EQ(object->getValue<std::string>("sessionId"), kStream.sessionId) << json;
    EXPECT_EQ(object->getValue<std::string>("messageId"), kStream.messageId) << json;
    const auto type = object->getValue<std::string>("type");
    EXPECT_EQ(isChunk, type == "chunk") << json;
    std::string token(1, source);
    if (type == "chunk") {
      const auto index = object->getValue<std::int64_t>("index");
      EXPECT_EQ(object->getValue<std::string>("content"), contentOf(index)) << json;
      token += std::to_string(index);
    } else if (type == "started") {
      token += type;
    } else {
      token += type + ":" + std::to_string(object->getValue<std::int64_t>("totalChunks"));
    }
    log.push_back(token);
  }
};

// What the store holds: chunks [from, to) and, when stored is given, the
// stream's next index (else `to`).
StreamSlice slice(std::int64_t from, std::int64_t to, std::optional<std::int64_t> stored = std::nullopt,
                  std::optional<Terminal> terminal = std::nullopt) {
  StreamSlice result;
  for (std::int64_t i = from; i < to; ++i) result.chunks.push_back(Chunk{i, contentOf(i)});
  result.nextIndex = stored.value_or(to);
  result.terminal = std::move(terminal);
  return result;
}

Terminal complete(std::int64_t totalChunks) { return Terminal{TerminalKind::kComplete, totalChunks, {}, {}}; }

class StreamCursorTest : public ::testing::Test {
 protected:
  void makeCursor(std::int64_t nextIndex = 0) {
    cursor_ = std::make_shared<StreamCursor>(kStream, nextIndex, sink_);
  }
  StreamCursor& cursor() { return *cursor_; }

  void liveChunk(std::int64_t index) {
    cursor_->onLive(EventKind::kChunk, index, frameOf(chunkJson(kStream, index, contentOf(index))));
  }
  void liveTerminal(const Terminal& terminal) {
    const EventKind kind = terminal.kind == TerminalKind::kComplete    ? EventKind::kComplete
                           : terminal.kind == TerminalKind::kCancelled ? EventKind::kCancelled
                           : terminal.kind == TerminalKind::kFailed    ? EventKind::kFailed
                                                                       : EventKind::kInterrupted;
    cursor_->onLive(kind, terminal.totalChunks, frameOf(terminalJson(kStream, terminal)));
  }
  void liveStarted() { cursor_->onLive(EventKind::kStarted, -1, frameOf(startedJson(kStream, "request-1"))); }
  void liveCancelRequest() {
    // A cancel request carries no client frame; a cursor must never send it.
    cursor_->onLive(EventKind::kCancelRequest, -1, frameOf(""));
  }

  FakeSink sink_;
  std::shared_ptr<StreamCursor> cursor_;
};

TEST_F(StreamCursorTest, DeliversInOrderLiveChunksAndTheTerminal) {
  makeCursor();
  for (std::int64_t i = 0; i < 3; ++i) liveChunk(i);
  EXPECT_FALSE(cursor().finished());
  liveTerminal(complete(3));
  EXPECT_EQ(sink_.log, (Log{"L0", "L1", "L2", "Lcomplete:3"}));
  EXPECT_TRUE(sink_.reads.empty());
  EXPECT_TRUE(cursor().finished());
  EXPECT_EQ(cursor().nextIndex(), 3);
}

TEST_F(StreamCursorTest, DropsDuplicateLiveChunks) {
  makeCursor();
  liveChunk(0);
  liveChunk(1);
  liveChunk(1);
  liveChunk(0);
  liveChunk(2);
  liveChunk(2);
  EXPECT_EQ(sink_.log, (Log{"L0", "L1", "L2"}));
  EXPECT_TRUE(sink_.reads.empty());
}

TEST_F(StreamCursorTest, LiveGapReadsOnceFromNextIndexThenDrainsTheBuffer) {
  makeCursor();
  liveChunk(0);
  liveChunk(3);  // 1 and 2 were lost on the bus
  ASSERT_EQ(sink_.reads.size(), 1u);
  EXPECT_EQ(sink_.reads[0].stream, kStream);
  EXPECT_EQ(sink_.reads[0].from, 1);
  EXPECT_TRUE(cursor().reading());
  liveChunk(4);
  liveChunk(3);
  EXPECT_EQ(sink_.reads.size(), 1u) << "one read fills the hole, whatever arrives meanwhile";
  EXPECT_EQ(sink_.log, (Log{"L0"}));

  sink_.complete(0, slice(1, 3));
  EXPECT_EQ(sink_.log, (Log{"L0", "S1", "S2", "L3", "L4"}));
  EXPECT_FALSE(cursor().reading());
  EXPECT_EQ(cursor().nextIndex(), 5);
  EXPECT_EQ(sink_.reads.size(), 1u);
  liveChunk(5);
  EXPECT_EQ(sink_.log.back(), "L5");
}

TEST_F(StreamCursorTest, BufferedLiveChunksAlreadyReadFromTheStoreAreDropped) {
  makeCursor();
  liveChunk(0);
  liveChunk(2);
  liveChunk(3);
  // By the time the read runs the store holds more than the bus delivered.
  sink_.complete(0, slice(1, 5));
  EXPECT_EQ(sink_.log, (Log{"L0", "S1", "S2", "S3", "S4"}));
  liveChunk(4);
  liveChunk(5);
  EXPECT_EQ(sink_.log, (Log{"L0", "S1", "S2", "S3", "S4", "L5"}));
}

TEST_F(StreamCursorTest, SecondGapFoundWhileDrainingReadsAgainAndKeepsOrder) {
  makeCursor();
  liveChunk(0);
  liveChunk(2);
  liveChunk(5);  // another hole: 3 and 4
  liveChunk(6);
  ASSERT_EQ(sink_.reads.size(), 1u);
  sink_.complete(0, slice(1, 3));
  EXPECT_EQ(sink_.log, (Log{"L0", "S1", "S2"}));
  ASSERT_EQ(sink_.reads.size(), 2u);
  EXPECT_EQ(sink_.reads[1].from, 3);
  EXPECT_TRUE(cursor().reading());
  liveChunk(7);
  sink_.complete(1, slice(3, 5));
  EXPECT_EQ(sink_.log, (Log{"L0", "S1", "S2", "S3", "S4", "L5", "L6", "L7"}));
  EXPECT_FALSE(cursor().reading());
  EXPECT_EQ(sink_.reads.size(), 2u);
}

TEST_F(StreamCursorTest, LiveEventsDuringAReadWaitForIt) {
  makeCursor();
  cursor().catchUp();
  ASSERT_EQ(sink_.reads.size(), 1u);
  EXPECT_EQ(sink_.reads[0].from, 0);
  liveChunk(0);
  liveChunk(1);
  liveChunk(2);
  EXPECT_TRUE(sink_.log.empty()) << "nothing may overtake the read";
  sink_.complete(0, slice(0, 1));
  EXPECT_EQ(sink_.log, (Log{"S0", "L1", "L2"}));
  EXPECT_EQ(sink_.reads.size(), 1u);
}

TEST_F(StreamCursorTest, CatchUpWhileReadingStartsNoSecondRead) {
  makeCursor();
  cursor().catchUp();
  cursor().catchUp();
  EXPECT_EQ(sink_.reads.size(), 1u);
}

TEST_F(StreamCursorTest, ShortReadReadsAgainUntilCaughtUp) {
  makeCursor();
  cursor().catchUp();
  sink_.complete(0, slice(0, 2, /*stored=*/5));
  ASSERT_EQ(sink_.reads.size(), 2u);
  EXPECT_EQ(sink_.reads[1].from, 2);
  EXPECT_TRUE(cursor().reading());
  sink_.complete(1, slice(2, 5));
  EXPECT_EQ(sink_.log, (Log{"S0", "S1", "S2", "S3", "S4"}));
  EXPECT_EQ(sink_.reads.size(), 2u);
  EXPECT_FALSE(cursor().reading());
  EXPECT_FALSE(cursor().finished());
}

TEST_F(StreamCursorTest, TerminalWaitsForMissingChunks) {
  makeCursor();
  liveChunk(0);
  liveTerminal(complete(3));
  EXPECT_EQ(sink_.log, (Log{"L0"})) << "complete before chunks 1 and 2";
  ASSERT_EQ(sink_.reads.size(), 1u);
  EXPECT_EQ(sink_.reads[0].from, 1);
  EXPECT_FALSE(cursor().finished());
  sink_.complete(0, slice(1, 3));
  EXPECT_EQ(sink_.log, (Log{"L0", "S1", "S2", "Lcomplete:3"}));
  EXPECT_TRUE(cursor().finished());
}

TEST_F(StreamCursorTest, TerminalInTheSliceIsSentOnce) {
  makeCursor();
  liveChunk(0);
  liveTerminal(complete(3));
  sink_.complete(0, slice(1, 3, 3, complete(3)));
  EXPECT_EQ(sink_.log, (Log{"L0", "S1", "S2", "Scomplete:3"}));
  EXPECT_TRUE(cursor().finished());
  EXPECT_FALSE(cursor().reading());
}

TEST_F(StreamCursorTest, TerminalReadFromTheStoreEndsTheCursor) {
  makeCursor();
  cursor().catchUp();
  const Terminal failed{TerminalKind::kFailed, 2, "upstream_error", "the model went away"};
  sink_.complete(0, slice(0, 2, 2, failed));
  EXPECT_EQ(sink_.log, (Log{"S0", "S1", "Sfailed:2"}));
  EXPECT_TRUE(cursor().finished());
  liveChunk(2);
  liveTerminal(failed);
  liveStarted();
  cursor().catchUp();
  EXPECT_EQ(sink_.log.size(), 3u) << "a finished cursor sends nothing more";
  EXPECT_EQ(sink_.reads.size(), 1u);
}

TEST_F(StreamCursorTest, TerminalWithNoChunks) {
  makeCursor();
  liveTerminal(complete(0));
  EXPECT_EQ(sink_.log, (Log{"Lcomplete:0"}));
  EXPECT_TRUE(cursor().finished());
  EXPECT_TRUE(sink_.reads.empty());
}

TEST_F(StreamCursorTest, TerminalWithNoChunksReadFromTheStore) {
  makeCursor();
  cursor().catchUp();
  sink_.complete(0, slice(0, 0, 0, Terminal{TerminalKind::kCancelled, 0, {}, {}}));
  EXPECT_EQ(sink_.log, (Log{"Scancelled:0"}));
  EXPECT_TRUE(cursor().finished());
}

TEST_F(StreamCursorTest, ResumeReadsFromTheGivenIndex) {
  makeCursor(5);  // the client had 0..4
  cursor().catchUp();
  ASSERT_EQ(sink_.reads.size(), 1u);
  EXPECT_EQ(sink_.reads[0].from, 5);
  liveChunk(7);
  sink_.complete(0, slice(5, 7));
  EXPECT_EQ(sink_.log, (Log{"S5", "S6", "L7"}));
  liveChunk(6);
  liveChunk(8);
  EXPECT_EQ(sink_.log, (Log{"S5", "S6", "L7", "L8"}));
  EXPECT_EQ(cursor().nextIndex(), 9);
}

TEST_F(StreamCursorTest, ResumeOfAFinishedStreamSendsOnlyTheTerminal) {
  makeCursor(4);
  cursor().catchUp();
  sink_.complete(0, slice(4, 4, 4, complete(4)));
  EXPECT_EQ(sink_.log, (Log{"Scomplete:4"}));
  EXPECT_TRUE(cursor().finished());
}

TEST_F(StreamCursorTest, NotFoundIsStreamExpired) {
  makeCursor(2);
  cursor().catchUp();
  liveChunk(3);
  sink_.complete(0, Status(Code::kNotFound, "no such stream"));
  EXPECT_EQ(sink_.log, (Log{"!stream_expired"}));
  ASSERT_EQ(sink_.errors.size(), 1u);
  EXPECT_NE(sink_.errors[0].find("session-1/message-1"), std::string::npos) << sink_.errors[0];
  EXPECT_TRUE(cursor().finished());
  EXPECT_FALSE(cursor().reading());
  liveChunk(2);
  cursor().catchUp();
  EXPECT_EQ(sink_.log.size(), 1u);
  EXPECT_EQ(sink_.reads.size(), 1u);
}

TEST_F(StreamCursorTest, BackendErrorsAreBackendUnavailable) {
  for (const Code code : {Code::kUnavailable, Code::kTimeout, Code::kInternal}) {
    SCOPED_TRACE(std::string(codeName(code)));
    FakeSink sink;
    auto cursor = std::make_shared<StreamCursor>(kStream, 0, sink);
    cursor->onLive(EventKind::kChunk, 1, frameOf(chunkJson(kStream, 1, contentOf(1))));
    ASSERT_EQ(sink.reads.size(), 1u);
    sink.complete(0, Status(code, "redis at 10.0.0.7:6379 is down"));
    EXPECT_EQ(sink.log, (Log{"!backend_unavailable"}));
    ASSERT_EQ(sink.errors.size(), 1u);
    EXPECT_NE(sink.errors[0].find("redis at 10.0.0.7:6379 is down"), std::string::npos) << sink.errors[0];
    EXPECT_NE(sink.errors[0].find("session-1/message-1"), std::string::npos) << sink.errors[0];
    EXPECT_TRUE(cursor->finished());
  }
}

TEST_F(StreamCursorTest, ChunksTheStoreLostAreReportedAndSkipped) {
  makeCursor();
  liveChunk(0);
  liveChunk(5);
  liveChunk(6);
  // A failover dropped 3 and 4: the store stops at 3, with no way to get them.
  sink_.complete(0, slice(1, 3));
  EXPECT_EQ(sink_.log, (Log{"L0", "S1", "S2", "!stream_gap", "L5", "L6"}));
  ASSERT_EQ(sink_.errors.size(), 1u);
  EXPECT_NE(sink_.errors[0].find("3..4"), std::string::npos) << sink_.errors[0];
  EXPECT_EQ(sink_.reads.size(), 1u) << "no read loop on data that is gone";
  EXPECT_FALSE(cursor().finished());
  liveChunk(7);
  liveTerminal(complete(8));
  EXPECT_EQ(sink_.log.back(), "Lcomplete:8");
  EXPECT_TRUE(cursor().finished());
}

// The same loss, when the live event ahead of the store is the terminal:
// the store will never hold chunks 2..4, so reading again cannot help.
TEST_F(StreamCursorTest, TerminalAheadOfChunksTheStoreLostIsReportedNotReadForever) {
  makeCursor();
  liveChunk(0);
  liveChunk(1);
  liveTerminal(complete(5));
  ASSERT_EQ(sink_.reads.size(), 1u);
  sink_.complete(0, slice(2, 2));
  EXPECT_EQ(sink_.reads.size(), 1u) << "a read that found nothing is asked again, forever";
  EXPECT_EQ(sink_.log, (Log{"L0", "L1", "!stream_gap", "Lcomplete:5"}));
  ASSERT_EQ(sink_.errors.size(), 1u);
  EXPECT_NE(sink_.errors[0].find("2..4"), std::string::npos) << sink_.errors[0];
  EXPECT_TRUE(cursor().finished());
}

TEST_F(StreamCursorTest, StartedIsForwardedOnce) {
  makeCursor();
  liveStarted();
  liveStarted();
  EXPECT_EQ(sink_.log, (Log{"Lstarted"}));
  EXPECT_TRUE(cursor().startedSent());
  liveChunk(0);
  liveStarted();
  EXPECT_EQ(sink_.log, (Log{"Lstarted", "L0"}));
}

TEST_F(StreamCursorTest, StartedIsNotHeldBehindARead) {
  makeCursor();
  cursor().catchUp();
  liveStarted();
  EXPECT_EQ(sink_.log, (Log{"Lstarted"}));
  sink_.complete(0, slice(0, 1));
  EXPECT_EQ(sink_.log, (Log{"Lstarted", "S0"}));
}

TEST_F(StreamCursorTest, StartedAlreadySentByTheConnectionIsNotRepeated) {
  makeCursor();
  cursor().markStartedSent();
  liveStarted();
  EXPECT_TRUE(sink_.log.empty());
}

TEST_F(StreamCursorTest, CancelRequestsAreIgnored) {
  makeCursor();
  liveCancelRequest();
  EXPECT_TRUE(sink_.log.empty());
  EXPECT_TRUE(sink_.reads.empty());
  liveChunk(0);
  liveChunk(2);
  liveCancelRequest();  // while reading: not buffered either
  sink_.complete(0, slice(1, 2));
  EXPECT_EQ(sink_.log, (Log{"L0", "S1", "L2"}));
  EXPECT_FALSE(cursor().finished());
}

TEST_F(StreamCursorTest, ReadCompletingAfterTheCursorIsGoneDoesNothing) {
  makeCursor();
  liveChunk(0);
  liveChunk(2);
  ASSERT_EQ(sink_.pendingReads(), 1u);
  std::weak_ptr<StreamCursor> weak = cursor_;
  cursor_.reset();
  EXPECT_TRUE(weak.expired()) << "a pending read must not keep the cursor alive";
  sink_.complete(0, slice(1, 3));
  EXPECT_EQ(sink_.log, (Log{"L0"}));
  EXPECT_TRUE(sink_.errors.empty());
}

}  // namespace
}  // namespace streamgate::gateway
