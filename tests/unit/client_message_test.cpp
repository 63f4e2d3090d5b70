#include "gateway/client_message.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace streamgate::gateway {
namespace {

template <class T>
T parseAs(std::string_view json) {
  auto message = parseClientMessage(json);
  EXPECT_TRUE(message.hasValue()) << json << ": " << message.status().toString();
  if (!message.hasValue()) return T{};
  EXPECT_TRUE(std::holds_alternative<T>(*message)) << json << ": parsed as variant #" << message->index();
  return std::holds_alternative<T>(*message) ? std::get<T>(*message) : T{};
}

// The message of the kInvalidArgument the frame must be refused with.
std::string errorOf(std::string_view json) {
  auto message = parseClientMessage(json);
  EXPECT_FALSE(message.hasValue()) << json << " was accepted";
  if (message.hasValue()) return "";
  EXPECT_EQ(message.error().code(), Code::kInvalidArgument) << json;
  EXPECT_FALSE(message.error().message().empty()) << json;
  return message.error().message();
}

constexpr std::string_view kIdRule = "must be 1-128 characters of A-Z a-z 0-9 . _ : -";

// --- every message type, every field ---------------------------------------------

TEST(ClientMessageTest, Auth) {
  const auto auth = parseAs<AuthMessage>(R"({"type":"auth","token":"eyJhbGciOi.payload.sig"})");
  EXPECT_EQ(auth.token, "eyJhbGciOi.payload.sig");
}

TEST(ClientMessageTest, Subscribe) {
  const auto subscribe = parseAs<SubscribeMessage>(R"({"type":"subscribe","sessionId":"chat-42"})");
  EXPECT_EQ(subscribe.sessionId, "chat-42");
  EXPECT_FALSE(subscribe.sinceMessageId.has_value());
  EXPECT_EQ(subscribe.sinceIndex, -1);
}

TEST(ClientMessageTest, SubscribeSince) {
  const auto subscribe = parseAs<SubscribeMessage>(
      R"({"type":"subscribe","sessionId":"chat-42","since":{"messageId":"m-1","index":7}})");
  EXPECT_EQ(subscribe.sessionId, "chat-42");
  EXPECT_EQ(subscribe.sinceMessageId, "m-1");
  EXPECT_EQ(subscribe.sinceIndex, 7);
  EXPECT_EQ(parseAs<SubscribeMessage>(
                R"({"type":"subscribe","sessionId":"s","since":{"messageId":"m","index":-1}})")
                .sinceIndex,
            -1);
}

TEST(ClientMessageTest, Chat) {
  const auto chat = parseAs<ChatMessage>(
      R"({"type":"chat","sessionId":"s.1","requestId":"q:1","content":"Hello \"you\"\n"})");
  EXPECT_EQ(chat.sessionId, "s.1");
  EXPECT_EQ(chat.requestId, "q:1");
  EXPECT_EQ(chat.content, "Hello \"you\"\n");
  EXPECT_FALSE(chat.demo.chunks.has_value());
  EXPECT_FALSE(chat.demo.intervalMs.has_value());
  EXPECT_FALSE(chat.demo.stamp);
}

TEST(ClientMessageTest, ChatWithEmptyContent) {
  EXPECT_EQ(parseAs<ChatMessage>(R"({"type":"chat","sessionId":"s","requestId":"q","content":""})").content,
            "");
}

TEST(ClientMessageTest, ChatWithDemoOverride) {
  const auto chat = parseAs<ChatMessage>(R"({"type":"chat","sessionId":"s","requestId":"q","content":"hi",)"
                                         R"("demo":{"chunks":500,"intervalMs":0,"stamp":true}})");
  EXPECT_EQ(chat.demo.chunks, 500);
  EXPECT_EQ(chat.demo.intervalMs, 0);
  EXPECT_TRUE(chat.demo.stamp);

  const auto some = parseAs<ChatMessage>(
      R"({"type":"chat","sessionId":"s","requestId":"q","content":"hi","demo":{"stamp":false}})");
  EXPECT_FALSE(some.demo.chunks.has_value());
  EXPECT_FALSE(some.demo.intervalMs.has_value());
  EXPECT_FALSE(some.demo.stamp);
  EXPECT_EQ(parseAs<ChatMessage>(R"({"type":"chat","sessionId":"s","requestId":"q","content":"","demo":{}})")
                .demo.chunks,
            std::nullopt);
}

TEST(ClientMessageTest, Resume) {
  const auto resume =
      parseAs<ResumeMessage>(R"({"type":"resume","sessionId":"s","messageId":"m_9","lastChunkIndex":41})");
  EXPECT_EQ(resume.sessionId, "s");
  EXPECT_EQ(resume.messageId, "m_9");
  EXPECT_EQ(resume.lastChunkIndex, 41);
  EXPECT_EQ(parseAs<ResumeMessage>(R"({"type":"resume","sessionId":"s","messageId":"m","lastChunkIndex":-1})")
                .lastChunkIndex,
            -1);
}

TEST(ClientMessageTest, Cancel) {
  const auto cancel = parseAs<CancelMessage>(R"({"type":"cancel","sessionId":"s","messageId":"m"})");
  EXPECT_EQ(cancel.sessionId, "s");
  EXPECT_EQ(cancel.messageId, "m");
}

TEST(ClientMessageTest, Unsubscribe) {
  EXPECT_EQ(parseAs<UnsubscribeMessage>(R"({"type":"unsubscribe","sessionId":"s-2"})").sessionId, "s-2");
}

TEST(ClientMessageTest, Ping) {
  parseAs<PingMessage>(R"({"type":"ping"})");
  parseAs<PingMessage>(" \n{ \"type\" : \"ping\" }\t");
}

TEST(ClientMessageTest, FieldOrderDoesNotMatter) {
  const auto resume =
      parseAs<ResumeMessage>(R"({"lastChunkIndex":3,"messageId":"m","sessionId":"s","type":"resume"})");
  EXPECT_EQ(resume.lastChunkIndex, 3);
}

// --- ids --------------------------------------------------------------------------

TEST(ClientMessageTest, IdRules) {
  EXPECT_TRUE(isValidId("a"));
  EXPECT_TRUE(isValidId("AZaz09._:-"));
  EXPECT_TRUE(isValidId(std::string(128, 'x')));
  EXPECT_FALSE(isValidId(""));
  EXPECT_FALSE(isValidId(std::string(129, 'x')));
  EXPECT_FALSE(isValidId("a b"));
  EXPECT_FALSE(isValidId("a/b"));
  EXPECT_FALSE(isValidId("a\nb"));
  EXPECT_FALSE(isValidId("caf\xC3\xA9"));
  EXPECT_FALSE(isValidId(std::string("a\0b", 3)));
  EXPECT_FALSE(isValidId("*"));
  EXPECT_FALSE(isValidId("{session}"));
}

TEST(ClientMessageTest, LongestIdIsAccepted) {
  const std::string id(128, 'i');
  EXPECT_EQ(parseAs<UnsubscribeMessage>(R"({"type":"unsubscribe","sessionId":")" + id + "\"}").sessionId, id);
}

TEST(ClientMessageTest, BadIdsAreRefusedNamingTheField) {
  const std::string rule(kIdRule);
  const std::string tooLong(129, 'i');
  for (const std::string& bad : {std::string(""), tooLong, std::string("a b"), std::string("caf\xC3\xA9"),
                                 std::string("caf\\u00e9"), std::string("new\\nline"), std::string("a/b")}) {
    SCOPED_TRACE(bad);
    EXPECT_EQ(errorOf(R"({"type":"subscribe","sessionId":")" + bad + "\"}"), "\"sessionId\" " + rule);
    EXPECT_EQ(errorOf(R"({"type":"cancel","sessionId":"s","messageId":")" + bad + "\"}"),
              "\"messageId\" " + rule);
    EXPECT_EQ(errorOf(R"({"type":"chat","sessionId":"s","requestId":")" + bad + R"(","content":""})"),
              "\"requestId\" " + rule);
    EXPECT_EQ(errorOf(R"({"type":"resume","sessionId":"s","messageId":")" + bad + R"(","lastChunkIndex":0})"),
              "\"messageId\" " + rule);
    EXPECT_EQ(
        errorOf(R"({"type":"subscribe","sessionId":"s","since":{"messageId":")" + bad + R"(","index":0}})"),
        "since: \"messageId\" " + rule);
  }
}

// --- errors -------------------------------------------------------------------------

TEST(ClientMessageTest, UnknownType) {
  EXPECT_EQ(errorOf(R"({"type":"subscrbe","sessionId":"s"})"), "unknown message type \"subscrbe\"");
  EXPECT_EQ(errorOf(R"({"type":""})"), "unknown message type \"\"");
  EXPECT_EQ(errorOf(R"({"type":"PING"})"), "unknown message type \"PING\"");
}

TEST(ClientMessageTest, MissingOrNonStringType) {
  EXPECT_EQ(errorOf(R"({"sessionId":"s"})"), "missing \"type\"");
  EXPECT_EQ(errorOf(R"({})"), "missing \"type\"");
  EXPECT_EQ(errorOf(R"({"type":1})"), "\"type\" must be a string");
  EXPECT_EQ(errorOf(R"({"type":null})"), "\"type\" must be a string");
  EXPECT_EQ(errorOf(R"({"type":["ping"]})"), "\"type\" must be a string");
}

TEST(ClientMessageTest, UnknownFields) {
  EXPECT_EQ(errorOf(R"({"type":"ping","id":1})"), "unknown field \"id\" in ping");
  EXPECT_EQ(errorOf(R"({"type":"subscribe","sessionID":"s"})"), "unknown field \"sessionID\" in subscribe");
  EXPECT_EQ(errorOf(R"({"type":"chat","sessionId":"s","requestId":"q","content":"","prompt":"x"})"),
            "unknown field \"prompt\" in chat");
  EXPECT_EQ(errorOf(R"({"type":"resume","sessionId":"s","messageId":"m","lastChunkIndex":0,"index":1})"),
            "unknown field \"index\" in resume");
  EXPECT_EQ(errorOf(R"({"type":"cancel","sessionId":"s","messageId":"m","requestId":"q"})"),
            "unknown field \"requestId\" in cancel");
  EXPECT_EQ(errorOf(R"({"type":"unsubscribe","sessionId":"s","all":true})"),
            "unknown field \"all\" in unsubscribe");
  EXPECT_EQ(errorOf(R"({"type":"auth","token":"t","user":"u"})"), "unknown field \"user\" in auth");
  EXPECT_EQ(errorOf(R"({"type":"subscribe","sessionId":"s","since":{"messageId":"m","index":0,"x":1}})"),
            "unknown field \"x\" in since");
  EXPECT_EQ(errorOf(R"({"type":"chat","sessionId":"s","requestId":"q","content":"","demo":{"chunk":3}})"),
            "unknown field \"chunk\" in demo");
}

// "type" belongs to the message, not to the objects nested in it.
TEST(ClientMessageTest, TypeIsAnUnknownFieldInNestedObjects) {
  EXPECT_EQ(
      errorOf(R"({"type":"subscribe","sessionId":"s","since":{"type":"since","messageId":"m","index":0}})"),
      "unknown field \"type\" in since");
  EXPECT_EQ(errorOf(R"({"type":"chat","sessionId":"s","requestId":"q","content":"","demo":{"type":"x"}})"),
            "unknown field \"type\" in demo");
}

TEST(ClientMessageTest, MissingFields) {
  EXPECT_EQ(errorOf(R"({"type":"auth"})"), "missing \"token\"");
  EXPECT_EQ(errorOf(R"({"type":"subscribe"})"), "missing \"sessionId\"");
  EXPECT_EQ(errorOf(R"({"type":"chat","requestId":"q","content":""})"), "missing \"sessionId\"");
  EXPECT_EQ(errorOf(R"({"type":"chat","sessionId":"s","content":""})"), "missing \"requestId\"");
  EXPECT_EQ(errorOf(R"({"type":"chat","sessionId":"s","requestId":"q"})"), "missing \"content\"");
  EXPECT_EQ(errorOf(R"({"type":"resume","sessionId":"s","messageId":"m"})"), "missing \"lastChunkIndex\"");
  EXPECT_EQ(errorOf(R"({"type":"resume","sessionId":"s","lastChunkIndex":0})"), "missing \"messageId\"");
  EXPECT_EQ(errorOf(R"({"type":"cancel","sessionId":"s"})"), "missing \"messageId\"");
  EXPECT_EQ(errorOf(R"({"type":"unsubscribe"})"), "missing \"sessionId\"");
}

TEST(ClientMessageTest, SinceNeedsMessageIdAndIndex) {
  EXPECT_EQ(errorOf(R"({"type":"subscribe","sessionId":"s","since":{"index":3}})"),
            "since: missing \"messageId\"");
  EXPECT_EQ(errorOf(R"({"type":"subscribe","sessionId":"s","since":{"messageId":"m"}})"),
            "since: missing \"index\"");
  EXPECT_EQ(errorOf(R"({"type":"subscribe","sessionId":"s","since":{}})"), "since: missing \"messageId\"");
  EXPECT_EQ(errorOf(R"({"type":"subscribe","sessionId":"s","since":"m-1"})"), "\"since\" must be an object");
  EXPECT_EQ(errorOf(R"({"type":"subscribe","sessionId":"s","since":null})"), "\"since\" must be an object");
  EXPECT_EQ(errorOf(R"({"type":"subscribe","sessionId":"s","since":{"messageId":"m","index":-2}})"),
            "since: \"index\" must be >= -1");
  EXPECT_EQ(errorOf(R"({"type":"subscribe","sessionId":"s","since":{"messageId":"m","index":"3"}})"),
            "since: \"index\" must be an integer");
}

TEST(ClientMessageTest, WrongTypes) {
  EXPECT_EQ(errorOf(R"({"type":"subscribe","sessionId":42})"), "\"sessionId\" must be a string");
  EXPECT_EQ(errorOf(R"({"type":"subscribe","sessionId":null})"), "\"sessionId\" must be a string");
  EXPECT_EQ(errorOf(R"({"type":"subscribe","sessionId":["s"]})"), "\"sessionId\" must be a string");
  EXPECT_EQ(errorOf(R"({"type":"chat","sessionId":"s","requestId":"q","content":7})"),
            "\"content\" must be a string");
  EXPECT_EQ(errorOf(R"({"type":"chat","sessionId":"s","requestId":"q","content":{"text":"hi"}})"),
            "\"content\" must be a string");
  EXPECT_EQ(errorOf(R"({"type":"auth","token":true})"), "\"token\" must be a string");
  EXPECT_EQ(errorOf(R"({"type":"auth","token":""})"), "\"token\" is empty");
  for (const std::string& value :
       std::vector<std::string>{"\"3\"", "3.5", "1e2", "true", "null", "[3]", "{}"}) {
    SCOPED_TRACE(value);
    EXPECT_EQ(errorOf(R"({"type":"resume","sessionId":"s","messageId":"m","lastChunkIndex":)" + value + "}"),
              "\"lastChunkIndex\" must be an integer");
  }
  EXPECT_EQ(errorOf(R"({"type":"subscribe","sessionId":"s","since":{"messageId":"m","index":true}})"),
            "since: \"index\" must be an integer");
  EXPECT_EQ(
      errorOf(R"({"type":"chat","sessionId":"s","requestId":"q","content":"","demo":{"chunks":false}})"),
      "demo: \"chunks\" must be an integer");
  EXPECT_EQ(errorOf(R"({"type":"chat","sessionId":"s","requestId":"q","content":"","demo":[1]})"),
            "\"demo\" must be an object");
  EXPECT_EQ(errorOf(R"({"type":"chat","sessionId":"s","requestId":"q","content":"","demo":{"chunks":"5"}})"),
            "demo: \"chunks\" must be an integer");
  EXPECT_EQ(
      errorOf(R"({"type":"chat","sessionId":"s","requestId":"q","content":"","demo":{"intervalMs":0.5}})"),
      "demo: \"intervalMs\" must be an integer");
}

TEST(ClientMessageTest, DemoStampMustBeBoolean) {
  for (const std::string& value : std::vector<std::string>{"1", "0", "\"true\"", "null", "{}"}) {
    SCOPED_TRACE(value);
    EXPECT_EQ(errorOf(R"({"type":"chat","sessionId":"s","requestId":"q","content":"","demo":{"stamp":)" +
                      value + "}}"),
              "\"demo.stamp\" must be true or false");
  }
}

TEST(ClientMessageTest, NumbersBelowTheirMinimum) {
  EXPECT_EQ(errorOf(R"({"type":"resume","sessionId":"s","messageId":"m","lastChunkIndex":-2})"),
            "\"lastChunkIndex\" must be >= -1");
  EXPECT_EQ(errorOf(R"({"type":"chat","sessionId":"s","requestId":"q","content":"","demo":{"chunks":-1}})"),
            "demo: \"chunks\" must be >= 0");
  EXPECT_EQ(
      errorOf(R"({"type":"chat","sessionId":"s","requestId":"q","content":"","demo":{"intervalMs":-5}})"),
      "demo: \"intervalMs\" must be >= 0");
}

TEST(ClientMessageTest, HugeNumbers) {
  const std::string resume = R"({"type":"resume","sessionId":"s","messageId":"m","lastChunkIndex":)";
  EXPECT_EQ(parseAs<ResumeMessage>(resume + "9223372036854775807}").lastChunkIndex, INT64_MAX);
  EXPECT_EQ(errorOf(resume + "-9223372036854775808}"), "\"lastChunkIndex\" must be >= -1");
  EXPECT_EQ(errorOf(resume + "-9223372036854775809}"), "\"lastChunkIndex\" must be >= -1");
  // Past int64 a number is refused, never wrapped or truncated (Poco 1.11
  // alone parses 2^64 as 0 and 2^64+1 as 1).
  for (const std::string& value :
       std::vector<std::string>{"9223372036854775808", "18446744073709551615", "18446744073709551616",
                                "18446744073709551617", "18446744073709551619"}) {
    EXPECT_EQ(errorOf(resume + value + "}"), "\"lastChunkIndex\" is out of range") << value;
  }
  const auto tooLong = errorOf(resume + "99999999999999999999999999999}");
  EXPECT_EQ(tooLong.rfind("malformed JSON", 0), 0u) << tooLong;
  EXPECT_NE(tooLong.find("99999999999999999999999999999"), std::string::npos) << tooLong;
  EXPECT_EQ(errorOf(resume + "1e300}"), "\"lastChunkIndex\" must be an integer");
  EXPECT_EQ(errorOf(R"({"type":"chat","sessionId":"s","requestId":"q","content":"",)"
                    R"("demo":{"chunks":18446744073709551616}})"),
            "demo: \"chunks\" is out of range");
  EXPECT_EQ(
      errorOf(
          R"({"type":"subscribe","sessionId":"s","since":{"messageId":"m","index":18446744073709551617}})"),
      "since: \"index\" is out of range");
}

TEST(ClientMessageTest, NotAnObject) {
  for (const std::string& json :
       std::vector<std::string>{"[]", R"(["ping"])", R"("ping")", "42", "true", "null", "", " \n",
                                "\x01\xff\xfe", "[{\"type\":\"ping\"}]"}) {
    SCOPED_TRACE(json);
    EXPECT_EQ(errorOf(json), "a message must be a JSON object");
  }
}

TEST(ClientMessageTest, MalformedJson) {
  for (const std::string& json :
       {std::string("{"), std::string(R"({"type":"ping")"), std::string(R"({"type":"ping",})"),
        std::string(R"({type:"ping"})"), std::string("{'type':'ping'}"), std::string(R"({"type":"pi)"),
        std::string(R"({"type":"ping"}})"), std::string("{\x01}"),
        std::string("{\"type\":\"ping\"\0}", 16)}) {
    SCOPED_TRACE(json);
    const auto error = errorOf(json);
    EXPECT_EQ(error.rfind("malformed JSON", 0), 0u) << error;
  }
}

TEST(ClientMessageTest, DeepNestingIsAnErrorNotACrash) {
  const std::string deep = R"({"type":"chat","sessionId":"s","requestId":"q","content":"","demo":)" +
                           std::string(64 * 1024, '[') + std::string(64 * 1024, ']') + "}";
  EXPECT_FALSE(parseClientMessage(deep).hasValue());
  EXPECT_FALSE(parseClientMessage(std::string(64 * 1024, '{')).hasValue());
}

}  // namespace
}  // namespace streamgate::gateway
