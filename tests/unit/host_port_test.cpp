#include "streamgate/host_port.h"

#include <gtest/gtest.h>

namespace streamgate {
namespace {

HostPort parseOk(std::string_view text, std::uint16_t defaultPort = 0) {
  auto parsed = parseHostPort(text, defaultPort);
  EXPECT_TRUE(parsed.hasValue()) << text << ": " << parsed.status().toString();
  return parsed.hasValue() ? *parsed : HostPort{};
}

// The refusal's message; every refusal is kInvalidArgument.
std::string refusal(std::string_view text, std::uint16_t defaultPort = 0) {
  auto parsed = parseHostPort(text, defaultPort);
  EXPECT_FALSE(parsed.hasValue()) << text << " was accepted as " << (parsed ? parsed->toString() : "");
  if (parsed.hasValue()) return "";
  EXPECT_EQ(parsed.error().code(), Code::kInvalidArgument) << parsed.error().toString();
  return parsed.error().message();
}

constexpr std::string_view kBadPort = "port must be a number from 1 to 65535";

TEST(HostPortTest, ParsesHostAndPort) {
  EXPECT_EQ(parseOk("redis.internal:6380"), (HostPort{"redis.internal", 6380}));
  EXPECT_EQ(parseOk("127.0.0.1:1"), (HostPort{"127.0.0.1", 1}));
  EXPECT_EQ(parseOk("h:65535"), (HostPort{"h", 65535}));
}

TEST(HostPortTest, ExplicitPortWinsOverDefault) { EXPECT_EQ(parseOk("h:7000", 6379), (HostPort{"h", 7000})); }

TEST(HostPortTest, MissingPortTakesTheDefault) {
  EXPECT_EQ(parseOk("redis", 6379), (HostPort{"redis", 6379}));
  EXPECT_EQ(parseOk("[::1]", 26379), (HostPort{"::1", 26379}));
}

TEST(HostPortTest, MissingPortWithoutDefaultIsRefused) {
  EXPECT_EQ(refusal("redis"), "address 'redis': missing port");
  EXPECT_EQ(refusal("[::1]"), "address '[::1]': missing port");
}

TEST(HostPortTest, BracketedIpv6) {
  EXPECT_EQ(parseOk("[::1]:6379"), (HostPort{"::1", 6379}));
  EXPECT_EQ(parseOk("[fe80::1:2]:26379"), (HostPort{"fe80::1:2", 26379}));
}

TEST(HostPortTest, Ipv6WithoutBracketsIsRefused) {
  EXPECT_EQ(refusal("::1:6379"), "address '::1:6379': IPv6 addresses go in brackets, e.g. [::1]:6379");
  EXPECT_EQ(refusal("fe80::1", 6379), "address 'fe80::1': IPv6 addresses go in brackets, e.g. [::1]:6379");
}

TEST(HostPortTest, MalformedBracketsAreRefused) {
  EXPECT_EQ(refusal("[::1:6379"), "address '[::1:6379': missing ']'");
  EXPECT_EQ(refusal("[::1]6379"), "address '[::1]6379': expected ':' after ']'");
}

TEST(HostPortTest, PortOutOfRangeIsRefused) {
  EXPECT_EQ(refusal("h:0"), "address 'h:0': " + std::string(kBadPort));
  EXPECT_EQ(refusal("h:0", 6379), "address 'h:0': " + std::string(kBadPort)) << "0 is not 'use the default'";
  EXPECT_EQ(refusal("h:65536"), "address 'h:65536': " + std::string(kBadPort));
  EXPECT_EQ(refusal("h:99999999999999999999"), "address 'h:99999999999999999999': " + std::string(kBadPort));
  EXPECT_EQ(refusal("[::1]:65536"), "address '[::1]:65536': " + std::string(kBadPort));
}

TEST(HostPortTest, NonNumericPortIsRefused) {
  EXPECT_EQ(refusal("h:redis"), "address 'h:redis': " + std::string(kBadPort));
  EXPECT_EQ(refusal("h:-1"), "address 'h:-1': " + std::string(kBadPort));
  EXPECT_EQ(refusal("h:+80"), "address 'h:+80': " + std::string(kBadPort));
  EXPECT_EQ(refusal("h: 80"), "address 'h: 80': " + std::string(kBadPort));
  EXPECT_EQ(refusal("h:", 6379), "address 'h:': " + std::string(kBadPort)) << "an empty port is not absent";
  EXPECT_EQ(refusal("[::1]:", 6379), "address '[::1]:': " + std::string(kBadPort));
}

TEST(HostPortTest, TrailingJunkAfterThePortIsRefused) {
  EXPECT_EQ(refusal("h:6379x"), "address 'h:6379x': " + std::string(kBadPort));
  EXPECT_EQ(refusal("h:6379 "), "address 'h:6379 ': " + std::string(kBadPort));
  EXPECT_EQ(refusal("h:6379/0"), "address 'h:6379/0': " + std::string(kBadPort));
  EXPECT_EQ(refusal("[::1]:6379:1"), "address '[::1]:6379:1': " + std::string(kBadPort));
}

TEST(HostPortTest, EmptyHostIsRefused) {
  EXPECT_EQ(refusal(""), "address '': empty host");
  EXPECT_EQ(refusal("", 6379), "address '': empty host");
  EXPECT_EQ(refusal(":6379"), "address ':6379': empty host");
  EXPECT_EQ(refusal("[]:6379"), "address '[]:6379': empty host");
}

TEST(HostPortTest, ToStringBracketsIpv6) {
  EXPECT_EQ((HostPort{"redis", 6379}).toString(), "redis:6379");
  EXPECT_EQ((HostPort{"127.0.0.1", 1}).toString(), "127.0.0.1:1");
  EXPECT_EQ((HostPort{"::1", 26379}).toString(), "[::1]:26379");
  EXPECT_EQ((HostPort{"fe80::1:2", 65535}).toString(), "[fe80::1:2]:65535");
}

TEST(HostPortTest, ToStringParsesBackToTheSameAddress) {
  for (const HostPort& address : {HostPort{"redis", 6379}, HostPort{"10.0.0.7", 26379}, HostPort{"::1", 7000},
                                  HostPort{"2001:db8::42", 1}}) {
    EXPECT_EQ(parseOk(address.toString()), address) << address.toString();
  }
}

}  // namespace
}  // namespace streamgate
