#include "net/ws_parser.h"

#include <cstring>
#include <string>

namespace streamgate::net {
namespace {

constexpr std::uint8_t kFinBit = 0x80;
constexpr std::uint8_t kRsvBits = 0x70;
constexpr std::uint8_t kOpcodeBits = 0x0F;
constexpr std::uint8_t kControlBit = 0x08;
constexpr std::uint8_t kMaskBit = 0x80;
constexpr std::uint8_t kLengthBits = 0x7F;
constexpr std::uint8_t kLength16 = 126;
constexpr std::uint8_t kLength64 = 127;
// A fragmented message's buffer is kept for the next one unless it grew past
// this, so one big message does not pin its memory for the connection's life.
constexpr std::size_t kRetainedFragmentCapacity = 64 * 1024;

bool isKnownOpcode(std::uint8_t opcode) {
  return opcode <= static_cast<std::uint8_t>(WsOpcode::kBinary) ||
         (opcode >= static_cast<std::uint8_t>(WsOpcode::kClose) &&
          opcode <= static_cast<std::uint8_t>(WsOpcode::kPong));
}

}  // namespace

WsParser::WsParser(WsParserLimits limits) : limits_(limits) {}

std::size_t WsParser::parse(char* data, std::size_t size, WsParserSink& sink) {
  std::size_t pos = 0;
  while (state_ == State::kOpen) {
    Frame frame{};
    if (readHeader(reinterpret_cast<const std::uint8_t*>(data + pos), size - pos, frame, sink) !=
        HeaderStatus::kComplete) {
      break;
    }
    char* payload = data + pos + frame.headerSize;
    const std::size_t payloadAvailable = size - pos - frame.headerSize;
    const bool complete = payloadAvailable >= frame.payloadSize;
    if (!advancePayload(frame, payload, complete ? frame.payloadSize : payloadAvailable)) {
      fail(sink, ws_close::kInvalidPayload, "text message is not valid UTF-8");
      break;
    }
    if (!complete) break;
    payloadDone_ = 0;
    if (!handleFrame(frame, payload, sink)) break;
    pos += frame.headerSize + frame.payloadSize;
  }
  return pos;
}

WsParser::HeaderStatus WsParser::readHeader(const std::uint8_t* bytes, std::size_t available, Frame& frame,
                                            WsParserSink& sink) {
  if (available < 2) return HeaderStatus::kNeedMore;
  // Everything decidable from the first two bytes is checked before waiting
  // for the rest of the header, so a bad frame fails as early as possible.
  if (bytes[0] & kRsvBits) {
    return headerError(sink, ws_close::kProtocolError, "reserved bits set without a negotiated extension");
  }
  const std::uint8_t opcode = bytes[0] & kOpcodeBits;
  if (!isKnownOpcode(opcode)) {
    return headerError(sink, ws_close::kProtocolError, "unknown opcode " + std::to_string(opcode));
  }
  frame.fin = bytes[0] & kFinBit;
  frame.opcode = static_cast<WsOpcode>(opcode);
  frame.masked = bytes[1] & kMaskBit;
  const std::uint8_t length7 = bytes[1] & kLengthBits;
  const bool control = opcode & kControlBit;
  if (control) {
    if (!frame.fin) return headerError(sink, ws_close::kProtocolError, "fragmented control frame");
    if (length7 > kMaxControlPayload) {
      return headerError(sink, ws_close::kProtocolError, "control frame payload longer than 125 bytes");
    }
  } else if (frame.opcode == WsOpcode::kContinuation) {
    if (!inMessage_) {
      return headerError(sink, ws_close::kProtocolError, "continuation frame without a message in progress");
    }
  } else if (inMessage_) {
    return headerError(sink, ws_close::kProtocolError,
                       "new data frame while a fragmented message is in progress");
  }
  if (!frame.masked && limits_.requireMask) {
    return headerError(sink, ws_close::kProtocolError, "unmasked client frame");
  }

  const std::size_t lengthBytes = length7 == kLength16 ? 2 : length7 == kLength64 ? 8 : 0;
  if (available < 2 + lengthBytes) return HeaderStatus::kNeedMore;
  std::uint64_t payloadSize = length7;
  if (lengthBytes != 0) {
    payloadSize = 0;
    for (std::size_t i = 0; i < lengthBytes; ++i) payloadSize = (payloadSize << 8) | bytes[2 + i];
  }
  if (payloadSize >> 63) {
    return headerError(sink, ws_close::kProtocolError,
                       "64-bit payload length with the most significant bit set");
  }
  if (!control) {
    // Refused on the declared length alone: nobody buffers a huge payload.
    const std::size_t received = inMessage_ ? fragments_.size() : 0;
    if (payloadSize > limits_.maxMessageBytes - received) {
      return headerError(sink, ws_close::kMessageTooBig,
                         "message of at least " + std::to_string(received + payloadSize) +
                             " bytes exceeds the limit of " + std::to_string(limits_.maxMessageBytes));
    }
  }
  frame.payloadSize = static_cast<std::size_t>(payloadSize);  // <= the limit or 125

  frame.headerSize = 2 + lengthBytes + (frame.masked ? frame.maskKey.size() : 0);
  if (available < frame.headerSize) return HeaderStatus::kNeedMore;
  if (frame.masked) std::memcpy(frame.maskKey.data(), bytes + 2 + lengthBytes, frame.maskKey.size());
  return HeaderStatus::kComplete;
}

WsParser::HeaderStatus WsParser::headerError(WsParserSink& sink, std::uint16_t closeCode,
                                             std::string_view reason) {
  fail(sink, closeCode, reason);
  return HeaderStatus::kFailed;
}

bool WsParser::advancePayload(const Frame& frame, char* payload, std::size_t upTo) {
  if (upTo <= payloadDone_) return true;
  const std::size_t from = payloadDone_;
  payloadDone_ = upTo;
  if (frame.masked) applyMask(payload + from, upTo - from, frame.maskKey, from);
  if (!inTextMessage(frame)) return true;
  if (frame.opcode == WsOpcode::kText && from == 0) utf8_.reset();
  return utf8_.feed(std::string_view(payload + from, upTo - from));
}

bool WsParser::inTextMessage(const Frame& frame) const noexcept {
  return frame.opcode == WsOpcode::kText ||
         (frame.opcode == WsOpcode::kContinuation && messageOpcode_ == WsOpcode::kText);
}

bool WsParser::handleFrame(const Frame& frame, char* payload, WsParserSink& sink) {
  const std::string_view view(payload, frame.payloadSize);
  switch (frame.opcode) {
    case WsOpcode::kPing:
      sink.onPing(view);
      return true;
    case WsOpcode::kPong:
      sink.onPong(view);
      return true;
    case WsOpcode::kClose:
      return handleClose(view, sink);
    case WsOpcode::kContinuation:
    case WsOpcode::kText:
    case WsOpcode::kBinary:
      break;
  }
  return handleData(frame, view, sink);
}

bool WsParser::handleData(const Frame& frame, std::string_view payload, WsParserSink& sink) {
  const bool text = inTextMessage(frame);
  if (frame.opcode != WsOpcode::kContinuation) {
    if (!frame.fin) {
      inMessage_ = true;
      messageOpcode_ = frame.opcode;
      fragments_.assign(payload);
      return true;
    }
    if (text && !utf8_.complete()) {
      return fail(sink, ws_close::kInvalidPayload, "text message ends inside a UTF-8 sequence");
    }
    // The common case: no copy, the sink sees the caller's buffer.
    sink.onMessage(frame.opcode, payload);
    return true;
  }

  fragments_.append(payload);
  if (!frame.fin) return true;
  if (text && !utf8_.complete()) {
    return fail(sink, ws_close::kInvalidPayload, "text message ends inside a UTF-8 sequence");
  }
  inMessage_ = false;
  sink.onMessage(messageOpcode_, fragments_);
  if (fragments_.capacity() > kRetainedFragmentCapacity) {
    std::string().swap(fragments_);
  } else {
    fragments_.clear();
  }
  return true;
}

bool WsParser::handleClose(std::string_view payload, WsParserSink& sink) {
  if (payload.empty()) {
    state_ = State::kClosed;
    sink.onClose(ws_close::kNoStatus, {});
    return true;
  }
  if (payload.size() == 1) return fail(sink, ws_close::kProtocolError, "close frame payload of 1 byte");
  const auto code = static_cast<std::uint16_t>((static_cast<std::uint8_t>(payload[0]) << 8) |
                                               static_cast<std::uint8_t>(payload[1]));
  if (!isValidCloseCode(code)) {
    return fail(sink, ws_close::kProtocolError,
                "close code " + std::to_string(code) + " is not valid on the wire");
  }
  const std::string_view reason = payload.substr(2);
  if (!isValidUtf8(reason)) return fail(sink, ws_close::kInvalidPayload, "close reason is not valid UTF-8");
  state_ = State::kClosed;
  sink.onClose(code, reason);
  return true;
}

bool WsParser::fail(WsParserSink& sink, std::uint16_t closeCode, std::string_view reason) {
  state_ = State::kFailed;
  sink.onProtocolError(closeCode, reason);
  return false;
}

}  // namespace streamgate::net
