// Incremental parser for client-to-server WebSocket frames (RFC 6455).
//
// The event loop appends whatever a non-blocking read returned to the
// connection's input buffer and calls parse() on the unconsumed bytes. parse()
// handles every complete frame in them, unmasking in place, and returns how
// many bytes it consumed; the rest (an incomplete frame) must stay at the front
// of the buffer, unchanged, for the next call. It never blocks, never reads a
// socket and never allocates for an unfragmented frame: such a message is
// handed to the sink as a view into the caller's buffer.
//
// Every protocol violation is reported once through onProtocolError with the
// close code to send (1002, 1007 or 1009); after it, or after onClose, the
// parser is finished and consumes nothing more. A message too large for the
// limit is refused from its frame header, before its payload is buffered, and
// invalid UTF-8 in a text message is refused at the first bad byte that has
// arrived, even inside a frame that is not complete yet.
//
// Not thread-safe: one parser per connection, used on that connection's loop
// thread.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "net/utf8_validator.h"
#include "net/ws_frame.h"

namespace streamgate::net {

// Receives what parse() finds, synchronously, in wire order. Views are valid
// only during the call. Implementations must not throw and must not call
// parse() on the same parser.
class WsParserSink {
 public:
  virtual ~WsParserSink() = default;
  // A whole message (fragments joined, unmasked); opcode is kText or kBinary,
  // and text has been checked to be valid UTF-8.
  virtual void onMessage(WsOpcode opcode, std::string_view payload) = 0;
  // Control frames; they may arrive between the fragments of a message.
  virtual void onPing(std::string_view payload) = 0;
  virtual void onPong(std::string_view payload) = 0;
  // The peer's close frame; code is ws_close::kNoStatus (1005) when it had none.
  virtual void onClose(std::uint16_t code, std::string_view reason) = 0;
  // The connection must be failed with closeCode; reason is for logs and the
  // close frame.
  virtual void onProtocolError(std::uint16_t closeCode, std::string_view reason) = 0;
};

struct WsParserLimits {
  // Largest message (all fragments together) accepted; larger ones get 1009.
  std::size_t maxMessageBytes = 1 << 20;
  // Clients must mask (RFC 6455 5.1); only tests and tools turn this off.
  bool requireMask = true;
};

class WsParser {
 public:
  explicit WsParser(WsParserLimits limits = {});

  // Consumes as many complete frames from data as possible and returns the
  // number of bytes consumed. The bytes of a trailing incomplete frame are not
  // consumed but may already be unmasked in place: the caller passes them
  // again, as they are now, at the start of the next call. After onClose the
  // return value includes the close frame; after onProtocolError it stops at
  // the start of the offending frame.
  std::size_t parse(char* data, std::size_t size, WsParserSink& sink);

  bool failed() const noexcept { return state_ == State::kFailed; }
  bool closed() const noexcept { return state_ == State::kClosed; }
  // Neither failed nor closed: parse() may be called.
  bool open() const noexcept { return state_ == State::kOpen; }

 private:
  enum class State : std::uint8_t { kOpen, kClosed, kFailed };

  struct Frame {
    bool fin;
    WsOpcode opcode;
    bool masked;
    std::array<std::uint8_t, 4> maskKey;
    std::size_t headerSize;
    std::size_t payloadSize;
  };

  enum class HeaderStatus : std::uint8_t { kComplete, kNeedMore, kFailed };

  // Decodes and checks the header at the front of bytes into frame.
  HeaderStatus readHeader(const std::uint8_t* bytes, std::size_t available, Frame& frame, WsParserSink& sink);
  HeaderStatus headerError(WsParserSink& sink, std::uint16_t closeCode, std::string_view reason);
  // Unmasks payload bytes [payloadDone_, upTo) of the current frame and runs
  // them through the UTF-8 validator when they belong to a text message.
  // False when they make the text invalid.
  bool advancePayload(const Frame& frame, char* payload, std::size_t upTo);
  // Dispatches a complete frame; false when it was a protocol error.
  bool handleFrame(const Frame& frame, char* payload, WsParserSink& sink);
  bool handleData(const Frame& frame, std::string_view payload, WsParserSink& sink);
  bool handleClose(std::string_view payload, WsParserSink& sink);
  bool fail(WsParserSink& sink, std::uint16_t closeCode, std::string_view reason);
  bool inTextMessage(const Frame& frame) const noexcept;

  WsParserLimits limits_;
  State state_ = State::kOpen;
  // Payload bytes of the frame at the front of the input already unmasked
  // (and validated) by an earlier call that saw only part of it.
  std::size_t payloadDone_ = 0;
  // A fragmented message in progress: its opcode and the fragments so far.
  bool inMessage_ = false;
  WsOpcode messageOpcode_ = WsOpcode::kText;
  std::string fragments_;
  Utf8Validator utf8_;
};

}  // namespace streamgate::net
