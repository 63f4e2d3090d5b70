#include "gateway/server_frames.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <string>

#include "net/utf8_validator.h"

namespace streamgate::gateway {
namespace {

// Every frame must be one valid UTF-8 JSON object; returns it (null on failure).
Poco::JSON::Object::Ptr parse(const std::string& json) {
  EXPECT_TRUE(net::isValidUtf8(json)) << json;
  try {
    return Poco::JSON::Parser().parse(json).extract<Poco::JSON::Object::Ptr>();
  } catch (const Poco::Exception& error) {
    ADD_FAILURE() << "not a JSON object: " << json << ": " << error.displayText();
    return nullptr;
  }
}

std::string field(const Poco::JSON::Object::Ptr& object, const std::string& name) {
  return object->getValue<std::string>(name);
}

TEST(ServerFramesTest, Welcome) {
  const auto object = parse(welcomeJson("node-a-1", "node-a", "alice"));
  ASSERT_TRUE(object);
  EXPECT_EQ(field(object, "type"), "welcome");
  EXPECT_EQ(object->getValue<int>("protocol"), 1);
  EXPECT_EQ(field(object, "connectionId"), "node-a-1");
  EXPECT_EQ(field(object, "nodeId"), "node-a");
  EXPECT_EQ(field(object, "userId"), "alice");
  EXPECT_EQ(object->size(), 5u);

  const auto anonymous = parse(welcomeJson("c", "n", ""));
  ASSERT_TRUE(anonymous);
  EXPECT_FALSE(anonymous->has("userId")) << "absent until authenticated";
}

TEST(ServerFramesTest, SimpleFrames) {
  const auto pong = parse(pongJson());
  ASSERT_TRUE(pong);
  EXPECT_EQ(field(pong, "type"), "pong");
  EXPECT_EQ(pong->size(), 1u);

  const auto subscribed = parse(subscribedJson("chat-42"));
  ASSERT_TRUE(subscribed);
  EXPECT_EQ(field(subscribed, "type"), "subscribed");
  EXPECT_EQ(field(subscribed, "sessionId"), "chat-42");

  const auto unsubscribed = parse(unsubscribedJson("chat-42"));
  ASSERT_TRUE(unsubscribed);
  EXPECT_EQ(field(unsubscribed, "type"), "unsubscribed");
  EXPECT_EQ(field(unsubscribed, "sessionId"), "chat-42");

  const auto authenticated = parse(authenticatedJson("user \"7\""));
  ASSERT_TRUE(authenticated);
  EXPECT_EQ(field(authenticated, "type"), "authenticated");
  EXPECT_EQ(field(authenticated, "userId"), "user \"7\"");
}

TEST(ServerFramesTest, ErrorWithoutContext) {
  const auto object = parse(errorJson(error_code::kBadRequest, "missing \"sessionId\""));
  ASSERT_TRUE(object);
  EXPECT_EQ(field(object, "type"), "error");
  EXPECT_EQ(field(object, "code"), "bad_request");
  EXPECT_EQ(field(object, "message"), "missing \"sessionId\"");
  EXPECT_EQ(object->size(), 3u);
}

TEST(ServerFramesTest, ErrorWithContext) {
  const auto object = parse(errorJson(error_code::kStreamGap, "chunks 3..4 are lost", {"s", "m", "q"}));
  ASSERT_TRUE(object);
  EXPECT_EQ(field(object, "code"), "stream_gap");
  EXPECT_EQ(field(object, "sessionId"), "s");
  EXPECT_EQ(field(object, "messageId"), "m");
  EXPECT_EQ(field(object, "requestId"), "q");

  const auto partial = parse(errorJson(error_code::kForbidden, "not yours", {"s", {}, {}}));
  ASSERT_TRUE(partial);
  EXPECT_EQ(field(partial, "sessionId"), "s");
  EXPECT_FALSE(partial->has("messageId"));
  EXPECT_FALSE(partial->has("requestId"));
}

// Error messages quote what the client sent; that must not break the frame.
TEST(ServerFramesTest, HostileTextIsEscaped) {
  const std::string hostile = "\"},{\"type\":\"pong\n\\\x01\xFF\xC3";
  const auto object = parse(
      errorJson(error_code::kBadRequest, "unknown type \"" + hostile + "\"", {hostile, hostile, hostile}));
  ASSERT_TRUE(object);
  EXPECT_EQ(field(object, "type"), "error");
  EXPECT_EQ(object->size(), 6u);
  EXPECT_TRUE(parse(welcomeJson(hostile, hostile, hostile)));
  EXPECT_TRUE(parse(subscribedJson(hostile)));
  EXPECT_TRUE(parse(authenticatedJson(hostile)));
}

TEST(ServerFramesTest, ErrorCodesAreStable) {
  // Clients switch on these strings (docs/protocol.md).
  EXPECT_EQ(error_code::kBadRequest, "bad_request");
  EXPECT_EQ(error_code::kUnauthorized, "unauthorized");
  EXPECT_EQ(error_code::kForbidden, "forbidden");
  EXPECT_EQ(error_code::kNotFound, "not_found");
  EXPECT_EQ(error_code::kRateLimited, "rate_limited");
  EXPECT_EQ(error_code::kBackendUnavailable, "backend_unavailable");
  EXPECT_EQ(error_code::kStreamExpired, "stream_expired");
  EXPECT_EQ(error_code::kStreamGap, "stream_gap");
  EXPECT_EQ(error_code::kLimitExceeded, "limit_exceeded");
  EXPECT_EQ(error_code::kInternal, "internal");
}

}  // namespace
}  // namespace streamgate::gateway
