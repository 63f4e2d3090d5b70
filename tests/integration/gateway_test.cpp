// Protocol v1 end to end: the real node binary on loopback, real WebSocket
// clients, the memory backends.
#include <gtest/gtest.h>
#include <signal.h>

#include <set>
#include <thread>

#include "node_fixture.h"

namespace streamgate::testing {
namespace {

using namespace std::chrono_literals;
using Poco::JSON::Object;

class GatewayTest : public NodeFixture {};

TEST_F(GatewayTest, WelcomeNamesConnectionNodeAndProtocol) {
  WsClient client(port_);
  auto welcome = client.receive();
  ASSERT_TRUE(welcome.has_value());
  EXPECT_EQ(typeOf(*welcome), "welcome");
  EXPECT_EQ((*welcome)->getValue<int>("protocol"), 1);
  EXPECT_EQ((*welcome)->getValue<std::string>("nodeId"), "node-a");
  EXPECT_EQ((*welcome)->getValue<std::string>("connectionId").rfind("node-a-", 0), 0u);
  EXPECT_EQ((*welcome)->getValue<std::string>("userId"), "anonymous");
}

TEST_F(GatewayTest, ChatStreamsEveryChunkInOrderThenComplete) {
  auto client = connect();
  subscribe(*client, "s1");
  client->send(R"({"type":"chat","sessionId":"s1","requestId":"r1","content":"hello"})");
  auto started = client->receiveType("started");
  ASSERT_TRUE(started.has_value());
  EXPECT_EQ((*started)->getValue<std::string>("requestId"), "r1");
  const std::string messageId = (*started)->getValue<std::string>("messageId");
  std::vector<std::int64_t> indexes;
  std::string chunkMessage;
  EXPECT_EQ(collect(*client, indexes, &chunkMessage), "complete");
  EXPECT_EQ(indexes, range(0, 10));
  EXPECT_EQ(chunkMessage, messageId);
}

TEST_F(GatewayTest, ChatWithoutSubscribeSubscribesImplicitly) {
  auto client = connect();
  client->send(R"({"type":"chat","sessionId":"s2","requestId":"r1","content":"hi","demo":{"chunks":3}})");
  std::vector<std::int64_t> indexes;
  EXPECT_EQ(collect(*client, indexes), "complete");
  EXPECT_EQ(indexes, range(0, 3));
}

TEST_F(GatewayTest, ChatIsIdempotentOnRequestId) {
  auto client = connect();
  subscribe(*client, "s3");
  const std::string chat =
      R"({"type":"chat","sessionId":"s3","requestId":"same","content":"x","demo":{"chunks":20,"intervalMs":5}})";
  client->send(chat);
  client->send(chat);
  std::vector<std::int64_t> indexes;
  EXPECT_EQ(collect(*client, indexes), "complete");
  EXPECT_EQ(indexes, range(0, 20)) << "one stream, each chunk once";
  // After it ended, the same request replays nothing new and starts nothing.
  client->send(chat);
  auto started = client->receiveType("started", 2s);
  ASSERT_TRUE(started.has_value());
}

TEST_F(GatewayTest, ResumeAfterTheEndSendsTheRest) {
  auto producer = connect();
  producer->send(R"({"type":"chat","sessionId":"s4","requestId":"r","content":"x"})");
  auto started = producer->receiveType("started");
  ASSERT_TRUE(started.has_value());
  const std::string messageId = (*started)->getValue<std::string>("messageId");
  std::vector<std::int64_t> all;
  ASSERT_EQ(collect(*producer, all), "complete");

  auto resumer = connect();
  resumer->send(R"({"type":"resume","sessionId":"s4","messageId":")" + messageId +
                R"(","lastChunkIndex":6})");
  std::vector<std::int64_t> rest;
  EXPECT_EQ(collect(*resumer, rest), "complete");
  EXPECT_EQ(rest, range(7, 10));
}

TEST_F(GatewayTest, ResumeWhileTheStreamRunsIsNeitherCutNorDoubled) {
  auto producer = connect();
  producer->send(
      R"({"type":"chat","sessionId":"s5","requestId":"r","content":"x","demo":{"chunks":200,"intervalMs":5}})");
  auto started = producer->receiveType("started");
  ASSERT_TRUE(started.has_value());
  const std::string messageId = (*started)->getValue<std::string>("messageId");
  // Let the stream get going, then resume from chunk 5 on another connection.
  std::vector<Object::Ptr> skipped;
  auto tenth = producer->receiveType("chunk");
  for (int i = 0; i < 9 && tenth; ++i) tenth = producer->receiveType("chunk");
  ASSERT_TRUE(tenth.has_value());

  auto resumer = connect();
  resumer->send(R"({"type":"resume","sessionId":"s5","messageId":")" + messageId +
                R"(","lastChunkIndex":5})");
  std::vector<std::int64_t> rest;
  EXPECT_EQ(collect(*resumer, rest), "complete");
  EXPECT_EQ(rest, range(6, 200));
}

TEST_F(GatewayTest, SubscribeSinceResumesTheMessage) {
  auto producer = connect();
  producer->send(R"({"type":"chat","sessionId":"s6","requestId":"r","content":"x"})");
  auto started = producer->receiveType("started");
  ASSERT_TRUE(started.has_value());
  const std::string messageId = (*started)->getValue<std::string>("messageId");
  std::vector<std::int64_t> all;
  ASSERT_EQ(collect(*producer, all), "complete");

  auto late = connect();
  late->send(R"({"type":"subscribe","sessionId":"s6","since":{"messageId":")" + messageId +
             R"(","index":2}})");
  std::vector<std::int64_t> rest;
  EXPECT_EQ(collect(*late, rest), "complete");
  EXPECT_EQ(rest, range(3, 10));
}

TEST_F(GatewayTest, SecondSubscriberGetsTheWholeStreamFromItsStart) {
  auto watcher = connect();
  subscribe(*watcher, "s7");
  auto producer = connect();
  producer->send(R"({"type":"chat","sessionId":"s7","requestId":"r","content":"x"})");
  std::vector<std::int64_t> seen;
  EXPECT_EQ(collect(*watcher, seen), "complete");
  EXPECT_EQ(seen, range(0, 10));
}

TEST_F(GatewayTest, CancelEndsTheStream) {
  auto client = connect();
  client->send(
      R"({"type":"chat","sessionId":"s8","requestId":"r","content":"x","demo":{"chunks":1000,"intervalMs":10}})");
  auto started = client->receiveType("started");
  ASSERT_TRUE(started.has_value());
  const std::string messageId = (*started)->getValue<std::string>("messageId");
  ASSERT_TRUE(client->receiveType("chunk").has_value());
  client->send(R"({"type":"cancel","sessionId":"s8","messageId":")" + messageId + R"("})");
  std::vector<std::int64_t> indexes;
  EXPECT_EQ(collect(*client, indexes), "cancelled");
  EXPECT_LT(indexes.size(), 999u);
}

TEST_F(GatewayTest, ResumeOfUnknownStreamSaysExpired) {
  auto client = connect();
  client->send(R"({"type":"resume","sessionId":"s9","messageId":"nope","lastChunkIndex":-1})");
  auto error = client->receiveType("error");
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ((*error)->getValue<std::string>("code"), "stream_expired");
  EXPECT_EQ((*error)->getValue<std::string>("messageId"), "nope");
}

TEST_F(GatewayTest, BadFramesGetErrorsAndTheConnectionStaysOpen) {
  auto client = connect();
  const std::pair<const char*, const char*> cases[] = {
      {"{not json", "malformed JSON"},
      {"[1,2]", "must be a JSON object"},
      {R"({"type":"teleport"})", "unknown message type"},
      {R"({"type":"subscribe"})", "missing \"sessionId\""},
      {R"({"type":"subscribe","sessionId":"a b"})", "sessionId"},
      {R"({"type":"subscribe","sessionId":"s","sinse":{}})", "unknown field \"sinse\""},
      {R"({"type":"resume","sessionId":"s","messageId":"m","lastChunkIndex":"3"})", "must be an integer"},
      {R"({"type":"chat","sessionId":"s","requestId":"r","content":"x","demo":{"chunks":99999999}})",
       "max_chunks"},
  };
  for (const auto& [frame, expected] : cases) {
    client->send(frame);
    auto error = client->receiveType("error");
    ASSERT_TRUE(error.has_value()) << frame;
    EXPECT_EQ((*error)->getValue<std::string>("code"), "bad_request") << frame;
    EXPECT_NE((*error)->getValue<std::string>("message").find(expected), std::string::npos)
        << frame << " -> " << (*error)->getValue<std::string>("message");
  }
  client->sendBinary("\x01\x02");
  auto binary = client->receiveType("error");
  ASSERT_TRUE(binary.has_value());
  EXPECT_NE((*binary)->getValue<std::string>("message").find("binary"), std::string::npos);
  client->send(R"({"type":"ping"})");
  EXPECT_TRUE(client->receiveType("pong").has_value());
}

TEST_F(GatewayTest, TooManyMessagesAreRateLimited) {
  start(nodeConfig("limits:\n  messages_per_second: 5\n  message_burst: 5\n"));
  auto client = connect();
  for (int i = 0; i < 20; ++i) client->send(R"({"type":"ping"})");
  int pongs = 0, limited = 0;
  for (int i = 0; i < 20; ++i) {
    auto frame = client->receive(2s);
    ASSERT_TRUE(frame.has_value());
    if (typeOf(*frame) == "pong") ++pongs;
    if (typeOf(*frame) == "error" && (*frame)->getValue<std::string>("code") == "rate_limited") ++limited;
  }
  EXPECT_GE(pongs, 5);
  EXPECT_LE(pongs, 7);
  EXPECT_EQ(pongs + limited, 20);
}

TEST_F(GatewayTest, OversizedMessageClosesWith1009) {
  start(nodeConfig("server:\n  max_message_bytes: 1KiB\n"));
  auto client = connect();
  client->send(std::string(4096, 'x'));
  EXPECT_FALSE(client->receive(3s).has_value());
  EXPECT_EQ(client->closeCode(), 1009);
}

TEST_F(GatewayTest, HealthReadyAndMetrics) {
  auto client = connect();
  client->send(R"({"type":"chat","sessionId":"h1","requestId":"r","content":"x"})");
  std::vector<std::int64_t> indexes;
  ASSERT_EQ(collect(*client, indexes), "complete");

  const auto ready = httpGet(port_, "/ready");
  EXPECT_EQ(ready.status, 200) << ready.body;
  EXPECT_NE(ready.body.find(R"("stream_store":"up")"), std::string::npos) << ready.body;

  const auto distributed = httpGet(port_, "/health/distributed");
  EXPECT_EQ(distributed.status, 200);
  EXPECT_NE(distributed.body.find(R"("nodeId":"node-a")"), std::string::npos) << distributed.body;
  EXPECT_NE(distributed.body.find(R"("localConnections":1)"), std::string::npos) << distributed.body;
  EXPECT_NE(distributed.body.find(R"("clusterConnections":{"node-a":1})"), std::string::npos)
      << distributed.body;
  EXPECT_NE(distributed.body.find(R"("plugin":"memory")"), std::string::npos) << distributed.body;

  const auto metrics = httpGet(port_, "/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("streamgate_chunks_delivered_total 10"), std::string::npos) << metrics.body;
  EXPECT_NE(metrics.body.find("streamgate_connections 1"), std::string::npos) << metrics.body;
}

TEST_F(GatewayTest, SigtermClosesClientsWith1001AndExitsZero) {
  auto client = connect();
  client->send(
      R"({"type":"chat","sessionId":"t1","requestId":"r","content":"x","demo":{"chunks":1000,"intervalMs":10}})");
  ASSERT_TRUE(client->receiveType("chunk").has_value());
  std::thread stopper([this] { EXPECT_EQ(node_->stop(SIGTERM), 0) << node_->log(); });
  std::vector<std::int64_t> indexes;
  const std::string end = collect(*client, indexes, nullptr, 15s);
  stopper.join();
  // The stream ends as interrupted (this node will not finish it), then the socket closes with 1001.
  EXPECT_EQ(end, "interrupted");
  EXPECT_FALSE(client->receive(5s).has_value());
  EXPECT_EQ(client->closeCode(), 1001);
}

}  // namespace
}  // namespace streamgate::testing
