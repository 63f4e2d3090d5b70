#include "streamgate/stream_event.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "net/utf8_validator.h"

namespace streamgate {
namespace {

using namespace std::string_literals;

const StreamId kStream{"chat-42", "m-8a3c"};

// Parses json, failing the test (and returning null) when Poco refuses it.
Poco::JSON::Object::Ptr parseObject(const std::string& json) {
  try {
    return Poco::JSON::Parser().parse(json).extract<Poco::JSON::Object::Ptr>();
  } catch (const Poco::Exception& error) {
    ADD_FAILURE() << "not a JSON object: " << json << ": " << error.displayText();
    return nullptr;
  }
}

// appendJsonString's output as a whole JSON document, decoded back by Poco.
std::string roundTrip(std::string_view text) {
  std::string literal;
  appendJsonString(literal, text);
  EXPECT_TRUE(net::isValidUtf8(literal)) << "not UTF-8: " << literal;
  const auto object = parseObject("{\"s\":" + literal + "}");
  return object ? object->getValue<std::string>("s") : "<unparsable>";
}

std::string literalOf(std::string_view text) {
  std::string out;
  appendJsonString(out, text);
  return out;
}

const std::string kReplacement = "\xEF\xBF\xBD";

// Runs of U+FFFD collapsed to one '?', so a test need not care whether a bad
// sequence is replaced byte by byte or as a whole.
std::string collapseReplacements(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    if (text.compare(i, kReplacement.size(), kReplacement) == 0) {
      if (out.empty() || out.back() != '?') out += '?';
      i += kReplacement.size();
    } else {
      out += text[i++];
    }
  }
  return out;
}

// --- round trips ----------------------------------------------------------------

TEST(StreamEventTest, StartedRoundTrip) {
  const std::string payload = encodeStartedEvent(kStream, "q-1");
  const auto view = decodeEvent(payload);
  ASSERT_TRUE(view.hasValue()) << view.status().toString();
  EXPECT_EQ(view->kind, EventKind::kStarted);
  EXPECT_EQ(view->index, -1);
  EXPECT_EQ(view->messageId, kStream.messageId);
  EXPECT_EQ(view->json, startedJson(kStream, "q-1"));
  const auto object = parseObject(std::string(view->json));
  ASSERT_TRUE(object);
  EXPECT_EQ(object->getValue<std::string>("type"), "started");
  EXPECT_EQ(object->getValue<std::string>("sessionId"), kStream.sessionId);
  EXPECT_EQ(object->getValue<std::string>("messageId"), kStream.messageId);
  EXPECT_EQ(object->getValue<std::string>("requestId"), "q-1");
  EXPECT_EQ(object->size(), 4u);
}

TEST(StreamEventTest, ChunkRoundTrip) {
  const std::string content = "line one\nline \"two\" \\ caf\xC3\xA9 \xF0\x9F\x98\x80";
  for (const std::int64_t index : {std::int64_t{0}, std::int64_t{1}, std::int64_t{41}, INT64_MAX}) {
    SCOPED_TRACE(index);
    const std::string payload = encodeChunkEvent(kStream, index, content);
    const auto view = decodeEvent(payload);
    ASSERT_TRUE(view.hasValue()) << view.status().toString();
    EXPECT_EQ(view->kind, EventKind::kChunk);
    EXPECT_EQ(view->index, index);
    EXPECT_EQ(view->messageId, kStream.messageId);
    EXPECT_EQ(view->json, chunkJson(kStream, index, content));
    // Views into the payload, not copies.
    EXPECT_GE(view->json.data(), payload.data());
    EXPECT_LE(view->json.data() + view->json.size(), payload.data() + payload.size());
    const auto object = parseObject(std::string(view->json));
    ASSERT_TRUE(object);
    EXPECT_EQ(object->getValue<std::string>("type"), "chunk");
    EXPECT_EQ(object->getValue<std::string>("sessionId"), kStream.sessionId);
    EXPECT_EQ(object->getValue<std::string>("messageId"), kStream.messageId);
    EXPECT_EQ(object->getValue<std::int64_t>("index"), index);
    EXPECT_EQ(object->getValue<std::string>("content"), content);
  }
}

TEST(StreamEventTest, ChunkWithEmptyContent) {
  const std::string payload = encodeChunkEvent(kStream, 3, "");
  const auto view = decodeEvent(payload);
  ASSERT_TRUE(view.hasValue());
  const auto object = parseObject(std::string(view->json));
  ASSERT_TRUE(object);
  EXPECT_EQ(object->getValue<std::string>("content"), "");
}

TEST(StreamEventTest, TerminalRoundTrips) {
  const struct {
    Terminal terminal;
    EventKind kind;
    const char* type;
  } cases[] = {
      {{TerminalKind::kComplete, 20, {}, {}}, EventKind::kComplete, "complete"},
      {{TerminalKind::kComplete, 0, {}, {}}, EventKind::kComplete, "complete"},
      {{TerminalKind::kCancelled, 7, {}, {}}, EventKind::kCancelled, "cancelled"},
      {{TerminalKind::kFailed, 3, "upstream_error", "the model said \"no\"\n"}, EventKind::kFailed, "failed"},
      {{TerminalKind::kInterrupted, 12, {}, {}}, EventKind::kInterrupted, "interrupted"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.type + " "s + std::to_string(c.terminal.totalChunks));
    const std::string payload = encodeTerminalEvent(kStream, c.terminal);
    const auto view = decodeEvent(payload);
    ASSERT_TRUE(view.hasValue()) << view.status().toString();
    EXPECT_EQ(view->kind, c.kind);
    EXPECT_TRUE(isTerminal(view->kind));
    EXPECT_EQ(view->index, c.terminal.totalChunks) << "a terminal's index is the chunk count";
    EXPECT_EQ(view->messageId, kStream.messageId);
    EXPECT_EQ(view->json, terminalJson(kStream, c.terminal));
    const auto object = parseObject(std::string(view->json));
    ASSERT_TRUE(object);
    EXPECT_EQ(object->getValue<std::string>("type"), c.type);
    EXPECT_EQ(object->getValue<std::string>("sessionId"), kStream.sessionId);
    EXPECT_EQ(object->getValue<std::string>("messageId"), kStream.messageId);
    EXPECT_EQ(object->getValue<std::int64_t>("totalChunks"), c.terminal.totalChunks);
    if (c.kind == EventKind::kFailed) {
      EXPECT_EQ(object->getValue<std::string>("code"), c.terminal.code);
      EXPECT_EQ(object->getValue<std::string>("message"), c.terminal.message);
    } else {
      EXPECT_FALSE(object->has("code"));
      EXPECT_FALSE(object->has("message"));
    }
  }
}

TEST(StreamEventTest, CancelRequestRoundTrip) {
  const std::string payload = encodeCancelRequest(kStream);
  const auto view = decodeEvent(payload);
  ASSERT_TRUE(view.hasValue()) << view.status().toString();
  EXPECT_EQ(view->kind, EventKind::kCancelRequest);
  EXPECT_EQ(view->index, -1);
  EXPECT_EQ(view->messageId, kStream.messageId);
  EXPECT_TRUE(view->json.empty()) << "control events carry no client frame";
  EXPECT_FALSE(isTerminal(view->kind));
}

TEST(StreamEventTest, EveryValidIdCharacterSurvivesTheHeader) {
  const StreamId stream{"A.z_0:9-s", std::string(128, 'm')};
  const std::string payload = encodeChunkEvent(stream, 5, "x");
  const auto view = decodeEvent(payload);
  ASSERT_TRUE(view.hasValue());
  EXPECT_EQ(view->messageId, stream.messageId);
  const std::string dottedPayload = encodeCancelRequest(StreamId{"s", "a.b:c_d-e"});
  const auto dotted = decodeEvent(dottedPayload);
  ASSERT_TRUE(dotted.hasValue());
  EXPECT_EQ(dotted->messageId, "a.b:c_d-e");
}

TEST(StreamEventTest, HeaderLayout) {
  EXPECT_EQ(encodeCancelRequest(kStream), "sg1 cancel -1 m-8a3c\n");
  EXPECT_EQ(encodeChunkEvent(kStream, 2, "hi").substr(0, 20), "sg1 chunk 2 m-8a3c\n{");
}

TEST(StreamEventTest, IsTerminal) {
  EXPECT_FALSE(isTerminal(EventKind::kStarted));
  EXPECT_FALSE(isTerminal(EventKind::kChunk));
  EXPECT_TRUE(isTerminal(EventKind::kComplete));
  EXPECT_TRUE(isTerminal(EventKind::kCancelled));
  EXPECT_TRUE(isTerminal(EventKind::kFailed));
  EXPECT_TRUE(isTerminal(EventKind::kInterrupted));
  EXPECT_FALSE(isTerminal(EventKind::kCancelRequest));
}

TEST(StreamEventTest, SessionChannel) { EXPECT_EQ(sessionChannel("chat-42"), "session.chat-42"); }

// --- decode errors, one per branch --------------------------------------------------

std::string decodeError(std::string_view payload) {
  const auto view = decodeEvent(payload);
  EXPECT_FALSE(view.hasValue()) << "accepted: " << payload;
  if (view.hasValue()) return "";
  EXPECT_EQ(view.error().code(), Code::kInvalidArgument);
  return view.error().message();
}

TEST(StreamEventTest, DecodeRejectsMalformedHeaders) {
  const std::string json = R"({"type":"chunk"})";
  EXPECT_EQ(decodeError(""), "bus event: unknown format (no sg1 header)");
  EXPECT_EQ(decodeError("sg1"), "bus event: unknown format (no sg1 header)");
  EXPECT_EQ(decodeError("sg2 chunk 0 m\n" + json), "bus event: unknown format (no sg1 header)");
  EXPECT_EQ(decodeError(json), "bus event: unknown format (no sg1 header)");
  EXPECT_EQ(decodeError("SG1 chunk 0 m\n" + json), "bus event: unknown format (no sg1 header)");
  EXPECT_EQ(decodeError("sg1 chunk 0 m"), "bus event: header not terminated");
  EXPECT_EQ(decodeError("sg1 chunk\n" + json), "bus event: header without index");
  EXPECT_EQ(decodeError("sg1 \n" + json), "bus event: header without index");
  EXPECT_EQ(decodeError("sg1 chunks 0 m\n" + json), "bus event: unknown event kind");
  EXPECT_EQ(decodeError("sg1  0 m\n" + json), "bus event: unknown event kind");
  EXPECT_EQ(decodeError("sg1 Chunk 0 m\n" + json), "bus event: unknown event kind");
  EXPECT_EQ(decodeError("sg1 chunk 0\n" + json), "bus event: header without message id");
  for (const std::string& index :
       std::vector<std::string>{"", "x", "1x", "+1", "-2", " 1", "0x10", "1.5", "99999999999999999999"}) {
    SCOPED_TRACE(index);
    EXPECT_EQ(decodeError("sg1 chunk " + index + " m\n" + json), "bus event: bad index");
  }
  EXPECT_EQ(decodeError("sg1 chunk 0 \n" + json), "bus event: empty message id");
  EXPECT_EQ(decodeError("sg1 chunk 0 m\n"), "bus event: event without a frame");
  EXPECT_EQ(decodeError("sg1 complete 3 m\n"), "bus event: event without a frame");
  EXPECT_EQ(decodeError("sg1 started -1 m\n"), "bus event: event without a frame");
  EXPECT_EQ(decodeError("sg1 chunk -1 m\n" + json), "bus event: missing index");
  for (const std::string& kind : std::vector<std::string>{"complete", "cancelled", "failed", "interrupted"}) {
    EXPECT_EQ(decodeError("sg1 " + kind + " -1 m\n" + json), "bus event: missing index") << kind;
  }
}

TEST(StreamEventTest, DecodeAcceptsTheSmallestValidEvents) {
  EXPECT_TRUE(decodeEvent("sg1 cancel -1 m\n").hasValue());
  EXPECT_TRUE(decodeEvent("sg1 started -1 m\n{}").hasValue());
  EXPECT_TRUE(decodeEvent("sg1 complete 0 m\n{}").hasValue());
}

// --- JSON string escaping -----------------------------------------------------------

TEST(JsonStringTest, PlainTextIsQuoted) {
  EXPECT_EQ(literalOf(""), R"("")");
  EXPECT_EQ(literalOf("hello world"), R"("hello world")");
  EXPECT_EQ(literalOf("/<>'&{}[]"), R"("/<>'&{}[]")");
}

TEST(JsonStringTest, AppendsToWhatIsThere) {
  std::string out = "x=";
  appendJsonString(out, "y");
  EXPECT_EQ(out, R"(x="y")");
}

TEST(JsonStringTest, QuotesAndBackslashes) {
  EXPECT_EQ(literalOf(R"(say "hi")"), R"("say \"hi\"")");
  EXPECT_EQ(literalOf(R"(C:\dir\)"), R"("C:\\dir\\")");
  EXPECT_EQ(literalOf(R"(\")"), R"("\\\"")");
  EXPECT_EQ(roundTrip(R"(\"\\"")"), R"(\"\\"")");
}

TEST(JsonStringTest, ControlCharacters) {
  EXPECT_EQ(literalOf("a\nb\rc\td\be\ff"), R"("a\nb\rc\td\be\ff")");
  EXPECT_EQ(literalOf("\x01"), R"("\u0001")");
  EXPECT_EQ(literalOf("\x1f"), R"("\u001f")");
  EXPECT_EQ(literalOf("\x1b[31m"), R"("\u001b[31m")");
  EXPECT_EQ(literalOf("a\0b"s), R"("a\u0000b")");
  EXPECT_EQ(literalOf("\x7f"), "\"\x7f\"") << "DEL needs no escape in JSON";
  for (int c = 0; c < 0x20; ++c) {
    const std::string text(1, static_cast<char>(c));
    const std::string literal = literalOf(text);
    for (const char byte : literal) EXPECT_GE(static_cast<unsigned char>(byte), 0x20) << "raw control " << c;
    EXPECT_EQ(roundTrip(text), text) << "control " << c;
  }
}

TEST(JsonStringTest, EveryAsciiCharacterRoundTrips) {
  std::string all;
  for (int c = 0; c < 0x80; ++c) all += static_cast<char>(c);
  EXPECT_EQ(roundTrip(all), all);
}

TEST(JsonStringTest, ValidMultiByteUtf8IsKept) {
  for (const std::string& text : {
           "caf\xC3\xA9"s,              // U+00E9
           "\xC2\x80"s,                 // U+0080, smallest 2-byte
           "\xDF\xBF"s,                 // U+07FF
           "\xE0\xA0\x80"s,             // U+0800, smallest 3-byte
           "\xE2\x82\xAC"s,             // euro sign
           "\xED\x9F\xBF"s,             // U+D7FF, just below the surrogates
           "\xEE\x80\x80"s,             // U+E000, just above them
           "\xEF\xBF\xBF"s,             // U+FFFF
           "\xEF\xBF\xBD"s,             // U+FFFD itself
           "\xF0\x90\x80\x80"s,         // U+10000, smallest 4-byte
           "\xF0\x9F\x98\x80"s,         // emoji
           "\xF4\x8F\xBF\xBF"s,         // U+10FFFF, the last code point
           "\xE6\x97\xA5\xE6\x9C\xAC"s  // two CJK characters
       }) {
    EXPECT_EQ(literalOf(text), "\"" + text + "\"");
    EXPECT_EQ(roundTrip(text), text);
  }
}

TEST(JsonStringTest, InvalidBytesAreReplaced) {
  const struct {
    std::string input;
    std::string expected;  // '?' for one or more U+FFFD
  } cases[] = {
      {"\x80", "?"},                  // stray continuation byte
      {"a\xBFz", "a?z"},              // another one, between ASCII
      {"\xFF", "?"},                  // never valid
      {"\xFE\xFE", "?"},              // never valid
      {"\xC0\x80", "?"},              // overlong NUL
      {"\xC1\xBF", "?"},              // overlong
      {"\xE0\x80\xAF", "?"},          // overlong 3-byte
      {"\xF0\x80\x80\xAF", "?"},      // overlong 4-byte
      {"\xF4\x90\x80\x80", "?"},      // above U+10FFFF
      {"\xF5\x80\x80\x80", "?"},      // lead byte past U+10FFFF
      {"\xF8\x88\x80\x80\x80", "?"},  // 5-byte form
      {"x\xC3", "x?"},                // truncated at the end
      {"x\xE2\x82", "x?"},            // truncated 3-byte at the end
      {"x\xF0\x9F\x98", "x?"},        // truncated 4-byte at the end
      {"\xE2\x82"
       "A",
       "?A"},  // truncated before ASCII
      {"\xC3"
       "\xC3\xA9",
       "?\xC3\xA9"},  // truncated before a valid sequence
      {"\xF0\x9F"
       "\xF0\x9F\x98\x80",
       "?\xF0\x9F\x98\x80"},
      {"\xC3\xA9\x80\xC3\xA9", "\xC3\xA9?\xC3\xA9"},
      {"\xE2\x28\xA1", "?(?"},  // bad second byte is kept as itself
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(::testing::PrintToString(c.input));
    const std::string literal = literalOf(c.input);
    EXPECT_TRUE(net::isValidUtf8(literal));
    EXPECT_NE(literal.find(kReplacement), std::string::npos) << literal;
    EXPECT_EQ(collapseReplacements(roundTrip(c.input)), c.expected);
  }
}

TEST(JsonStringTest, SurrogatesAreReplaced) {
  for (const std::string& surrogate : {"\xED\xA0\x80"s, "\xED\xAD\xBF"s, "\xED\xB0\x80"s, "\xED\xBF\xBF"s,
                                       "\xED\xA0\xBD\xED\xB8\x80"s /* CESU-8 pair */}) {
    SCOPED_TRACE(::testing::PrintToString(surrogate));
    const std::string literal = literalOf("<" + surrogate + ">");
    EXPECT_TRUE(net::isValidUtf8(literal)) << literal;
    EXPECT_EQ(collapseReplacements(roundTrip("<" + surrogate + ">")), "<?>");
  }
}

// Whatever bytes go in, the frame is valid UTF-8 JSON that decodes to the
// input with the bad bytes replaced: a cheap exhaustive-ish sweep of every
// 1- and 2-byte input.
TEST(JsonStringTest, EveryShortInputGivesValidJson) {
  for (int a = 0; a < 256; ++a) {
    for (int b = 0; b < 256; ++b) {
      const std::string text{static_cast<char>(a), static_cast<char>(b)};
      std::string literal;
      appendJsonString(literal, text);
      ASSERT_TRUE(net::isValidUtf8(literal)) << a << " " << b;
      if (net::isValidUtf8(text)) {
        ASSERT_EQ(roundTrip(text), text) << a << " " << b;
      } else {
        ASSERT_NE(literal.find(kReplacement), std::string::npos) << a << " " << b;
      }
    }
  }
}

TEST(JsonStringTest, FramesWithHostileTextStillParse) {
  const std::string hostile = "\"}\n{\"type\":\"complete\"\\\x01\xC3\x28\xED\xA0\x80\xF0\x9F\x98\x80";
  const StreamId stream{hostile, hostile};
  for (const std::string& json : {chunkJson(stream, 1, hostile), startedJson(stream, hostile),
                                  terminalJson(stream, Terminal{TerminalKind::kFailed, 2, hostile, hostile}),
                                  terminalJson(stream, Terminal{TerminalKind::kComplete, 2, {}, {}})}) {
    SCOPED_TRACE(json);
    EXPECT_TRUE(net::isValidUtf8(json));
    const auto object = parseObject(json);
    ASSERT_TRUE(object);
    EXPECT_EQ(collapseReplacements(object->getValue<std::string>("sessionId")),
              collapseReplacements(roundTrip(hostile)));
  }
}

TEST(StreamEventTest, TerminalTemplateFilledWithTheCountIsTheTerminalEvent) {
  // Ids that contain what the template looks for must not confuse it.
  const StreamId stream{R"(s "totalChunks":0 1)", "m 0"};
  for (const Terminal& terminal :
       {Terminal{TerminalKind::kComplete, 0, {}, {}}, Terminal{TerminalKind::kCancelled, 0, {}, {}},
        Terminal{TerminalKind::kInterrupted, 0, {}, {}},
        Terminal{TerminalKind::kFailed, 0, "upstream_error", R"(,"totalChunks":0)"}}) {
    const auto pieces = terminalEventTemplate(stream, terminal);
    for (const std::int64_t count : {0, 7, 1234567}) {
      Terminal counted = terminal;
      counted.totalChunks = count;
      const std::string total = std::to_string(count);
      EXPECT_EQ(pieces.prefix + total + pieces.middle + total + pieces.suffix,
                encodeTerminalEvent(stream, counted))
          << terminalKindName(terminal.kind) << " " << count;
    }
  }
}

}  // namespace
}  // namespace streamgate
