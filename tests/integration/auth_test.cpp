// JWT authentication on the upgrade and with an auth message, and session
// ownership between users.
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>
#include <Poco/Net/NetException.h>

#include "node_fixture.h"

namespace streamgate::testing {
namespace {

const std::string kSecret = "a-test-secret-of-at-least-32-bytes!!";

std::string tokenFor(const std::string& user, std::chrono::seconds validFor = 60s) {
  Poco::JWT::Token token;
  token.setSubject(user);
  token.setExpiration(Poco::Timestamp() + Poco::Timespan(validFor.count(), 0));
  Poco::JWT::Signer signer(kSecret);
  return signer.sign(token, Poco::JWT::Signer::ALGO_HS256);
}

class AuthTest : public NodeFixture {
 protected:
  void SetUp() override {
    start("auth:\n  mode: jwt\n  jwt:\n    hs256_secret: \"" + kSecret +
          "\"\nupstream:\n  demo:\n    chunks: 3\n    interval_ms: 1\n");
  }
};

TEST_F(AuthTest, TokenOnTheUpgradeAuthenticates) {
  WsClient client(port_, "/ws?token=" + tokenFor("alice"));
  auto welcome = client.receive();
  ASSERT_TRUE(welcome.has_value());
  EXPECT_EQ((*welcome)->getValue<std::string>("userId"), "alice");
  client.send(R"({"type":"subscribe","sessionId":"alice-1"})");
  EXPECT_TRUE(client.receiveType("subscribed").has_value());
}

TEST_F(AuthTest, InvalidTokenOnTheUpgradeIs401) {
  try {
    WsClient client(port_, "/ws?token=" + tokenFor("alice", -120s));
    FAIL() << "upgrade accepted an expired token";
  } catch (const Poco::Net::WebSocketException& error) {
    EXPECT_EQ(error.code(), Poco::Net::WebSocket::WS_ERR_UNAUTHORIZED) << error.displayText();
  }
}

TEST_F(AuthTest, AuthMessageFirstOtherwiseUnauthorized) {
  WsClient client(port_);
  auto welcome = client.receive();
  ASSERT_TRUE(welcome.has_value());
  EXPECT_FALSE((*welcome)->has("userId"));
  client.send(R"({"type":"subscribe","sessionId":"bob-1"})");
  auto refused = client.receiveType("error");
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ((*refused)->getValue<std::string>("code"), "unauthorized");

  client.send(R"({"type":"auth","token":"not.a.token"})");
  auto bad = client.receiveType("error");
  ASSERT_TRUE(bad.has_value());
  EXPECT_EQ((*bad)->getValue<std::string>("code"), "unauthorized");

  client.send(R"({"type":"auth","token":")" + tokenFor("bob") + R"("})");
  auto authenticated = client.receiveType("authenticated");
  ASSERT_TRUE(authenticated.has_value());
  EXPECT_EQ((*authenticated)->getValue<std::string>("userId"), "bob");
  client.send(R"({"type":"subscribe","sessionId":"bob-1"})");
  EXPECT_TRUE(client.receiveType("subscribed").has_value());
}

TEST_F(AuthTest, SessionsBelongToTheirFirstUser) {
  WsClient alice(port_, "/ws?token=" + tokenFor("alice"));
  ASSERT_TRUE(alice.receive().has_value());
  alice.send(R"({"type":"chat","sessionId":"owned","requestId":"r","content":"x"})");
  auto started = alice.receiveType("started");
  ASSERT_TRUE(started.has_value());
  const std::string messageId = (*started)->getValue<std::string>("messageId");

  WsClient mallory(port_, "/ws?token=" + tokenFor("mallory"));
  ASSERT_TRUE(mallory.receive().has_value());
  for (const std::string& attempt :
       {std::string(R"({"type":"subscribe","sessionId":"owned"})"),
        std::string(R"({"type":"chat","sessionId":"owned","requestId":"r2","content":"x"})"),
        R"({"type":"resume","sessionId":"owned","messageId":")" + messageId + R"(","lastChunkIndex":-1})",
        R"({"type":"cancel","sessionId":"owned","messageId":")" + messageId + R"("})"}) {
    mallory.send(attempt);
    auto error = mallory.receiveType("error");
    ASSERT_TRUE(error.has_value()) << attempt;
    EXPECT_EQ((*error)->getValue<std::string>("code"), "forbidden") << attempt;
    EXPECT_EQ((*error)->getValue<std::string>("sessionId"), "owned") << attempt;
  }
  // The error names the message a refused `since` asked for.
  mallory.send(
      R"({"type":"subscribe","sessionId":"owned","since":{"messageId":"a-long-message-id-0123456789","index":1}})");
  auto refused = mallory.receiveType("error");
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ((*refused)->getValue<std::string>("code"), "forbidden");
  EXPECT_EQ((*refused)->getValue<std::string>("messageId"), "a-long-message-id-0123456789");
  EXPECT_TRUE(alice.receiveType("complete").has_value());
}

}  // namespace
}  // namespace streamgate::testing
