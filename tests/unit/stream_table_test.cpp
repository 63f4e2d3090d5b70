// StreamTable's own additions to the StreamStore rules (which the contract
// suites check through the memory plugin): checking without writing, and
// the limits on streams and bytes.
#include "streamgate/stream_table.h"

#include <gtest/gtest.h>

namespace streamgate {
namespace {

using namespace std::chrono_literals;

const StreamRetention kRetention{10s, 5s};

AppendRequest chunks(const std::string& message, std::int64_t first, std::vector<std::string> contents) {
  return AppendRequest{StreamId{"s", message}, first, std::move(contents), 1};
}

class StreamTableTest : public ::testing::Test {
 protected:
  Clock::time_point now_ = Clock::time_point{} + 1h;
};

TEST_F(StreamTableTest, CheckWithoutApplyChangesNothing) {
  StreamTable table(kRetention);
  auto checked = table.append(chunks("m", 0, {"a", "b"}), now_, false);
  ASSERT_TRUE(checked.hasValue());
  EXPECT_EQ(*checked, 2);
  EXPECT_EQ(table.read(StreamId{"s", "m"}, 0, 10, now_).error().code(), Code::kNotFound);
  EXPECT_EQ(table.size(), 0u);

  ASSERT_TRUE(table.append(chunks("m", 0, {"a"}), now_).hasValue());
  EXPECT_EQ(table.append(chunks("m", 2, {"c"}), now_, false).error().code(), Code::kGap);
  auto wouldFinish =
      table.finish(StreamId{"s", "m"}, Terminal{TerminalKind::kCancelled, 0, {}, {}}, 1, now_, false);
  ASSERT_TRUE(wouldFinish.hasValue());
  EXPECT_EQ(wouldFinish->totalChunks, 1);
  auto slice = table.read(StreamId{"s", "m"}, 0, 10, now_);
  ASSERT_TRUE(slice.hasValue());
  EXPECT_FALSE(slice->terminal.has_value());
  EXPECT_EQ(table.openStreams(10, now_).size(), 1u);
}

TEST_F(StreamTableTest, BytesFollowWritesAndExpiry) {
  StreamTable table(kRetention);
  ASSERT_TRUE(table.append(chunks("m1", 0, {"abc", "de"}), now_).hasValue());
  ASSERT_TRUE(table.append(chunks("m1", 1, {"de", "f"}), now_).hasValue());  // "de" again: no new bytes
  EXPECT_EQ(table.bytes(), 6u);
  ASSERT_TRUE(table.append(chunks("m2", 0, {"xyzw"}), now_ + 8s).hasValue());
  EXPECT_EQ(table.bytes(), 10u);
  // m1 expires 10s after its last write; m2 lives on.
  EXPECT_EQ(table.read(StreamId{"s", "m1"}, 0, 1, now_ + 11s).error().code(), Code::kNotFound);
  EXPECT_EQ(table.bytes(), 4u);
  EXPECT_EQ(table.size(), 1u);
}

TEST_F(StreamTableTest, MaxStreamsEvictsTheLeastRecentlyWrittenButNeverTheOneJustWritten) {
  StreamTable table(kRetention, StreamLimits{2, 0});
  ASSERT_TRUE(table.append(chunks("old", 0, {"a"}), now_).hasValue());
  ASSERT_TRUE(table.append(chunks("mid", 0, {"b"}), now_ + 1s).hasValue());
  ASSERT_TRUE(table.append(chunks("old", 1, {"c"}), now_ + 2s).hasValue());  // "old" is now the newest
  ASSERT_TRUE(table.append(chunks("new", 0, {"d"}), now_ + 3s).hasValue());
  EXPECT_EQ(table.size(), 2u);
  EXPECT_EQ(table.evicted(), 1u);
  EXPECT_EQ(table.read(StreamId{"s", "mid"}, 0, 1, now_ + 3s).error().code(), Code::kNotFound);
  EXPECT_TRUE(table.read(StreamId{"s", "old"}, 0, 1, now_ + 3s).hasValue());
  EXPECT_TRUE(table.read(StreamId{"s", "new"}, 0, 1, now_ + 3s).hasValue());
}

TEST_F(StreamTableTest, MaxBytesEvictsUntilUnderTheLimit) {
  StreamTable table(kRetention, StreamLimits{0, 10});
  ASSERT_TRUE(table.append(chunks("a", 0, {"1234"}), now_).hasValue());
  ASSERT_TRUE(table.append(chunks("b", 0, {"5678"}), now_ + 1s).hasValue());
  ASSERT_TRUE(table.append(chunks("c", 0, {"90abcdef"}), now_ + 2s).hasValue());  // 16 bytes: a and b go
  EXPECT_EQ(table.bytes(), 8u);
  EXPECT_EQ(table.evicted(), 2u);
  EXPECT_TRUE(table.read(StreamId{"s", "c"}, 0, 1, now_ + 2s).hasValue());
  // A single stream larger than the limit stays: it is the one being written.
  ASSERT_TRUE(table.append(chunks("c", 1, {"0123456789"}), now_ + 3s).hasValue());
  EXPECT_EQ(table.size(), 1u);
  EXPECT_EQ(table.bytes(), 18u);
}

}  // namespace
}  // namespace streamgate
