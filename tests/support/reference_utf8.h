// A UTF-8 decoder written from RFC 3629's prose, independent of the
// project's DFA (net::Utf8Validator): the reference the validator's unit
// tests and the codec's fuzz target compare it with. Slow and obvious.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>

namespace streamgate::testing {

// Decodes code point by code point and applies RFC 3629's rules to the value.
// partialOk: a sequence cut off by the end of s is fine if it could still be
// completed.
inline bool referenceUtf8(std::string_view s, bool partialOk = false) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto lead = static_cast<std::uint8_t>(s[i]);
    if (lead < 0x80) {
      ++i;
      continue;
    }
    const std::size_t length = (lead & 0xE0) == 0xC0   ? 2
                               : (lead & 0xF0) == 0xE0 ? 3
                               : (lead & 0xF8) == 0xF0 ? 4
                                                       : 0;
    if (length == 0) return false;
    if (i + length > s.size()) {
      if (!partialOk) return false;
      // Try completions built from the boundaries of every range that
      // matters (80, 8F, 90, 9F, A0, BF); any valid one will do.
      static constexpr std::uint8_t kTails[] = {0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF};
      const std::string have(s.substr(i));
      const std::size_t missing = i + length - s.size();
      std::size_t combos = 1;
      for (std::size_t k = 0; k < missing; ++k) combos *= std::size(kTails);
      for (std::size_t combo = 0; combo < combos; ++combo) {
        std::string candidate = have;
        for (std::size_t k = 0, c = combo; k < missing; ++k, c /= std::size(kTails)) {
          candidate += static_cast<char>(kTails[c % std::size(kTails)]);
        }
        if (referenceUtf8(candidate, false)) return true;
      }
      return false;
    }
    std::uint32_t cp = lead & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07);
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<std::uint8_t>(s[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (next & 0x3F);
    }
    const std::uint32_t minimum = length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000;
    if (cp < minimum || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += length;
  }
  return true;
}

}  // namespace streamgate::testing
