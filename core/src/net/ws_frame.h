// RFC 6455 framing shared by the parser, the encoder and the load generator:
// opcodes, close codes, masking and server-side frame encoding.
//
// Everything here is a pure function of its arguments: no state, no I/O, safe
// from any thread.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace streamgate::net {

enum class WsOpcode : std::uint8_t {
  kContinuation = 0,
  kText = 1,
  kBinary = 2,
  kClose = 8,
  kPing = 9,
  kPong = 10,
};

namespace ws_close {
constexpr std::uint16_t kNormal = 1000;
constexpr std::uint16_t kGoingAway = 1001;
constexpr std::uint16_t kProtocolError = 1002;
constexpr std::uint16_t kUnsupportedData = 1003;
// Reserved: reported locally, never sent. kNoStatus stands for a close frame
// without a code; kAbnormal for a connection that ended without a close frame.
constexpr std::uint16_t kNoStatus = 1005;
constexpr std::uint16_t kAbnormal = 1006;
constexpr std::uint16_t kInvalidPayload = 1007;
constexpr std::uint16_t kPolicyViolation = 1008;
constexpr std::uint16_t kMessageTooBig = 1009;
constexpr std::uint16_t kInternalError = 1011;
constexpr std::uint16_t kTryAgainLater = 1013;
}  // namespace ws_close

// Control frames (close, ping, pong) carry at most this many payload bytes.
constexpr std::size_t kMaxControlPayload = 125;

// Whether a close code may appear in a close frame on the wire:
// 1000-1003, 1007-1014 and the registered/private range 3000-4999.
bool isValidCloseCode(std::uint16_t code) noexcept;

// Size of the header of an unmasked (server) frame carrying payloadSize bytes:
// 2, 4 or 10.
std::size_t frameHeaderSize(std::size_t payloadSize) noexcept;

// Appends one unmasked frame with FIN set and the shortest length encoding.
void appendFrame(std::string& out, WsOpcode opcode, std::string_view payload);
std::string encodeFrame(WsOpcode opcode, std::string_view payload);

// A close frame with the code and as much of reason as fits in a control frame
// (123 bytes), cut on a UTF-8 sequence boundary. kNoStatus gives an empty
// close payload, which is how "no code" is said on the wire.
std::string encodeClose(std::uint16_t code, std::string_view reason);

// Appends one masked (client) frame. maskKey is written big-endian, so
// 0x37fa213d goes on the wire as 37 fa 21 3d. fin=false starts or continues a
// fragmented message.
void appendMaskedFrame(std::string& out, WsOpcode opcode, std::string_view payload, std::uint32_t maskKey,
                       bool fin = true);

// XORs data with the 4-byte mask key (as it appears on the wire), starting at
// position `offset` of the masked payload, so a payload can be unmasked in
// pieces. Masking and unmasking are the same operation.
void applyMask(char* data, std::size_t size, std::array<std::uint8_t, 4> key,
               std::size_t offset = 0) noexcept;

}  // namespace streamgate::net
