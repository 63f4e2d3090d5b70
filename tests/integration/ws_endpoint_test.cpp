// The WebSocket endpoint's own rules, seen from a raw client: handshake
// errors, idle pings and timeouts, slow consumers, the echo endpoint.
#include <thread>

#include "node_fixture.h"
#include "raw_ws_client.h"

namespace streamgate::testing {
namespace {

using net::WsOpcode;

class WsEndpointTest : public NodeFixture {};

TEST_F(WsEndpointTest, BadUpgradeRequestsAreRefusedWithHttpErrors) {
  // Not an upgrade at all.
  EXPECT_EQ(httpGet(port_, "/ws").status, 400);
  RawWsClient client(port_, "/nowhere");
  EXPECT_FALSE(client.upgraded());
  EXPECT_EQ(client.response().rfind("HTTP/1.1 404", 0), 0u) << client.response();
}

TEST_F(WsEndpointTest, UpgradeAnswersWithTheAcceptKey) {
  RawWsClient client(port_);
  ASSERT_TRUE(client.upgraded()) << client.response();
  // RFC 6455 section 1.3's example key and answer.
  EXPECT_NE(client.response().find("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), std::string::npos)
      << client.response();
  RawFrame welcome;
  ASSERT_TRUE(client.receive(welcome));
  EXPECT_NE(welcome.payload.find(R"("type":"welcome")"), std::string::npos);
}

TEST_F(WsEndpointTest, UnmaskedClientFrameClosesWith1002) {
  RawWsClient client(port_);
  ASSERT_TRUE(client.upgraded());
  client.sendRaw(net::encodeFrame(WsOpcode::kText, R"({"type":"ping"})"));  // server-style: no mask
  EXPECT_EQ(client.drainUntilClose(5s), 1002);
}

TEST_F(WsEndpointTest, InvalidUtf8ClosesWith1007) {
  RawWsClient client(port_);
  ASSERT_TRUE(client.upgraded());
  client.sendText("\xc0\xaf");
  EXPECT_EQ(client.drainUntilClose(5s), 1007);
}

TEST_F(WsEndpointTest, FragmentedMessageWithPingInBetween) {
  RawWsClient client(port_);
  ASSERT_TRUE(client.upgraded());
  RawFrame frame;
  ASSERT_TRUE(client.receive(frame));  // welcome
  client.sendFrame(WsOpcode::kText, R"({"type":)", false);
  client.sendFrame(WsOpcode::kPing, "hi");
  client.sendFrame(WsOpcode::kContinuation, R"("ping"})", true);
  ASSERT_TRUE(client.receive(frame));
  EXPECT_EQ(frame.opcode, WsOpcode::kPong);
  EXPECT_EQ(frame.payload, "hi");
  ASSERT_TRUE(client.receive(frame));
  EXPECT_EQ(frame.payload, R"({"type":"pong"})");
}

TEST_F(WsEndpointTest, IdleClientIsPingedThenClosed) {
  start(nodeConfig("server:\n  ping_interval: 1s\n  idle_timeout: 3s\n"));
  RawWsClient client(port_);
  ASSERT_TRUE(client.upgraded());
  RawFrame frame;
  ASSERT_TRUE(client.receive(frame));  // welcome
  ASSERT_TRUE(client.receive(frame, 4s));
  EXPECT_EQ(frame.opcode, WsOpcode::kPing);
  // No pong, nothing at all: closed as idle.
  EXPECT_EQ(client.drainUntilClose(6s), 1001);
}

TEST_F(WsEndpointTest, ClientThatDoesNotReadIsClosedWith1013) {
  start(
      "auth:\n  mode: none\nserver:\n  max_send_queue_bytes: 64KiB\n"
      "upstream:\n  demo:\n    chunk_bytes: 4096\n    max_chunks: 100000\n");
  RawWsClient client(port_, "/ws", 4096);
  ASSERT_TRUE(client.upgraded());
  client.sendText(
      R"({"type":"chat","sessionId":"slow","requestId":"r","content":"x","demo":{"chunks":20000,"intervalMs":0}})");
  // Read nothing while the server fills the socket buffers and then its queue.
  std::this_thread::sleep_for(3s);
  EXPECT_EQ(client.drainUntilClose(30s), 1013);
  // Counted once the socket is gone (after the close handshake times out).
  bool counted = false;
  for (int i = 0; i < 100 && !counted; ++i) {
    counted =
        httpGet(port_, "/metrics").body.find("streamgate_slow_consumers_closed_total 1") != std::string::npos;
    if (!counted) std::this_thread::sleep_for(50ms);
  }
  EXPECT_TRUE(counted);
}

TEST_F(WsEndpointTest, EchoEndpointEchoesTextAndBinary) {
  start(nodeConfig("server:\n  echo_path: /echo\n"));
  RawWsClient client(port_, "/echo");
  ASSERT_TRUE(client.upgraded()) << client.response();
  client.sendText("hello");
  client.sendFrame(WsOpcode::kBinary, std::string("\x00\x01\xff", 3));
  client.sendFrame(WsOpcode::kText, "frag", false);
  client.sendFrame(WsOpcode::kContinuation, "mented", true);
  RawFrame frame;
  ASSERT_TRUE(client.receive(frame));
  EXPECT_EQ(frame.opcode, WsOpcode::kText);
  EXPECT_EQ(frame.payload, "hello");
  ASSERT_TRUE(client.receive(frame));
  EXPECT_EQ(frame.opcode, WsOpcode::kBinary);
  EXPECT_EQ(frame.payload, std::string("\x00\x01\xff", 3));
  ASSERT_TRUE(client.receive(frame));
  EXPECT_EQ(frame.payload, "fragmented");
  client.sendFrame(WsOpcode::kClose, std::string("\x03\xe8", 2));  // 1000
  EXPECT_EQ(client.drainUntilClose(5s), 1000);
}

TEST_F(WsEndpointTest, EchoEndpointIsOffByDefault) {
  RawWsClient client(port_, "/echo");
  EXPECT_FALSE(client.upgraded());
}

}  // namespace
}  // namespace streamgate::testing
