#include "net/utf8_validator.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "reference_utf8.h"

namespace streamgate::net {
namespace {

using namespace std::string_literals;

// The textbook encoder, with no checks: it happily encodes surrogates, which
// is how the tests produce them.
std::string encode(std::uint32_t cp) {
  std::string out;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
  return out;
}

TEST(Utf8ValidatorTest, AcceptsValidText) {
  for (const std::string& text :
       {""s, "hello"s, "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5"s /* κόσμε */, "\x00"s, "\x7f"s,
        "\xc2\x80"s, "\xdf\xbf"s, "\xe0\xa0\x80"s, "\xed\x9f\xbf"s /* U+D7FF */, "\xee\x80\x80"s /* U+E000 */,
        "\xef\xbf\xbe"s /* U+FFFE */, "\xef\xbf\xbf"s, "\xf0\x90\x80\x80"s,
        "\xf4\x8f\xbf\xbf"s /* U+10FFFF */, "Grüße € 😀 done"s}) {
    EXPECT_TRUE(isValidUtf8(text)) << ::testing::PrintToString(text);
  }
}

TEST(Utf8ValidatorTest, RejectsMalformedText) {
  const std::vector<std::string> cases = {
      // overlong forms
      "\xc0\xaf"s, "\xc1\xbf"s, "\xe0\x80\xaf"s, "\xe0\x9f\xbf"s, "\xf0\x80\x80\xaf"s, "\xf0\x8f\xbf\xbf"s,
      "\xc0\x80"s,
      // UTF-16 surrogates, single and paired
      "\xed\xa0\x80"s, "\xed\xad\xbf"s, "\xed\xbf\xbf"s, "\xed\xa0\x80\xed\xb0\x80"s,
      // above U+10FFFF
      "\xf4\x90\x80\x80"s, "\xf5\x80\x80\x80"s, "\xf7\xbf\xbf\xbf"s, "\xf8\x88\x80\x80\x80"s, "\xfe"s,
      "\xff"s,
      // stray or missing continuation bytes
      "\x80"s, "\xbf"s, "a\x80"s, "\xc2\x41"s, "\xe2\x82\x41"s, "\xf0\x9f\x98\x41"s, "\xc2\xc2\x80"s,
      // truncated at the end
      "\xc2"s, "\xe2\x82"s, "\xf0\x9f\x98"s,
      // Autobahn 6.3.1: valid up to the surrogate
      "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80\x65\x64\x69\x74\x65\x64"s};
  for (const auto& text : cases) EXPECT_FALSE(isValidUtf8(text)) << ::testing::PrintToString(text);
}

TEST(Utf8ValidatorTest, FailsAtTheFirstImpossibleByte) {
  // Each prefix already rules out every completion.
  for (const std::string& prefix :
       {"\xc0"s, "\xe0\x80"s, "\xed\xa0"s, "\xf0\x8f"s, "\xf4\x90"s, "\xf5"s, "ok \x80"s, "\xe2\x82\x41"s}) {
    Utf8Validator validator;
    EXPECT_FALSE(validator.feed(prefix)) << ::testing::PrintToString(prefix);
    EXPECT_TRUE(validator.failed());
  }
}

TEST(Utf8ValidatorTest, StaysFailedUntilReset) {
  Utf8Validator validator;
  EXPECT_FALSE(validator.feed("\xff"));
  EXPECT_FALSE(validator.feed("plain ascii"));
  EXPECT_FALSE(validator.feed(""));
  EXPECT_FALSE(validator.complete());
  validator.reset();
  EXPECT_TRUE(validator.feed("plain ascii"));
  EXPECT_TRUE(validator.complete());
}

TEST(Utf8ValidatorTest, CompleteOnlyBetweenSequences) {
  Utf8Validator validator;
  EXPECT_TRUE(validator.complete());
  EXPECT_TRUE(validator.feed("\xe2"));
  EXPECT_FALSE(validator.complete());
  EXPECT_TRUE(validator.feed("\x82"));
  EXPECT_FALSE(validator.complete());
  EXPECT_TRUE(validator.feed("\xac"));
  EXPECT_TRUE(validator.complete());
  EXPECT_FALSE(validator.failed());
}

TEST(Utf8ValidatorTest, EverySplitGivesTheSameAnswer) {
  const std::vector<std::string> texts = {"a\xc3\xa9z \xe2\x82\xac\xf0\x9f\x98\x80!"s, "abc\xed\xa0\x80xyz"s,
                                          "\xf4\x8f\xbf\xbf\xf4\x90\x80\x80"s, "12345678\xe0\xa0"s};
  for (const auto& text : texts) {
    const bool whole = isValidUtf8(text);
    EXPECT_EQ(whole, testing::referenceUtf8(text));
    for (std::size_t a = 0; a <= text.size(); ++a) {
      for (std::size_t b = a; b <= text.size(); ++b) {
        Utf8Validator validator;
        const bool fed = validator.feed(std::string_view(text).substr(0, a)) &&
                         validator.feed(std::string_view(text).substr(a, b - a)) &&
                         validator.feed(std::string_view(text).substr(b));
        EXPECT_EQ(fed && validator.complete(), whole)
            << ::testing::PrintToString(text) << " at " << a << "," << b;
      }
    }
  }
}

TEST(Utf8ValidatorTest, AsciiFastPathSeesABadByteAtAnyOffset) {
  for (std::size_t offset = 0; offset < 40; ++offset) {
    for (std::size_t length = offset + 1; length < 48; length += 3) {
      std::string text(length, 'x');
      text[offset] = '\x80';
      EXPECT_FALSE(isValidUtf8(text)) << offset << "/" << length;
      text.replace(offset, 1, "\xe2\x82\xac");
      EXPECT_TRUE(isValidUtf8(text)) << offset << "/" << length;
      text.resize(offset + 2);  // ends inside the sequence
      EXPECT_FALSE(isValidUtf8(text)) << offset << "/" << length;
    }
  }
}

TEST(Utf8ValidatorTest, EveryCodePointExceptSurrogates) {
  for (std::uint32_t cp = 0; cp <= 0x10FFFF; ++cp) {
    const bool surrogate = cp >= 0xD800 && cp <= 0xDFFF;
    if (isValidUtf8(encode(cp)) == surrogate) FAIL() << std::hex << "U+" << cp;
  }
}

TEST(Utf8ValidatorTest, AgreesWithTheReferenceOnAllShortSequences) {
  // Every 1- and 2-byte string, and every 3-byte string led by a multi-byte
  // lead (the only ones with interesting structure).
  std::string text(2, '\0');
  for (int a = 0; a < 256; ++a) {
    const std::string one(1, static_cast<char>(a));
    ASSERT_EQ(isValidUtf8(one), testing::referenceUtf8(one)) << a;
    for (int b = 0; b < 256; ++b) {
      text[0] = static_cast<char>(a);
      text[1] = static_cast<char>(b);
      ASSERT_EQ(isValidUtf8(text), testing::referenceUtf8(text)) << a << "," << b;
    }
  }
  std::string three(3, '\0');
  for (int a = 0xC0; a < 256; ++a) {
    for (int b = 0; b < 256; ++b) {
      for (int c = 0; c < 256; ++c) {
        three[0] = static_cast<char>(a);
        three[1] = static_cast<char>(b);
        three[2] = static_cast<char>(c);
        ASSERT_EQ(isValidUtf8(three), testing::referenceUtf8(three)) << a << "," << b << "," << c;
      }
    }
  }
}

}  // namespace
}  // namespace streamgate::net
