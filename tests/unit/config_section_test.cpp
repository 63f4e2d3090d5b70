#include "streamgate/config_section.h"

#include <gtest/gtest.h>
#include <stdlib.h>

namespace streamgate {
namespace {

ConfigSection parseOk(std::string_view text, std::string path = "plugins.test") {
  auto section = ConfigSection::parse(text, std::move(path));
  EXPECT_TRUE(section.hasValue()) << section.status().toString();
  return std::move(section).value();
}

TEST(ConfigSectionTest, ReadsTypedValues) {
  auto section = parseOk("name: alpha\ncount: 12\nflag: yes\nwait: 250ms\nsize: 64KiB\nlist: [a, b]\n");
  EXPECT_EQ(section.getString("name", ""), "alpha");
  EXPECT_EQ(section.getInt("count", 0, 0, 100), 12);
  EXPECT_TRUE(section.getBool("flag", false));
  EXPECT_EQ(section.getDuration("wait", {}), std::chrono::milliseconds(250));
  EXPECT_EQ(section.getBytes("size", 0), 64u * 1024u);
  EXPECT_EQ(section.getStringList("list"), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(section.status().isOk()) << section.status().toString();
}

TEST(ConfigSectionTest, AbsentKeysGiveDefaults) {
  auto section = parseOk("");
  EXPECT_EQ(section.getString("name", "dflt"), "dflt");
  EXPECT_EQ(section.getInt("count", 7, 0, 10), 7);
  EXPECT_EQ(section.getDuration("wait", std::chrono::seconds(3)), std::chrono::seconds(3));
  EXPECT_TRUE(section.status().isOk());
}

TEST(ConfigSectionTest, UnknownKeyIsNamedWithItsFullPath) {
  auto section = parseOk("url: x\nurll: y\n");
  section.getString("url", "");
  const auto status = section.status();
  EXPECT_EQ(status.code(), Code::kInvalidArgument);
  EXPECT_EQ(status.message(), "plugins.test.urll: unknown key");
}

TEST(ConfigSectionTest, UnknownKeyInChildIsNamed) {
  auto section = parseOk("retention:\n  max_streams: 3\n  max_bites: 4\n");
  auto retention = section.child("retention");
  retention.getInt("max_streams", 0, 0, 10);
  EXPECT_EQ(section.status().message(), "plugins.test.retention.max_bites: unknown key");
}

TEST(ConfigSectionTest, WrongTypesAreNamed) {
  {
    auto section = parseOk("count: many\n");
    section.getInt("count", 0, 0, 10);
    EXPECT_EQ(section.status().message(), "plugins.test.count: expected an integer, got \"many\"");
  }
  {
    auto section = parseOk("count: 11\n");
    section.getInt("count", 0, 0, 10);
    EXPECT_EQ(section.status().message(), "plugins.test.count: 11 is out of range [0, 10]");
  }
  {
    auto section = parseOk("name: [a]\n");
    section.getString("name", "");
    EXPECT_EQ(section.status().message(), "plugins.test.name: expected a single value, got a list");
  }
  {
    auto section = parseOk("child: 3\n");
    section.child("child");
    EXPECT_EQ(section.status().message(), "plugins.test.child: expected a mapping, got \"3\"");
  }
  {
    auto section = parseOk("list: [a, [b]]\n");
    section.getStringList("list");
    EXPECT_EQ(section.status().message(), "plugins.test.list[1]: expected a single value, got a list");
  }
  {
    auto section = parseOk("flag: maybe\n");
    section.getBool("flag", false);
    EXPECT_EQ(section.status().message(), "plugins.test.flag: expected true or false, got \"maybe\"");
  }
}

TEST(ConfigSectionTest, DuplicateKeyIsAnError) {
  auto section = parseOk("url: a\nurl: b\n");
  section.getString("url", "");
  EXPECT_EQ(section.status().message(), "plugins.test.url: duplicate key");
}

TEST(ConfigSectionTest, FirstErrorWins) {
  auto section = parseOk("a: x\nb: y\n");
  section.getInt("a", 0, 0, 1);
  section.getInt("b", 0, 0, 1);
  EXPECT_EQ(section.status().message(), "plugins.test.a: expected an integer, got \"x\"");
}

TEST(ConfigSectionTest, SyntaxErrorNamesLine) {
  auto section = ConfigSection::parse("a: 1\nb: [unclosed\n", "");
  ASSERT_FALSE(section.hasValue());
  EXPECT_NE(section.error().message().find("YAML syntax error at line"), std::string::npos)
      << section.error().message();
}

TEST(ConfigSectionTest, TopLevelMustBeAMapping) {
  auto section = ConfigSection::parse("- a\n- b\n", "plugins.memory");
  ASSERT_FALSE(section.hasValue());
  EXPECT_EQ(section.error().message(), "plugins.memory: expected a mapping, got a list");
}

TEST(ConfigSectionTest, SubstitutesEnvironment) {
  ::setenv("SG_TEST_HOST", "10.1.2.3", 1);
  ::unsetenv("SG_TEST_UNSET");
  ::setenv("SG_TEST_EMPTY", "", 1);
  auto section = parseOk(
      "a: ${SG_TEST_HOST}:6379\nb: ${SG_TEST_UNSET:-fallback}\nc: x${SG_TEST_UNSET}y\nd: $$HOME\n"
      "e: ${SG_TEST_EMPTY:-used}\nf: [\"${SG_TEST_HOST}\"]\n");
  EXPECT_EQ(section.getString("a", ""), "10.1.2.3:6379");
  EXPECT_EQ(section.getString("b", ""), "fallback");
  EXPECT_EQ(section.getString("c", ""), "xy");
  EXPECT_EQ(section.getString("d", ""), "$HOME");
  EXPECT_EQ(section.getString("e", ""), "used");
  EXPECT_EQ(section.getStringList("f"), std::vector<std::string>{"10.1.2.3"});
  EXPECT_TRUE(section.status().isOk());
}

TEST(ConfigSectionTest, BadSubstitutionIsAnError) {
  auto section = parseOk("a: ${UNTERMINATED\n");
  section.getString("a", "");
  EXPECT_EQ(section.status().message(), "plugins.test.a: unterminated ${ in \"${UNTERMINATED\"");
}

TEST(ConfigSectionTest, ChildYamlMarksKeyKnownAndRoundTrips) {
  auto section = parseOk("redis:\n  url: redis://h:1\n  db: 2\n");
  auto text = section.childYaml("redis");
  EXPECT_TRUE(section.status().isOk());
  auto child = parseOk(text, "plugins.redis");
  EXPECT_EQ(child.getString("url", ""), "redis://h:1");
  EXPECT_EQ(child.getInt("db", 0, 0, 15), 2);
  EXPECT_EQ(section.childYaml("absent"), "{}");
}

TEST(ConfigSectionTest, FailRecordsCallerValidation) {
  auto section = parseOk("url: ftp://x\n");
  section.getString("url", "");
  section.fail("url", "must start with redis://");
  EXPECT_EQ(section.status().message(), "plugins.test.url: must start with redis://");
}

TEST(DurationTest, ParsesUnits) {
  EXPECT_EQ(*parseDuration("0"), std::chrono::milliseconds(0));
  EXPECT_EQ(*parseDuration("15ms"), std::chrono::milliseconds(15));
  EXPECT_EQ(*parseDuration("2s"), std::chrono::seconds(2));
  EXPECT_EQ(*parseDuration("3m"), std::chrono::minutes(3));
  EXPECT_EQ(*parseDuration("4h"), std::chrono::hours(4));
  EXPECT_EQ(*parseDuration("1d"), std::chrono::hours(24));
  for (const char* bad : {"", "10", "s", "-1s", "1.5s", "10 s", "3w"}) {
    EXPECT_FALSE(parseDuration(bad).hasValue()) << bad;
  }
}

TEST(DurationTest, OverflowIsAnErrorNotAWrappedValue) {
  EXPECT_FALSE(parseDuration("55555555555555530s").hasValue());
  EXPECT_FALSE(parseDuration("9223372036854775807d").hasValue());
  EXPECT_TRUE(parseDuration("9223372036854775807ms").hasValue());
}

TEST(BytesTest, OverflowIsAnErrorNotAWrappedValue) {
  EXPECT_FALSE(parseBytes("18014398509481985KiB").hasValue()) << "would wrap to 1KiB";
  EXPECT_FALSE(parseBytes("17179869184GiB").hasValue());
  EXPECT_EQ(*parseBytes("17179869183GiB"), 17179869183ull << 30);
}

TEST(BytesTest, ParsesUnits) {
  EXPECT_EQ(*parseBytes("4096"), 4096u);
  EXPECT_EQ(*parseBytes("2KiB"), 2048u);
  EXPECT_EQ(*parseBytes("16MiB"), 16u << 20);
  EXPECT_EQ(*parseBytes("1GiB"), 1u << 30);
  for (const char* bad : {"", "KiB", "-1", "1KB", "1.5MiB"}) {
    EXPECT_FALSE(parseBytes(bad).hasValue()) << bad;
  }
}

}  // namespace
}  // namespace streamgate
