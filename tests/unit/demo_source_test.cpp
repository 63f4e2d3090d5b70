#include "gateway/demo_source.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <set>
#include <string>

namespace streamgate::gateway {
namespace {

using std::chrono::milliseconds;

DemoSource demo(std::string prompt, std::size_t chunkBytes = 24, bool stamp = false) {
  return DemoSource(std::move(prompt), 20, milliseconds(50), chunkBytes, stamp);
}

std::int64_t nowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TEST(DemoSourceTest, ReportsItsShape) {
  const DemoSource source("hi", 7, milliseconds(120), 24, false);
  EXPECT_EQ(source.chunkCount(), 7);
  EXPECT_EQ(source.interval(), milliseconds(120));
  EXPECT_EQ(DemoSource("hi", 0, milliseconds(0), 24, false).chunkCount(), 0);
}

// Any node must regenerate any chunk: the text depends on (prompt, index) only.
TEST(DemoSourceTest, SamePromptAndIndexGiveTheSameText) {
  const auto a = demo("What is a gateway?");
  const auto b = DemoSource("What is a gateway?", 999, milliseconds(0), 24, false);
  for (std::int64_t i = 0; i < 50; ++i) EXPECT_EQ(a.chunk(i), b.chunk(i)) << i;
  EXPECT_EQ(a.chunk(3), a.chunk(3));
}

// Pinned so a change to the generator, which would make nodes of two versions
// disagree about a stream during a rolling upgrade, is a conscious one.
TEST(DemoSourceTest, TextIsStableAcrossBuilds) {
  const auto source = demo("Hello?");
  EXPECT_EQ(source.chunk(0), "once reply chunk reply o");
  EXPECT_EQ(source.chunk(1), " reply token session gat");
}

TEST(DemoSourceTest, TextVariesWithIndexAndPrompt) {
  const auto source = demo("Hello?");
  std::set<std::string> texts;
  for (std::int64_t i = 1; i <= 20; ++i) texts.insert(source.chunk(i));
  EXPECT_GT(texts.size(), 15u);
  EXPECT_NE(demo("Hello?").chunk(1), demo("Hello!").chunk(1));
}

TEST(DemoSourceTest, EveryChunkIsChunkBytesLong) {
  for (const std::size_t bytes : {std::size_t{1}, std::size_t{2}, std::size_t{7}, std::size_t{24},
                                  std::size_t{25}, std::size_t{100}, std::size_t{4096}}) {
    const auto source = demo("size", bytes);
    for (const std::int64_t i :
         {std::int64_t{0}, std::int64_t{1}, std::int64_t{2}, std::int64_t{9999}, INT64_MAX}) {
      EXPECT_EQ(source.chunk(i).size(), bytes) << "chunk_bytes " << bytes << " index " << i;
    }
  }
}

// Chunks after the first start with a space, so the joined answer reads as
// words; the first one does not.
TEST(DemoSourceTest, JoinedChunksReadAsWords) {
  const auto source = demo("words", 24);
  EXPECT_NE(source.chunk(0).front(), ' ');
  for (std::int64_t i = 1; i < 10; ++i) EXPECT_EQ(source.chunk(i).front(), ' ') << i;
  for (std::int64_t i = 0; i < 10; ++i) {
    for (const char c : source.chunk(i)) {
      EXPECT_TRUE((c >= 'a' && c <= 'z') || c == ' ') << "index " << i << ": " << source.chunk(i);
    }
  }
}

TEST(DemoSourceTest, StampIsMicrosecondsSinceEpochThenASpace) {
  const auto source = demo("stamp", 64, true);
  for (const std::int64_t i : {std::int64_t{0}, std::int64_t{1}, std::int64_t{5}}) {
    const std::int64_t before = nowMicros();
    const std::string text = source.chunk(i);
    const std::int64_t after = nowMicros();
    EXPECT_EQ(text.size(), 64u);
    const auto space = text.find(' ');
    ASSERT_NE(space, std::string::npos) << text;
    ASSERT_GT(space, 0u) << text;
    const std::string digits = text.substr(0, space);
    ASSERT_EQ(digits.find_first_not_of("0123456789"), std::string::npos) << text;
    const std::int64_t stamp = std::stoll(digits);
    EXPECT_GE(stamp, before);
    EXPECT_LE(stamp, after);
  }
}

TEST(DemoSourceTest, StampIsNeverCut) {
  // Shorter than a stamp: the chunk is the whole stamp and its space.
  const std::string text = demo("short", 4, true).chunk(1);
  ASSERT_GT(text.size(), 4u);
  EXPECT_EQ(text.back(), ' ');
  EXPECT_EQ(text.substr(0, text.size() - 1).find_first_not_of("0123456789"), std::string::npos) << text;
}

TEST(DemoSourceTest, WithoutStampNoDigits) {
  EXPECT_EQ(demo("plain", 200).chunk(0).find_first_of("0123456789"), std::string::npos);
}

}  // namespace
}  // namespace streamgate::gateway
