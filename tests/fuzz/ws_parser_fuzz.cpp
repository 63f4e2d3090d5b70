// Fuzzes WsParser (and the UTF-8 validator under it) against a deliberately
// naive reference parser written from RFC 6455 prose.
//
// Input: [options][chunk seed][wire bytes...]
//   options bit 0     accept unmasked frames
//   options bits 1-3  message size limit, an index into kLimits
//   chunk seed        drives how the wire bytes are split into reads
//
// Checked on every input:
//   - the parser fed everything at once, in seeded random chunks, and a byte
//     at a time reports the same events and consumes the same bytes;
//   - those events equal the reference parser's (unmasked payloads, joined
//     fragments, close codes, which error and when);
//   - parse() never consumes more than it was given, and nothing at all (and
//     no event) after a close or an error; at most one close or error;
//   - no message exceeds the limit; text messages and close reasons are valid
//     UTF-8 by the reference decoder; control payloads fit in 125 bytes;
//   - Utf8Validator fed the raw wire bytes in chunks agrees with the reference
//     decoder after every chunk (fail fast, and no false alarm).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "net/utf8_validator.h"
#include "net/ws_parser.h"
#include "reference_utf8.h"

namespace {

using streamgate::net::Utf8Validator;
using streamgate::net::WsOpcode;
using streamgate::net::WsParser;
using streamgate::net::WsParserLimits;
using streamgate::net::WsParserSink;
using streamgate::testing::referenceUtf8;

constexpr std::size_t kLimits[8] = {0, 1, 5, 125, 126, 300, 65536, 1 << 20};

// --- events -------------------------------------------------------------------------

struct Event {
  char kind;  // 'm'essage, p'i'ng, p'o'ng, 'c'lose, 'e'rror
  std::uint8_t opcode = 0;
  std::uint16_t code = 0;
  std::string payload;  // message/ping/pong payload, close reason
  bool operator==(const Event&) const = default;
};

bool isTerminal(const Event& event) { return event.kind == 'c' || event.kind == 'e'; }

class CheckingSink final : public WsParserSink {
 public:
  CheckingSink(const WsParser& parser, std::size_t limit) : parser_(parser), limit_(limit) {}

  void onMessage(WsOpcode opcode, std::string_view payload) override {
    FUZZ_CHECK(opcode == WsOpcode::kText || opcode == WsOpcode::kBinary);
    FUZZ_CHECK(payload.size() <= limit_);
    if (opcode == WsOpcode::kText) FUZZ_CHECK(referenceUtf8(payload, false));
    add({'m', static_cast<std::uint8_t>(opcode), 0, std::string(payload)});
  }
  void onPing(std::string_view payload) override {
    FUZZ_CHECK(payload.size() <= 125);
    add({'i', 0, 0, std::string(payload)});
  }
  void onPong(std::string_view payload) override {
    FUZZ_CHECK(payload.size() <= 125);
    add({'o', 0, 0, std::string(payload)});
  }
  void onClose(std::uint16_t code, std::string_view reason) override {
    FUZZ_CHECK(parser_.closed());
    FUZZ_CHECK(streamgate::net::isValidCloseCode(code) || (code == 1005 && reason.empty()));
    FUZZ_CHECK(reason.size() <= 123);
    FUZZ_CHECK(referenceUtf8(reason, false));
    add({'c', 0, code, std::string(reason)});
  }
  void onProtocolError(std::uint16_t closeCode, std::string_view reason) override {
    FUZZ_CHECK(parser_.failed());
    FUZZ_CHECK(closeCode == 1002 || closeCode == 1007 || closeCode == 1009);
    FUZZ_CHECK(!reason.empty());
    add({'e', 0, closeCode, {}});
  }

  std::vector<Event> events;

 private:
  void add(Event event) {
    FUZZ_CHECK(events.empty() || !isTerminal(events.back()));
    events.push_back(std::move(event));
  }

  const WsParser& parser_;
  std::size_t limit_;
};

struct Outcome {
  std::vector<Event> events;
  std::size_t consumed = 0;
};

// Feeds wire in reads of the given sizes (cycled), like the event loop: one
// buffer, consumed bytes dropped from the front, the rest kept.
template <class NextChunk>
Outcome runParser(std::string_view wire, const WsParserLimits& limits, NextChunk nextChunk) {
  WsParser parser(limits);
  CheckingSink sink(parser, limits.maxMessageBytes);
  std::string buffer;
  std::size_t consumed = 0;
  for (std::size_t pos = 0; pos < wire.size();) {
    const std::size_t n = std::min(nextChunk(), wire.size() - pos);
    buffer.append(wire.substr(pos, n));
    pos += n;
    const bool wasOpen = parser.open();
    const std::size_t eventsBefore = sink.events.size();
    const std::size_t used = parser.parse(buffer.data(), buffer.size(), sink);
    FUZZ_CHECK(used <= buffer.size());
    if (!wasOpen) FUZZ_CHECK(used == 0 && sink.events.size() == eventsBefore);
    if (!parser.open()) FUZZ_CHECK(!sink.events.empty() && isTerminal(sink.events.back()));
    buffer.erase(0, used);
    consumed += used;
  }
  return {std::move(sink.events), consumed};
}

// --- reference parser -----------------------------------------------------------------

// One pass over the whole input, copying instead of unmasking in place, with
// the rules checked in the order the header bytes make them decidable.
Outcome referenceParse(std::string_view wire, const WsParserLimits& limits) {
  Outcome out;
  auto byte = [&wire](std::size_t i) { return static_cast<std::uint8_t>(wire[i]); };
  auto fail = [&out](std::uint16_t code) {
    out.events.push_back({'e', 0, code, {}});
    return out;
  };
  bool inMessage = false;
  std::uint8_t messageOpcode = 0;
  std::string message;
  std::size_t pos = 0;
  while (wire.size() - pos >= 2) {
    const bool fin = byte(pos) & 0x80;
    const std::uint8_t opcode = byte(pos) & 0x0F;
    const bool masked = byte(pos + 1) & 0x80;
    const std::size_t length7 = byte(pos + 1) & 0x7F;
    const bool control = opcode >= 8;
    if (byte(pos) & 0x70) return fail(1002);
    if (!(opcode <= 2 || (opcode >= 8 && opcode <= 10))) return fail(1002);
    if (control && (!fin || length7 > 125)) return fail(1002);
    if (opcode == 0 && !inMessage) return fail(1002);
    if ((opcode == 1 || opcode == 2) && inMessage) return fail(1002);
    if (!masked && limits.requireMask) return fail(1002);
    const std::size_t extra = length7 == 126 ? 2 : length7 == 127 ? 8 : 0;
    if (wire.size() - pos < 2 + extra) break;
    std::uint64_t length = extra == 0 ? length7 : 0;
    for (std::size_t k = 0; k < extra; ++k) length = length * 256 + byte(pos + 2 + k);
    if (length >= (std::uint64_t{1} << 63)) return fail(1002);
    if (!control && (inMessage ? message.size() : 0) + length > limits.maxMessageBytes) return fail(1009);
    const std::size_t header = 2 + extra + (masked ? 4 : 0);
    if (wire.size() - pos < header) break;
    const std::size_t available = std::min<std::uint64_t>(length, wire.size() - pos - header);
    std::string payload(wire.substr(pos + header, available));
    for (std::size_t k = 0; masked && k < payload.size(); ++k) {
      payload[k] = static_cast<char>(payload[k] ^ wire[pos + 2 + extra + k % 4]);
    }
    const bool text = opcode == 1 || (opcode == 0 && messageOpcode == 1);
    if (text && !referenceUtf8((opcode == 0 ? message : std::string()) + payload, true)) return fail(1007);
    if (available < length) break;
    pos += header + available;

    if (opcode == 9) {
      out.events.push_back({'i', 0, 0, payload});
    } else if (opcode == 10) {
      out.events.push_back({'o', 0, 0, payload});
    } else if (opcode == 8) {
      if (payload.size() == 1) return fail(1002);
      std::uint16_t code = 1005;
      std::string reason;
      if (!payload.empty()) {
        code = static_cast<std::uint16_t>(static_cast<std::uint8_t>(payload[0]) << 8 |
                                          static_cast<std::uint8_t>(payload[1]));
        reason = payload.substr(2);
        const bool wireCode = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
                              (code >= 3000 && code <= 4999);
        if (!wireCode) return fail(1002);
        if (!referenceUtf8(reason, false)) return fail(1007);
      }
      out.events.push_back({'c', 0, code, reason});
      out.consumed = pos;
      return out;
    } else {
      if (opcode != 0) {
        messageOpcode = opcode;
        message.clear();
      }
      message += payload;
      inMessage = !fin;
      if (fin) {
        if (text && !referenceUtf8(message, false)) return fail(1007);
        out.events.push_back({'m', messageOpcode, 0, message});
      }
    }
    out.consumed = pos;
  }
  return out;
}

// Reads never longer than the input; mostly small, sometimes large.
class ChunkSizes {
 public:
  explicit ChunkSizes(std::uint8_t seed) : state_(0x9E3779B97F4A7C15ULL ^ seed) {}
  std::size_t operator()() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    return (state_ & 3) == 0 ? 1 + (state_ >> 8) % 4096 : 1 + (state_ >> 8) % 16;
  }

 private:
  std::uint64_t state_;
};

void checkUtf8Validator(std::string_view bytes, std::uint8_t seed) {
  ChunkSizes chunks(seed);
  Utf8Validator validator;
  for (std::size_t pos = 0; pos < bytes.size();) {
    const std::size_t n = std::min(chunks(), bytes.size() - pos);
    const bool ok = validator.feed(bytes.substr(pos, n));
    pos += n;
    FUZZ_CHECK(ok == referenceUtf8(bytes.substr(0, pos), true));
    FUZZ_CHECK(ok == !validator.failed());
    if (!ok) return;
  }
  FUZZ_CHECK(validator.complete() == referenceUtf8(bytes, false));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const WsParserLimits limits{kLimits[(data[0] >> 1) & 7], (data[0] & 1) == 0};
  const std::uint8_t seed = data[1];
  const std::string_view wire(reinterpret_cast<const char*>(data + 2), size - 2);

  const Outcome whole = runParser(wire, limits, [&wire] { return wire.size(); });
  ChunkSizes chunks(seed);
  const Outcome chunked = runParser(wire, limits, chunks);
  const Outcome bytewise = runParser(wire, limits, [] { return std::size_t{1}; });
  const Outcome reference = referenceParse(wire, limits);

  FUZZ_CHECK(chunked.events == whole.events);
  FUZZ_CHECK(bytewise.events == whole.events);
  FUZZ_CHECK(reference.events == whole.events);
  FUZZ_CHECK(chunked.consumed == whole.consumed);
  FUZZ_CHECK(bytewise.consumed == whole.consumed);
  FUZZ_CHECK(reference.consumed == whole.consumed);

  checkUtf8Validator(wire, seed);
  return 0;
}
