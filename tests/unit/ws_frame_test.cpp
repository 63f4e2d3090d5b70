#include "net/ws_frame.h"

#include <gtest/gtest.h>

#include <string>

#include "net/utf8_validator.h"

namespace streamgate::net {
namespace {

using namespace std::string_literals;

// RFC 6455 section 5.7 uses this mask key.
constexpr std::uint32_t kRfcMaskKey = 0x37fa213d;

std::string maskedFrame(WsOpcode opcode, std::string_view payload, std::uint32_t key, bool fin = true) {
  std::string out;
  appendMaskedFrame(out, opcode, payload, key, fin);
  return out;
}

TEST(WsFrameTest, EncodesRfcSingleFrameUnmaskedText) {
  EXPECT_EQ(encodeFrame(WsOpcode::kText, "Hello"), "\x81\x05Hello"s);
}

TEST(WsFrameTest, EncodesRfcUnmaskedPing) {
  EXPECT_EQ(encodeFrame(WsOpcode::kPing, "Hello"), "\x89\x05Hello"s);
}

TEST(WsFrameTest, MasksRfcSingleFrameMaskedText) {
  EXPECT_EQ(maskedFrame(WsOpcode::kText, "Hello", kRfcMaskKey),
            "\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58"s);
}

TEST(WsFrameTest, MasksRfcMaskedPong) {
  EXPECT_EQ(maskedFrame(WsOpcode::kPong, "Hello", kRfcMaskKey),
            "\x8a\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58"s);
}

TEST(WsFrameTest, MaskedFrameWithoutFinStartsAFragmentedMessage) {
  const std::string frame = maskedFrame(WsOpcode::kText, "Hel", kRfcMaskKey, false);
  EXPECT_EQ(static_cast<std::uint8_t>(frame[0]), 0x01);
  EXPECT_EQ(static_cast<std::uint8_t>(frame[1]), 0x83);
}

TEST(WsFrameTest, EncodesRfc256ByteBinaryWith16BitLength) {
  const std::string payload(256, 'x');
  EXPECT_EQ(encodeFrame(WsOpcode::kBinary, payload), "\x82\x7e\x01\x00"s + payload);
}

TEST(WsFrameTest, EncodesRfc64KiBBinaryWith64BitLength) {
  const std::string payload(65536, 'x');
  EXPECT_EQ(encodeFrame(WsOpcode::kBinary, payload), "\x82\x7f\x00\x00\x00\x00\x00\x01\x00\x00"s + payload);
}

TEST(WsFrameTest, UsesTheShortestLengthEncoding) {
  struct Case {
    std::size_t size;
    std::size_t header;
  };
  for (const Case c : {Case{0, 2}, Case{1, 2}, Case{125, 2}, Case{126, 4}, Case{65535, 4}, Case{65536, 10},
                       Case{1 << 20, 10}}) {
    SCOPED_TRACE(c.size);
    EXPECT_EQ(frameHeaderSize(c.size), c.header);
    const std::string frame = encodeFrame(WsOpcode::kBinary, std::string(c.size, 'a'));
    EXPECT_EQ(frame.size(), c.header + c.size);
    std::string masked;
    appendMaskedFrame(masked, WsOpcode::kBinary, std::string(c.size, 'a'), 1);
    EXPECT_EQ(masked.size(), c.header + 4 + c.size);
    EXPECT_EQ(masked[1] & 0x7f, frame[1]);
  }
  EXPECT_EQ(encodeFrame(WsOpcode::kText, std::string(125, 'a')).substr(0, 2), "\x81\x7d"s);
  EXPECT_EQ(encodeFrame(WsOpcode::kText, std::string(126, 'a')).substr(0, 4), "\x81\x7e\x00\x7e"s);
  EXPECT_EQ(encodeFrame(WsOpcode::kText, std::string(65535, 'a')).substr(0, 4), "\x81\x7e\xff\xff"s);
}

TEST(WsFrameTest, AppendFrameAppends) {
  std::string out = "prefix";
  appendFrame(out, WsOpcode::kText, "a");
  appendFrame(out, WsOpcode::kPong, "");
  EXPECT_EQ(out, "prefix\x81\x01\x61\x8a\x00"s);
}

TEST(WsFrameTest, ApplyMaskInPiecesEqualsWholeAndIsItsOwnInverse) {
  const std::array<std::uint8_t, 4> key = {0x01, 0x80, 0xfe, 0x5a};
  std::string original;
  for (int i = 0; i < 300; ++i) original.push_back(static_cast<char>(i * 7));
  std::string naive = original;
  for (std::size_t i = 0; i < naive.size(); ++i) naive[i] = static_cast<char>(naive[i] ^ key[i % 4]);

  for (std::size_t size : {0u, 1u, 3u, 4u, 7u, 8u, 9u, 31u, 32u, 33u, 65u, 300u}) {
    for (std::size_t split = 0; split <= size; split += (size > 40 ? 5 : 1)) {
      SCOPED_TRACE(testing::Message() << "size " << size << " split " << split);
      std::string data = original.substr(0, size);
      applyMask(data.data(), split, key);
      applyMask(data.data() + split, size - split, key, split);
      EXPECT_EQ(data, naive.substr(0, size));
      applyMask(data.data(), size, key);
      EXPECT_EQ(data, original.substr(0, size));
    }
  }
}

TEST(WsFrameTest, CloseCodesValidOnTheWire) {
  for (std::uint16_t code :
       {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999}) {
    EXPECT_TRUE(isValidCloseCode(code)) << code;
  }
  for (std::uint16_t code : {0, 1, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535}) {
    EXPECT_FALSE(isValidCloseCode(code)) << code;
  }
}

TEST(WsFrameTest, EncodesCloseWithCodeAndReason) {
  EXPECT_EQ(encodeClose(ws_close::kNormal, "bye"), "\x88\x05\x03\xe8"s + "bye");
  EXPECT_EQ(encodeClose(ws_close::kMessageTooBig, ""), "\x88\x02\x03\xf1"s);
}

TEST(WsFrameTest, NoStatusCloseHasAnEmptyPayload) {
  EXPECT_EQ(encodeClose(ws_close::kNoStatus, "ignored"), "\x88\x00"s);
}

TEST(WsFrameTest, CloseReasonIsTruncatedToAControlFrame) {
  const std::string exact(123, 'r');
  EXPECT_EQ(encodeClose(ws_close::kGoingAway, exact), "\x88\x7d\x03\xe9"s + exact);

  const std::string frame = encodeClose(ws_close::kGoingAway, std::string(500, 'r'));
  ASSERT_EQ(frame.size(), 2 + kMaxControlPayload);
  EXPECT_EQ(frame.substr(4), exact);
}

TEST(WsFrameTest, CloseReasonIsNeverCutInsideAUtf8Sequence) {
  // A 2-, 3- and 4-byte character straddling the 123-byte limit at every offset.
  for (const std::string& character : {"\xc3\xa9"s, "\xe2\x82\xac"s, "\xf0\x9f\x98\x80"s}) {
    for (std::size_t ascii = 118; ascii <= 123; ++ascii) {
      const std::string reason = std::string(ascii, 'a') + character + "tail";
      const std::string frame = encodeClose(ws_close::kNormal, reason);
      const std::string sent = frame.substr(4);
      SCOPED_TRACE(testing::Message() << character.size() << "-byte character after " << ascii);
      EXPECT_LE(frame.size(), 2 + kMaxControlPayload);
      EXPECT_EQ(static_cast<std::uint8_t>(frame[1]), frame.size() - 2);
      EXPECT_TRUE(isValidUtf8(sent));
      EXPECT_EQ(reason.substr(0, sent.size()), sent);
      // Only what does not fit is dropped.
      const std::size_t withCharacter = ascii + character.size();
      EXPECT_EQ(sent.size(), withCharacter <= 123 ? std::min<std::size_t>(withCharacter + 4, 123) : ascii);
    }
  }
}

}  // namespace
}  // namespace streamgate::net
