// Incremental UTF-8 validation for WebSocket text messages, which may arrive
// split anywhere (even inside a code point) across frames and reads.
//
// A small DFA over byte classes that accepts exactly the well-formed UTF-8 of
// Unicode (RFC 3629): no overlong forms, no surrogates U+D800..U+DFFF, nothing
// above U+10FFFF, no stray continuation bytes. It rejects at the first byte
// that cannot continue any valid sequence, so a bad message fails as soon as
// the offending byte is seen. Runs of ASCII are skipped 8 bytes at a time.
//
// Not thread-safe; one instance per message stream.
#pragma once

#include <cstdint>
#include <string_view>

namespace streamgate::net {

class Utf8Validator {
 public:
  // Validates the next piece of input. Returns false as soon as the input seen
  // so far can no longer be a prefix of valid UTF-8; after that it keeps
  // returning false until reset().
  bool feed(std::string_view data) noexcept;

  // True when the input so far is valid and does not end inside a sequence.
  bool complete() const noexcept { return state_ == kAccept; }
  bool failed() const noexcept { return state_ == kReject; }

  void reset() noexcept { state_ = kAccept; }

  // DFA states, public for the transition table in the .cpp.
  static constexpr std::uint8_t kAccept = 0;
  static constexpr std::uint8_t kReject = 1;

 private:
  std::uint8_t state_ = kAccept;
};

// Whole-string check, e.g. for a close reason.
bool isValidUtf8(std::string_view data) noexcept;

}  // namespace streamgate::net
