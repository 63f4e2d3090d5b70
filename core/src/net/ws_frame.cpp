#include "net/ws_frame.h"

#include <cstring>

namespace streamgate::net {
namespace {

constexpr std::uint8_t kFinBit = 0x80;
constexpr std::uint8_t kMaskBit = 0x80;
constexpr std::size_t kMaxCloseReason = kMaxControlPayload - 2;

// Writes the frame header into `header` and returns its length (without the
// mask key, which only clients add).
std::size_t writeHeader(char* header, WsOpcode opcode, std::size_t payloadSize, bool fin, bool masked) {
  header[0] = static_cast<char>((fin ? kFinBit : 0) | static_cast<std::uint8_t>(opcode));
  const std::uint8_t maskBit = masked ? kMaskBit : 0;
  if (payloadSize < 126) {
    header[1] = static_cast<char>(maskBit | payloadSize);
    return 2;
  }
  if (payloadSize <= 0xFFFF) {
    header[1] = static_cast<char>(maskBit | 126);
    header[2] = static_cast<char>(payloadSize >> 8);
    header[3] = static_cast<char>(payloadSize);
    return 4;
  }
  header[1] = static_cast<char>(maskBit | 127);
  const auto size64 = static_cast<std::uint64_t>(payloadSize);
  for (int i = 0; i < 8; ++i) header[2 + i] = static_cast<char>(size64 >> (56 - 8 * i));
  return 10;
}

}  // namespace

bool isValidCloseCode(std::uint16_t code) noexcept {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

std::size_t frameHeaderSize(std::size_t payloadSize) noexcept {
  return payloadSize < 126 ? 2 : payloadSize <= 0xFFFF ? 4 : 10;
}

void appendFrame(std::string& out, WsOpcode opcode, std::string_view payload) {
  char header[10];
  const std::size_t headerSize = writeHeader(header, opcode, payload.size(), true, false);
  out.reserve(out.size() + headerSize + payload.size());
  out.append(header, headerSize);
  out.append(payload);
}

std::string encodeFrame(WsOpcode opcode, std::string_view payload) {
  std::string out;
  appendFrame(out, opcode, payload);
  return out;
}

std::string encodeClose(std::uint16_t code, std::string_view reason) {
  if (code == ws_close::kNoStatus) return encodeFrame(WsOpcode::kClose, {});
  if (reason.size() > kMaxCloseReason) {
    std::size_t cut = kMaxCloseReason;
    // Back up over continuation bytes so the cut falls before a lead byte.
    while (cut > 0 && (static_cast<std::uint8_t>(reason[cut]) & 0xC0) == 0x80) --cut;
    reason = reason.substr(0, cut);
  }
  char payload[kMaxControlPayload];
  payload[0] = static_cast<char>(code >> 8);
  payload[1] = static_cast<char>(code);
  std::memcpy(payload + 2, reason.data(), reason.size());
  return encodeFrame(WsOpcode::kClose, std::string_view(payload, 2 + reason.size()));
}

void appendMaskedFrame(std::string& out, WsOpcode opcode, std::string_view payload, std::uint32_t maskKey,
                       bool fin) {
  char header[14];
  std::size_t headerSize = writeHeader(header, opcode, payload.size(), fin, true);
  const std::array<std::uint8_t, 4> key = {
      static_cast<std::uint8_t>(maskKey >> 24), static_cast<std::uint8_t>(maskKey >> 16),
      static_cast<std::uint8_t>(maskKey >> 8), static_cast<std::uint8_t>(maskKey)};
  std::memcpy(header + headerSize, key.data(), key.size());
  headerSize += key.size();
  const std::size_t start = out.size() + headerSize;
  out.reserve(start + payload.size());
  out.append(header, headerSize);
  out.append(payload);
  applyMask(out.data() + start, payload.size(), key);
}

void applyMask(char* data, std::size_t size, std::array<std::uint8_t, 4> key, std::size_t offset) noexcept {
  // The key repeated twice, rotated so byte j of every 8-byte block lines up
  // with payload position offset + j; blocks start at multiples of 8 (and so
  // of 4) from data, which keeps the alignment for every block.
  std::uint8_t pattern[8];
  for (std::size_t j = 0; j < 8; ++j) pattern[j] = key[(offset + j) & 3];
  std::uint64_t mask;
  std::memcpy(&mask, pattern, sizeof mask);

  std::size_t i = 0;
  // Four independent words per step so the compiler can keep them in flight.
  for (; i + 32 <= size; i += 32) {
    std::uint64_t words[4];
    std::memcpy(words, data + i, sizeof words);
    words[0] ^= mask;
    words[1] ^= mask;
    words[2] ^= mask;
    words[3] ^= mask;
    std::memcpy(data + i, words, sizeof words);
  }
  for (; i + 8 <= size; i += 8) {
    std::uint64_t word;
    std::memcpy(&word, data + i, sizeof word);
    word ^= mask;
    std::memcpy(data + i, &word, sizeof word);
  }
  for (; i < size; ++i) data[i] = static_cast<char>(data[i] ^ pattern[i & 7]);
}

}  // namespace streamgate::net
