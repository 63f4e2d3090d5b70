#include "net/ws_handshake.h"

#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <gtest/gtest.h>

#include <sstream>

namespace streamgate::net {
namespace {

using Poco::Net::HTTPMessage;
using Poco::Net::HTTPRequest;

constexpr const char* kRfcKey = "dGhlIHNhbXBsZSBub25jZQ==";

HTTPRequest upgradeRequest() {
  HTTPRequest request(HTTPRequest::HTTP_GET, "/ws?token=abc", HTTPMessage::HTTP_1_1);
  request.setHost("server.example.com");
  request.set("Upgrade", "websocket");
  request.set("Connection", "Upgrade");
  request.set("Sec-WebSocket-Key", kRfcKey);
  request.set("Sec-WebSocket-Version", "13");
  return request;
}

// Expects request to be refused with code and a message that names what is
// wrong; returns the message.
std::string expectRefused(const HTTPRequest& request, Code code, std::string_view named) {
  const Status status = validateUpgrade(request);
  EXPECT_FALSE(status.isOk());
  EXPECT_EQ(status.code(), code) << status.toString();
  EXPECT_NE(status.message().find(named), std::string::npos) << status.toString();
  return status.message();
}

TEST(WsHandshakeTest, AcceptKeyMatchesTheRfcExample) {
  EXPECT_EQ(acceptKey(kRfcKey), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");                     // RFC 6455 1.3
  EXPECT_EQ(acceptKey("x3JJHMbDL1EzLkh9GBhXDw=="), "HSmrc0sMlYUkAGmm5OPpG2HaGWk=");  // RFC 6455 1.2
}

TEST(WsHandshakeTest, AcceptsAValidUpgrade) {
  const Status status = validateUpgrade(upgradeRequest());
  EXPECT_TRUE(status.isOk()) << status.toString();
}

TEST(WsHandshakeTest, TokensAreCaseInsensitiveAndMayBeListed) {
  auto request = upgradeRequest();
  request.set("Upgrade", "WebSocket");
  request.set("Connection", "keep-alive, UPGRADE");
  EXPECT_TRUE(validateUpgrade(request).isOk());
  request.set("Upgrade", "foo/2, websocket");
  request.set("Connection", "upgrade,keep-alive");
  EXPECT_TRUE(validateUpgrade(request).isOk());
}

TEST(WsHandshakeTest, RefusesOtherMethods) {
  auto request = upgradeRequest();
  request.setMethod(HTTPRequest::HTTP_POST);
  expectRefused(request, Code::kInvalidArgument, "GET");
}

TEST(WsHandshakeTest, RefusesOtherHttpVersions) {
  auto request = upgradeRequest();
  request.setVersion(HTTPMessage::HTTP_1_0);
  expectRefused(request, Code::kInvalidArgument, "HTTP/1.1");
}

TEST(WsHandshakeTest, RefusesAMissingOrWrongUpgradeHeader) {
  auto request = upgradeRequest();
  request.erase("Upgrade");
  expectRefused(request, Code::kInvalidArgument, "Upgrade header");
  request.set("Upgrade", "h2c");
  expectRefused(request, Code::kInvalidArgument, "\"h2c\"");
  request.set("Upgrade", "websockets");
  expectRefused(request, Code::kInvalidArgument, "Upgrade header");
}

TEST(WsHandshakeTest, RefusesAConnectionHeaderWithoutUpgrade) {
  auto request = upgradeRequest();
  request.erase("Connection");
  expectRefused(request, Code::kInvalidArgument, "Connection header");
  request.set("Connection", "keep-alive");
  expectRefused(request, Code::kInvalidArgument, "Connection header");
  request.set("Connection", "upgrades, keep-alive");  // a token, not a substring
  expectRefused(request, Code::kInvalidArgument, "Connection header");
}

TEST(WsHandshakeTest, RefusesOtherProtocolVersionsAsUnsupported) {
  auto request = upgradeRequest();
  request.set("Sec-WebSocket-Version", "8");
  expectRefused(request, Code::kUnsupported, "Sec-WebSocket-Version");
  request.erase("Sec-WebSocket-Version");
  expectRefused(request, Code::kUnsupported, "Sec-WebSocket-Version");
}

TEST(WsHandshakeTest, RefusesAMissingOrMalformedKey) {
  auto request = upgradeRequest();
  request.erase("Sec-WebSocket-Key");
  expectRefused(request, Code::kInvalidArgument, "Sec-WebSocket-Key");
  for (const char* key : {"", "dGhlIHNhbXBsZSBub25jZQ", "dGhlIHNhbXBsZSBub25jZQ=", "dGhlIHNhbXBsZSBub25j",
                          "dGhlIHNhbXBsZSBub25jZQ==AAAA", "dGhlIHNhbXBsZSBub25jZ===",
                          "dGhlIHNhbXBsZSBub25j*Q==", "dGhlIHNhbXBsZSBub25jZXM="}) {
    request.set("Sec-WebSocket-Key", key);
    expectRefused(request, Code::kInvalidArgument, "Sec-WebSocket-Key");
  }
}

TEST(WsHandshakeTest, LongHeaderValuesAreCutInMessages) {
  auto request = upgradeRequest();
  request.set("Sec-WebSocket-Key", std::string(10000, 'k'));
  EXPECT_LT(expectRefused(request, Code::kInvalidArgument, "Sec-WebSocket-Key").size(), 200u);
}

TEST(WsHandshakeTest, SwitchingProtocolsResponse) {
  const std::string response = switchingProtocolsResponse(acceptKey(kRfcKey));
  EXPECT_EQ(response,
            "HTTP/1.1 101 Switching Protocols\r\n"
            "Upgrade: websocket\r\n"
            "Connection: Upgrade\r\n"
            "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
            "\r\n");
  std::istringstream in(response);
  Poco::Net::HTTPResponse parsed;
  parsed.read(in);
  EXPECT_EQ(parsed.getStatus(), Poco::Net::HTTPResponse::HTTP_SWITCHING_PROTOCOLS);
  EXPECT_EQ(parsed.get("Sec-WebSocket-Accept"), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  EXPECT_FALSE(parsed.has("Sec-WebSocket-Protocol"));
  EXPECT_FALSE(parsed.has("Sec-WebSocket-Extensions"));
}

}  // namespace
}  // namespace streamgate::net
