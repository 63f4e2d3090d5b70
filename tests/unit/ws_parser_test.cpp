#include "net/ws_parser.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

namespace streamgate::net {
namespace {

using namespace std::string_literals;

constexpr std::uint32_t kKey = 0xa1b2c3d4;
constexpr std::size_t kWhole = std::numeric_limits<std::size_t>::max();

// A client frame, masked unless said otherwise.
std::string frame(WsOpcode opcode, std::string_view payload, bool fin = true, std::uint32_t key = kKey) {
  std::string out;
  appendMaskedFrame(out, opcode, payload, key, fin);
  return out;
}

std::string fragment(WsOpcode opcode, std::string_view payload) { return frame(opcode, payload, false); }

// The same frame with its first byte (FIN, RSV, opcode) replaced.
std::string withFirstByte(std::string wire, std::uint8_t firstByte) {
  wire[0] = static_cast<char>(firstByte);
  return wire;
}

std::string closeFrame(std::uint16_t code, std::string_view reason = "") {
  std::string payload = {static_cast<char>(code >> 8), static_cast<char>(code & 0xff)};
  payload.append(reason);
  return frame(WsOpcode::kClose, payload);
}

class RecordingSink final : public WsParserSink {
 public:
  void onMessage(WsOpcode opcode, std::string_view payload) override {
    events.push_back((opcode == WsOpcode::kText     ? "text:"
                      : opcode == WsOpcode::kBinary ? "binary:"
                                                    : "??:") +
                     std::string(payload));
    messageData.push_back(payload.data());
  }
  void onPing(std::string_view payload) override { events.push_back("ping:" + std::string(payload)); }
  void onPong(std::string_view payload) override { events.push_back("pong:" + std::string(payload)); }
  void onClose(std::uint16_t code, std::string_view reason) override {
    events.push_back("close:" + std::to_string(code) + ":" + std::string(reason));
  }
  void onProtocolError(std::uint16_t closeCode, std::string_view reason) override {
    events.push_back("error:" + std::to_string(closeCode));
    errorReason = reason;
  }

  std::vector<std::string> events;
  std::vector<const char*> messageData;
  std::string errorReason;
};

struct FeedResult {
  std::vector<std::string> events;
  std::string errorReason;
  std::size_t unconsumed = 0;
};

// Feeds wire the way the event loop does: chunk by chunk into one buffer,
// dropping what each parse() consumed and keeping the rest for the next call.
FeedResult feed(std::string_view wire, std::size_t chunk, WsParserLimits limits = {}) {
  WsParser parser(limits);
  RecordingSink sink;
  std::string buffer;
  for (std::size_t pos = 0; pos < wire.size();) {
    const std::size_t n = std::min(chunk, wire.size() - pos);
    buffer.append(wire.substr(pos, n));
    pos += n;
    const std::size_t consumed = parser.parse(buffer.data(), buffer.size(), sink);
    EXPECT_LE(consumed, buffer.size());
    if (!parser.open()) {
      EXPECT_EQ(parser.parse(buffer.data(), buffer.size(), sink), 0u);
    }
    buffer.erase(0, consumed);
  }
  return {sink.events, sink.errorReason, buffer.size()};
}

// The events must not depend on how the bytes are split into reads.
std::vector<std::string> events(std::string_view wire, WsParserLimits limits = {}) {
  const FeedResult whole = feed(wire, kWhole, limits);
  for (std::size_t chunk : {1, 2, 3, 5, 8, 13, 64}) {
    EXPECT_EQ(feed(wire, chunk, limits).events, whole.events) << "fed " << chunk << " bytes at a time";
  }
  return whole.events;
}

std::string errorReason(std::string_view wire, WsParserLimits limits = {}) {
  return feed(wire, kWhole, limits).errorReason;
}

const std::vector<std::string> kProtocolError = {"error:1002"};
const std::vector<std::string> kInvalidPayload = {"error:1007"};
const std::vector<std::string> kTooBig = {"error:1009"};

constexpr WsParserLimits kUnmaskedAllowed{1 << 20, false};

// --- well-formed input -----------------------------------------------------------

TEST(WsParserTest, DeliversAMaskedTextMessage) {
  EXPECT_EQ(events(frame(WsOpcode::kText, "hello")), std::vector<std::string>{"text:hello"});
}

TEST(WsParserTest, Rfc6455Section57Examples) {
  // A single-frame unmasked text message.
  EXPECT_EQ(events("\x81\x05\x48\x65\x6c\x6c\x6f"s, kUnmaskedAllowed),
            std::vector<std::string>{"text:Hello"});
  // A single-frame masked text message.
  const std::string masked = "\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58"s;
  EXPECT_EQ(events(masked), std::vector<std::string>{"text:Hello"});
  EXPECT_EQ(events(masked, kUnmaskedAllowed), std::vector<std::string>{"text:Hello"});
  // A fragmented unmasked text message.
  EXPECT_EQ(events("\x01\x03\x48\x65\x6c\x80\x02\x6c\x6f"s, kUnmaskedAllowed),
            std::vector<std::string>{"text:Hello"});
  // Unmasked ping, masked pong.
  EXPECT_EQ(events("\x89\x05\x48\x65\x6c\x6c\x6f"s, kUnmaskedAllowed),
            std::vector<std::string>{"ping:Hello"});
  EXPECT_EQ(events("\x8a\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58"s), std::vector<std::string>{"pong:Hello"});
  // 256 bytes binary in a single unmasked frame, 64KiB likewise.
  const std::string small(256, '\x5a');
  EXPECT_EQ(events("\x82\x7e\x01\x00"s + small, kUnmaskedAllowed),
            std::vector<std::string>{"binary:" + small});
  const std::string large(65536, '\xa5');
  EXPECT_EQ(feed("\x82\x7f\x00\x00\x00\x00\x00\x01\x00\x00"s + large, kWhole, kUnmaskedAllowed).events,
            std::vector<std::string>{"binary:" + large});
}

TEST(WsParserTest, SevenSixteenAndSixtyFourBitLengths) {
  for (std::size_t size : {0u, 1u, 125u, 126u, 127u, 65535u, 65536u, 70000u}) {
    SCOPED_TRACE(size);
    std::string payload(size, 'p');
    for (std::size_t i = 0; i < size; i += 97) payload[i] = static_cast<char>('a' + i % 26);
    const std::string wire = frame(WsOpcode::kText, payload);
    EXPECT_EQ(wire.size() - size, size < 126 ? 6u : size <= 65535 ? 8u : 14u);
    const auto expected = std::vector<std::string>{"text:" + payload};
    EXPECT_EQ(feed(wire, kWhole).events, expected);
    EXPECT_EQ(feed(wire, 1).events, expected);
    EXPECT_EQ(feed(wire, 4093).events, expected);
  }
}

TEST(WsParserTest, AByteAtATimeEqualsAllAtOnce) {
  const std::string big(70000, 'b');
  const std::string wire = frame(WsOpcode::kText, "first") + frame(WsOpcode::kBinary, "\x00\xff\x80"s) +
                           fragment(WsOpcode::kText, "gr\xc3") + frame(WsOpcode::kPing, "p1") +
                           frame(WsOpcode::kContinuation, "\xbc\xc3\x9f\x65") + frame(WsOpcode::kPong, "") +
                           fragment(WsOpcode::kBinary, big) + frame(WsOpcode::kPing, "") +
                           frame(WsOpcode::kContinuation, std::string(300, 'c')) +
                           frame(WsOpcode::kText, std::string(200, 'm')) + closeFrame(1000, "done");
  const std::vector<std::string> expected = {"text:first",
                                             "binary:\x00\xff\x80"s,
                                             "ping:p1",
                                             "text:grüße",
                                             "pong:",
                                             "ping:",
                                             "binary:" + big + std::string(300, 'c'),
                                             "text:" + std::string(200, 'm'),
                                             "close:1000:done"};
  const FeedResult whole = feed(wire, kWhole);
  EXPECT_EQ(whole.events, expected);
  EXPECT_EQ(whole.unconsumed, 0u);
  const FeedResult bytewise = feed(wire, 1);
  EXPECT_EQ(bytewise.events, expected);
  EXPECT_EQ(bytewise.unconsumed, 0u);
}

TEST(WsParserTest, ConsumesCompleteFramesAndLeavesAnIncompleteOne) {
  const std::string first = frame(WsOpcode::kText, "one");
  const std::string second = frame(WsOpcode::kBinary, "two");
  const std::string third = frame(WsOpcode::kText, "three");
  std::string buffer = first + second + third.substr(0, 7);
  WsParser parser;
  RecordingSink sink;
  EXPECT_EQ(parser.parse(buffer.data(), buffer.size(), sink), first.size() + second.size());
  EXPECT_EQ(sink.events, (std::vector<std::string>{"text:one", "binary:two"}));
  buffer.erase(0, first.size() + second.size());
  EXPECT_EQ(parser.parse(buffer.data(), buffer.size(), sink), 0u);  // still incomplete
  buffer += third.substr(7);
  EXPECT_EQ(parser.parse(buffer.data(), buffer.size(), sink), third.size());
  EXPECT_EQ(sink.events.back(), "text:three");
  EXPECT_TRUE(parser.open());
  EXPECT_EQ(parser.parse(buffer.data(), 0, sink), 0u);
}

TEST(WsParserTest, AnUnfragmentedMessageIsAViewIntoTheCallersBuffer) {
  std::string buffer = frame(WsOpcode::kText, "zero copy") + frame(WsOpcode::kBinary, std::string(1000, 'z'));
  WsParser parser;
  RecordingSink sink;
  ASSERT_EQ(parser.parse(buffer.data(), buffer.size(), sink), buffer.size());
  ASSERT_EQ(sink.messageData.size(), 2u);
  EXPECT_EQ(sink.messageData[0], buffer.data() + 6);
  EXPECT_EQ(sink.messageData[1], buffer.data() + 6 + 9 + 8);
}

TEST(WsParserTest, EmptyMessagesAndEmptyFragments) {
  EXPECT_EQ(events(frame(WsOpcode::kText, "") + frame(WsOpcode::kBinary, "")),
            (std::vector<std::string>{"text:", "binary:"}));
  EXPECT_EQ(events(fragment(WsOpcode::kText, "") + fragment(WsOpcode::kContinuation, "") +
                   frame(WsOpcode::kContinuation, "")),
            std::vector<std::string>{"text:"});
}

TEST(WsParserTest, BinaryMessagesAreNotUtf8Checked) {
  EXPECT_EQ(events(frame(WsOpcode::kBinary, "\xff\xfe\xc0\xaf"s)),
            std::vector<std::string>{"binary:\xff\xfe\xc0\xaf"s});
  EXPECT_EQ(events(fragment(WsOpcode::kBinary, "\xed") + frame(WsOpcode::kContinuation, "\xa0\x80")),
            std::vector<std::string>{"binary:\xed\xa0\x80"s});
}

TEST(WsParserTest, FragmentedTextWithControlFramesInBetween) {
  const std::string wire = fragment(WsOpcode::kText, "Hel") + frame(WsOpcode::kPing, "p") +
                           fragment(WsOpcode::kContinuation, "l") + frame(WsOpcode::kPong, "q") +
                           frame(WsOpcode::kContinuation, "o");
  EXPECT_EQ(events(wire), (std::vector<std::string>{"ping:p", "pong:q", "text:Hello"}));
}

TEST(WsParserTest, ControlFramesBetweenFragmentsAreDeliveredAtOnce) {
  const std::string wire = fragment(WsOpcode::kText, "Hel") + frame(WsOpcode::kPing, "now");
  const FeedResult run = feed(wire, kWhole);
  EXPECT_EQ(run.events, std::vector<std::string>{"ping:now"});
  EXPECT_EQ(run.unconsumed, 0u);
}

TEST(WsParserTest, ConsecutiveFragmentedMessages) {
  const std::string wire = fragment(WsOpcode::kBinary, "ab") + frame(WsOpcode::kContinuation, "cd") +
                           fragment(WsOpcode::kText, "ef") + frame(WsOpcode::kContinuation, "g") +
                           frame(WsOpcode::kText, "solo");
  EXPECT_EQ(events(wire), (std::vector<std::string>{"binary:abcd", "text:efg", "text:solo"}));
}

TEST(WsParserTest, ZeroMaskKeyAndVaryingKeys) {
  const std::string wire = frame(WsOpcode::kText, "k0", true, 0) +
                           frame(WsOpcode::kText, "k1", true, 0xffffffff) +
                           frame(WsOpcode::kText, std::string(77, 'x'), true, 0x01020304);
  EXPECT_EQ(events(wire), (std::vector<std::string>{"text:k0", "text:k1", "text:" + std::string(77, 'x')}));
}

// --- frame header rules ------------------------------------------------------------

TEST(WsParserTest, ReservedBitsAreAProtocolError) {
  for (std::uint8_t rsv : {0x40, 0x20, 0x10, 0x70}) {
    SCOPED_TRACE(static_cast<int>(rsv));
    const std::string wire = withFirstByte(frame(WsOpcode::kText, "x"), 0x81 | rsv);
    EXPECT_EQ(events(wire), kProtocolError);
    EXPECT_EQ(feed(wire.substr(0, 2), kWhole).events, kProtocolError);  // known from two bytes
  }
  EXPECT_NE(errorReason(withFirstByte(frame(WsOpcode::kText, "x"), 0xC1)).find("reserved bits"),
            std::string::npos);
}

TEST(WsParserTest, UnknownOpcodesAreAProtocolError) {
  for (std::uint8_t opcode : {3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF}) {
    SCOPED_TRACE(static_cast<int>(opcode));
    EXPECT_EQ(events(withFirstByte(frame(WsOpcode::kText, ""), 0x80 | opcode)), kProtocolError);
    EXPECT_EQ(events(withFirstByte(frame(WsOpcode::kText, "x"), opcode)), kProtocolError);
  }
}

TEST(WsParserTest, FragmentedControlFramesAreAProtocolError) {
  for (WsOpcode opcode : {WsOpcode::kPing, WsOpcode::kPong, WsOpcode::kClose}) {
    EXPECT_EQ(events(fragment(opcode, "")), kProtocolError);
    // Also in the middle of a fragmented message.
    EXPECT_EQ(events(fragment(WsOpcode::kText, "a") + fragment(opcode, "")), kProtocolError);
  }
}

TEST(WsParserTest, ControlPayloadOver125IsAProtocolError) {
  const std::string limit(125, 'c');
  EXPECT_EQ(events(frame(WsOpcode::kPing, limit)), std::vector<std::string>{"ping:" + limit});
  for (WsOpcode opcode : {WsOpcode::kPing, WsOpcode::kPong, WsOpcode::kClose}) {
    const std::string wire = frame(opcode, std::string(126, 'c'));
    EXPECT_EQ(events(wire), kProtocolError);
    EXPECT_EQ(feed(wire.substr(0, 2), kWhole).events, kProtocolError);  // before the extended length
  }
}

TEST(WsParserTest, ContinuationWithoutAMessageIsAProtocolError) {
  EXPECT_EQ(events(frame(WsOpcode::kContinuation, "x")), kProtocolError);
  EXPECT_EQ(events(fragment(WsOpcode::kContinuation, "x")), kProtocolError);
  EXPECT_EQ(events(frame(WsOpcode::kText, "done") + frame(WsOpcode::kContinuation, "x")),
            (std::vector<std::string>{"text:done", "error:1002"}));
}

TEST(WsParserTest, NewDataFrameDuringAFragmentedMessageIsAProtocolError) {
  for (WsOpcode opcode : {WsOpcode::kText, WsOpcode::kBinary}) {
    EXPECT_EQ(events(fragment(WsOpcode::kText, "a") + frame(opcode, "b")), kProtocolError);
    EXPECT_EQ(events(fragment(WsOpcode::kBinary, "a") + fragment(opcode, "b")), kProtocolError);
  }
}

TEST(WsParserTest, UnmaskedClientFramesAreAProtocolError) {
  const std::string wire = encodeFrame(WsOpcode::kText, "plain");
  EXPECT_EQ(events(wire), kProtocolError);
  EXPECT_EQ(events(encodeFrame(WsOpcode::kPing, "")), kProtocolError);
  EXPECT_NE(errorReason(wire).find("unmasked"), std::string::npos);
  EXPECT_EQ(events(wire, kUnmaskedAllowed), std::vector<std::string>{"text:plain"});
}

TEST(WsParserTest, SixtyFourBitLengthWithTheTopBitSetIsAProtocolError) {
  const std::string header = "\x82\xff\x80\x00\x00\x00\x00\x00\x00\x05"s + "\x01\x02\x03\x04"s;
  EXPECT_EQ(events(header + "abcde"), kProtocolError);
  // Not a size problem: the same with no size limit at all.
  EXPECT_EQ(events(header, {std::numeric_limits<std::size_t>::max(), true}), kProtocolError);
}

// --- message size ------------------------------------------------------------------

TEST(WsParserTest, MessageAtTheLimitIsAccepted) {
  const WsParserLimits limits{100, true};
  EXPECT_EQ(events(frame(WsOpcode::kBinary, std::string(100, 'x')), limits),
            std::vector<std::string>{"binary:" + std::string(100, 'x')});
  EXPECT_EQ(events(fragment(WsOpcode::kText, std::string(60, 'x')) +
                       frame(WsOpcode::kContinuation, std::string(40, 'y')),
                   limits),
            std::vector<std::string>{"text:" + std::string(60, 'x') + std::string(40, 'y')});
}

TEST(WsParserTest, MessageOverTheLimitIsRefusedFromItsHeader) {
  const WsParserLimits limits{100, true};
  EXPECT_EQ(events(frame(WsOpcode::kBinary, std::string(101, 'x')), limits), kTooBig);
  EXPECT_EQ(events(frame(WsOpcode::kText, std::string(300, 'x')), limits), kTooBig);
  // 16-bit length: the first 4 bytes are enough.
  const std::string wire16 = frame(WsOpcode::kBinary, std::string(300, 'x'));
  const FeedResult run16 = feed(wire16.substr(0, 4), kWhole, limits);
  EXPECT_EQ(run16.events, kTooBig);
  EXPECT_EQ(run16.unconsumed, 4u);
  // A terabyte announced in a 64-bit length: nobody waits for it.
  const std::string header64 = "\x82\xff\x00\x00\x01\x00\x00\x00\x00\x00"s;
  EXPECT_EQ(feed(header64, kWhole).events, kTooBig);
  EXPECT_EQ(feed(header64, 1).events, kTooBig);
  EXPECT_NE(errorReason(header64).find("1048576"), std::string::npos);
}

TEST(WsParserTest, FragmentedMessageOverTheLimitIsRefusedAtTheFragmentThatCrossesIt) {
  const WsParserLimits limits{10, true};
  const std::string first = fragment(WsOpcode::kText, "123456");
  EXPECT_TRUE(feed(first, kWhole, limits).events.empty());
  const std::string crossing = frame(WsOpcode::kContinuation, "78901");
  EXPECT_EQ(events(first + crossing, limits), kTooBig);
  EXPECT_EQ(feed(first + crossing.substr(0, 2), kWhole, limits).events, kTooBig);
  // Control frames in between do not count.
  EXPECT_EQ(
      events(first + frame(WsOpcode::kPing, std::string(100, 'p')) + frame(WsOpcode::kContinuation, "7890"),
             limits),
      (std::vector<std::string>{"ping:" + std::string(100, 'p'), "text:1234567890"}));
}

// --- UTF-8 -------------------------------------------------------------------------

TEST(WsParserTest, InvalidUtf8TextIsInvalidPayload) {
  for (const std::string& bad :
       {"\xc0\xaf"s, "\xed\xa0\x80"s, "\xf4\x90\x80\x80"s, "\xff"s, "ok\x80"s,
        "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80\x65\x64\x69\x74\x65\x64"s}) {
    SCOPED_TRACE(testing::PrintToString(bad));
    EXPECT_EQ(events(frame(WsOpcode::kText, bad)), kInvalidPayload);
    EXPECT_EQ(events(fragment(WsOpcode::kText, "fine") + frame(WsOpcode::kContinuation, bad)),
              kInvalidPayload);
  }
}

TEST(WsParserTest, TextEndingInsideASequenceIsInvalidPayload) {
  EXPECT_EQ(events(frame(WsOpcode::kText, "\xe2\x82"s)), kInvalidPayload);
  EXPECT_EQ(events(fragment(WsOpcode::kText, "a\xe2") + frame(WsOpcode::kContinuation, "\x82")),
            kInvalidPayload);
}

TEST(WsParserTest, Utf8SplitAcrossFragments) {
  // € split after its first byte; 😀 split over four fragments with a ping among them.
  EXPECT_EQ(events(fragment(WsOpcode::kText, "\xe2") + frame(WsOpcode::kContinuation, "\x82\xac")),
            std::vector<std::string>{"text:\xe2\x82\xac"});
  EXPECT_EQ(events(fragment(WsOpcode::kText, "\xf0") + fragment(WsOpcode::kContinuation, "\x9f") +
                   frame(WsOpcode::kPing, "") + fragment(WsOpcode::kContinuation, "\x98") +
                   frame(WsOpcode::kContinuation, "\x80")),
            (std::vector<std::string>{"ping:", "text:\xf0\x9f\x98\x80"}));
}

TEST(WsParserTest, InvalidUtf8SplitAcrossFragmentsFailsAtTheBadFragment) {
  // A surrogate: ED | A0 80. The error comes with the second fragment, the
  // final one is never needed.
  const std::string wire = fragment(WsOpcode::kText, "x\xed") + fragment(WsOpcode::kContinuation, "\xa0\x80");
  EXPECT_EQ(events(wire), kInvalidPayload);
  EXPECT_EQ(events(wire + frame(WsOpcode::kContinuation, "tail")), kInvalidPayload);
}

TEST(WsParserTest, FailsFastOnInvalidUtf8InTheFirstFragment) {
  EXPECT_EQ(events(fragment(WsOpcode::kText, "\xc0\xaf")), kInvalidPayload);
  EXPECT_EQ(events(fragment(WsOpcode::kText, "\xf4\x90")), kInvalidPayload);
}

TEST(WsParserTest, FailsFastOnInvalidUtf8InsideAnIncompleteFrame) {
  std::string payload = "valid prefix \xff";
  payload.append(10000, 'x');
  const std::string wire = frame(WsOpcode::kText, payload);
  // Only the header and 20 payload bytes have arrived.
  const FeedResult run = feed(wire.substr(0, 8 + 20), kWhole);
  EXPECT_EQ(run.events, kInvalidPayload);
  EXPECT_EQ(events(wire.substr(0, 8 + 20)), kInvalidPayload);
  // A valid prefix of an incomplete frame is just waited for.
  EXPECT_TRUE(feed(wire.substr(0, 8 + 13), kWhole).events.empty());
}

// --- close -------------------------------------------------------------------------

TEST(WsParserTest, CloseWithCodeAndReason) {
  EXPECT_EQ(events(closeFrame(1000, "bye \xe2\x82\xac")),
            std::vector<std::string>{"close:1000:bye \xe2\x82\xac"});
  EXPECT_EQ(events(closeFrame(4999)), std::vector<std::string>{"close:4999:"});
}

TEST(WsParserTest, EmptyCloseReportsNoStatus) {
  EXPECT_EQ(events(frame(WsOpcode::kClose, "")), std::vector<std::string>{"close:1005:"});
}

TEST(WsParserTest, OneByteClosePayloadIsAProtocolError) {
  EXPECT_EQ(events(frame(WsOpcode::kClose, "\x03")), kProtocolError);
}

TEST(WsParserTest, CloseCodesInvalidOnTheWireAreAProtocolError) {
  for (std::uint16_t code : {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535}) {
    EXPECT_EQ(events(closeFrame(code)), kProtocolError) << code;
  }
  for (std::uint16_t code : {1000, 1001, 1002, 1003, 1007, 1011, 1014, 3000, 4000}) {
    EXPECT_EQ(events(closeFrame(code)), std::vector<std::string>{"close:" + std::to_string(code) + ":"})
        << code;
  }
}

TEST(WsParserTest, CloseReasonMustBeValidUtf8) {
  EXPECT_EQ(events(closeFrame(1000, "\xed\xa0\x80")), kInvalidPayload);
  EXPECT_EQ(events(closeFrame(1000, "cut \xe2\x82")), kInvalidPayload);
}

TEST(WsParserTest, NothingIsConsumedAfterClose) {
  const std::string close = closeFrame(1001, "away");
  std::string buffer = frame(WsOpcode::kText, "before") + close + frame(WsOpcode::kText, "after");
  WsParser parser;
  RecordingSink sink;
  const std::size_t consumed = parser.parse(buffer.data(), buffer.size(), sink);
  EXPECT_EQ(consumed, 12 + close.size());
  EXPECT_TRUE(parser.closed());
  EXPECT_FALSE(parser.failed());
  buffer.erase(0, consumed);
  EXPECT_EQ(parser.parse(buffer.data(), buffer.size(), sink), 0u);
  EXPECT_EQ(sink.events, (std::vector<std::string>{"text:before", "close:1001:away"}));
  // Close in the middle of a fragmented message is a control frame like any other.
  EXPECT_EQ(
      events(fragment(WsOpcode::kText, "half") + closeFrame(1000) + frame(WsOpcode::kContinuation, "x")),
      std::vector<std::string>{"close:1000:"});
}

TEST(WsParserTest, NothingIsConsumedAfterAnError) {
  std::string buffer =
      frame(WsOpcode::kText, "ok") + frame(WsOpcode::kContinuation, "bad") + frame(WsOpcode::kText, "never");
  WsParser parser;
  RecordingSink sink;
  EXPECT_EQ(parser.parse(buffer.data(), buffer.size(), sink), 8u);  // stops at the bad frame
  EXPECT_TRUE(parser.failed());
  EXPECT_FALSE(parser.closed());
  EXPECT_EQ(parser.parse(buffer.data() + 8, buffer.size() - 8, sink), 0u);
  EXPECT_EQ(sink.events, (std::vector<std::string>{"text:ok", "error:1002"}));
  EXPECT_EQ(sink.errorReason, "continuation frame without a message in progress");
}

}  // namespace
}  // namespace streamgate::net
