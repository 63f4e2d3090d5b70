#include "net/utf8_validator.h"

#include <array>
#include <cstring>

namespace streamgate::net {
namespace {

// Byte classes: which bytes behave the same in every state. The continuation
// range 80..BF is split where the second byte after E0, ED, F0 and F4 is
// restricted (overlongs, surrogates, > U+10FFFF).
enum ByteClass : std::uint8_t {
  kAscii,    // 00..7F
  kCont8,    // 80..8F
  kCont9,    // 90..9F
  kContAB,   // A0..BF
  kInvalid,  // C0, C1 (always overlong), F5..FF (beyond U+10FFFF)
  kLead2,    // C2..DF
  kLeadE0,   // E0: next A0..BF, else overlong
  kLead3,    // E1..EC, EE, EF
  kLeadED,   // ED: next 80..9F, else a surrogate
  kLeadF0,   // F0: next 90..BF, else overlong
  kLead4,    // F1..F3
  kLeadF4,   // F4: next 80..8F, else above U+10FFFF
  kClassCount,
};

// States besides Utf8Validator::kAccept and kReject: what the next byte must be.
enum State : std::uint8_t {
  kNeed1 = 2,  // one more 80..BF
  kNeed2,      // two more 80..BF
  kAfterE0,    // A0..BF, then one more
  kAfterED,    // 80..9F, then one more
  kNeed3,      // three more 80..BF
  kAfterF0,    // 90..BF, then two more
  kAfterF4,    // 80..8F, then two more
  kStateCount,
};

constexpr std::uint8_t classOf(int byte) {
  if (byte <= 0x7F) return kAscii;
  if (byte <= 0x8F) return kCont8;
  if (byte <= 0x9F) return kCont9;
  if (byte <= 0xBF) return kContAB;
  if (byte <= 0xC1) return kInvalid;
  if (byte <= 0xDF) return kLead2;
  if (byte == 0xE0) return kLeadE0;
  if (byte == 0xED) return kLeadED;
  if (byte <= 0xEF) return kLead3;
  if (byte == 0xF0) return kLeadF0;
  if (byte <= 0xF3) return kLead4;
  if (byte == 0xF4) return kLeadF4;
  return kInvalid;
}

constexpr std::array<std::uint8_t, 256> makeClasses() {
  std::array<std::uint8_t, 256> classes{};
  for (int byte = 0; byte < 256; ++byte) classes[byte] = classOf(byte);
  return classes;
}

using Transitions = std::array<std::uint8_t, std::size_t{kStateCount} * kClassCount>;

constexpr Transitions makeTransitions() {
  Transitions next{};
  for (auto& entry : next) entry = Utf8Validator::kReject;
  auto set = [&next](std::uint8_t from, std::uint8_t byteClass, std::uint8_t to) {
    next[from * kClassCount + byteClass] = to;
  };
  constexpr std::uint8_t kAccept = Utf8Validator::kAccept;
  set(kAccept, kAscii, kAccept);
  set(kAccept, kLead2, kNeed1);
  set(kAccept, kLeadE0, kAfterE0);
  set(kAccept, kLead3, kNeed2);
  set(kAccept, kLeadED, kAfterED);
  set(kAccept, kLeadF0, kAfterF0);
  set(kAccept, kLead4, kNeed3);
  set(kAccept, kLeadF4, kAfterF4);
  for (std::uint8_t c : {kCont8, kCont9, kContAB}) {
    set(kNeed1, c, kAccept);
    set(kNeed2, c, kNeed1);
    set(kNeed3, c, kNeed2);
  }
  set(kAfterE0, kContAB, kNeed1);
  set(kAfterED, kCont8, kNeed1);
  set(kAfterED, kCont9, kNeed1);
  set(kAfterF0, kCont9, kNeed2);
  set(kAfterF0, kContAB, kNeed2);
  set(kAfterF4, kCont8, kNeed2);
  return next;
}

constexpr std::array<std::uint8_t, 256> kClasses = makeClasses();
constexpr Transitions kTransitions = makeTransitions();
constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;

}  // namespace

bool Utf8Validator::feed(std::string_view data) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  const auto* const end = p + data.size();
  std::uint8_t state = state_;
  while (p != end) {
    if (state == kAccept) {
      // Chat text is mostly ASCII: skip it a word at a time, then bytewise up
      // to the first non-ASCII byte.
      while (end - p >= 8) {
        std::uint64_t word;
        std::memcpy(&word, p, sizeof word);
        if (word & kHighBits) break;
        p += 8;
      }
      while (p != end && *p < 0x80) ++p;
      if (p == end) break;
    }
    state = kTransitions[state * kClassCount + kClasses[*p++]];
    if (state == kReject) break;
  }
  state_ = state;
  return state != kReject;
}

bool isValidUtf8(std::string_view data) noexcept {
  Utf8Validator validator;
  return validator.feed(data) && validator.complete();
}

}  // namespace streamgate::net
