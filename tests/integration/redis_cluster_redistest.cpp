// Nodes on etc/redis.yaml against a real redis-server: streams cross nodes
// (live and resumed), and a node rides out Redis going away and coming back.
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <thread>

#include "node_fixture.h"
#include "redis_server.h"

namespace streamgate::testing {
namespace {

const std::string kSecret = "a-test-secret-of-at-least-32-bytes!!";

std::string tokenFor(const std::string& user) {
  Poco::JWT::Token token;
  token.setSubject(user);
  token.setExpiration(Poco::Timestamp() + Poco::Timespan(300, 0));
  Poco::JWT::Signer signer(kSecret);
  return signer.sign(token, Poco::JWT::Signer::ALGO_HS256);
}

class RedisClusterTest : public NodeFixture {
 protected:
  void SetUp() override {
    if (const auto reason = RedisServer::unavailableReason(); !reason.empty()) GTEST_SKIP() << reason;
    redis_.start();
    // etc/redis.yaml takes these from the environment, as a deployment would.
    ::setenv("REDIS_URL", redis_.url().c_str(), 1);
    ::setenv("REDIS_PASSWORD", redis_.password().c_str(), 1);
    ::setenv("JWT_SECRET", kSecret.c_str(), 1);
  }

  // extraYaml: top-level sections etc/redis.yaml does not have.
  std::unique_ptr<NodeProcess> startNode(const std::string& nodeId, const std::string& extraYaml = "") {
    std::filesystem::path config = std::string(STREAMGATE_SOURCE_DIR) + "/etc/redis.yaml";
    if (!extraYaml.empty()) {
      std::ifstream shipped(config);
      config = writeTempFile("redis-" + nodeId + ".yaml",
                             std::string(std::istreambuf_iterator<char>(shipped), {}) + extraYaml);
    }
    auto node = std::make_unique<NodeProcess>(config, freePort(), std::vector<std::string>{"--node-id", nodeId});
    EXPECT_TRUE(node->waitHealthy()) << node->log();
    return node;
  }

  // A client of `user` on `node`, past its welcome.
  static std::unique_ptr<WsClient> connectAs(const NodeProcess& node, const std::string& user) {
    auto client = std::make_unique<WsClient>(node.port(), "/ws?token=" + tokenFor(user));
    auto welcome = client->receive();
    EXPECT_TRUE(welcome && typeOf(*welcome) == "welcome");
    return client;
  }

  // Sends a chat and returns the started message id ("" when none came).
  static std::string startChat(WsClient& client, const std::string& session) {
    client.send(R"({"type":"chat","sessionId":")" + session + R"(","requestId":"r1","content":"hello"})");
    auto started = client.receiveType("started");
    return started ? (*started)->getValue<std::string>("messageId") : "";
  }

  // Polls GET /ready until it answers `status`.
  static bool waitReady(const NodeProcess& node, int status, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (httpGet(node.port(), "/ready").status == status) return true;
      std::this_thread::sleep_for(100ms);
    }
    return false;
  }

  RedisServer redis_;
};

TEST_F(RedisClusterTest, StreamFromNodeBIsLiveAndResumableOnNodeA) {
  auto nodeA = startNode("node-a");
  auto nodeB = startNode("node-b");

  // Watching on A before the stream starts on B: every chunk arrives live.
  auto watcher = connectAs(*nodeA, "alice");
  subscribe(*watcher, "cross-1");

  auto producer = connectAs(*nodeB, "alice");
  const std::string messageId = startChat(*producer, "cross-1");
  ASSERT_FALSE(messageId.empty());

  // The client on B reads the first five chunks, then "drops" and resumes on A.
  for (int i = 0; i < 5; ++i) {
    auto chunk = producer->receiveType("chunk");
    ASSERT_TRUE(chunk.has_value());
    ASSERT_EQ((*chunk)->getValue<std::int64_t>("index"), i);
  }
  producer->close();
  auto resumer = connectAs(*nodeA, "alice");
  resumer->send(R"({"type":"resume","sessionId":"cross-1","messageId":")" + messageId +
                R"(","lastChunkIndex":4})");
  std::vector<std::int64_t> resumed;
  EXPECT_EQ(collect(*resumer, resumed), "complete");
  EXPECT_EQ(resumed, range(5, 20));

  std::vector<std::int64_t> live;
  EXPECT_EQ(collect(*watcher, live), "complete");
  EXPECT_EQ(live, range(0, 20));
}

TEST_F(RedisClusterTest, ResumeOnAnotherNodeAfterTheStreamEnded) {
  auto nodeA = startNode("node-a");
  auto nodeB = startNode("node-b");
  auto producer = connectAs(*nodeB, "bob");
  producer->send(R"({"type":"chat","sessionId":"cross-2","requestId":"r1","content":"hello"})");
  std::string messageId;
  std::vector<std::int64_t> all;
  ASSERT_EQ(collect(*producer, all, &messageId), "complete");
  ASSERT_EQ(all, range(0, 20));

  auto resumer = connectAs(*nodeA, "bob");
  resumer->send(R"({"type":"resume","sessionId":"cross-2","messageId":")" + messageId +
                R"(","lastChunkIndex":-1})");
  std::vector<std::int64_t> resumed;
  EXPECT_EQ(collect(*resumer, resumed), "complete");
  EXPECT_EQ(resumed, range(0, 20));

  // Ownership is cluster-wide: another user may not read bob's session on either node.
  auto intruder = connectAs(*nodeA, "mallory");
  intruder->send(R"({"type":"subscribe","sessionId":"cross-2"})");
  auto refused = intruder->receiveType("error");
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ((*refused)->getValue<std::string>("code"), "forbidden");
}

TEST_F(RedisClusterTest, StreamOfAKilledNodeEndsInterruptedAndStaysResumable) {
  // Short leases so the surviving node's janitor notices the orphan quickly.
  const std::string fastLeases = "streams:\n  lease_ttl: 1s\n  janitor_interval: 300ms\n";
  auto nodeA = startNode("node-a", fastLeases);
  auto nodeB = startNode("node-b", fastLeases);
  auto watcher = connectAs(*nodeA, "dave");
  subscribe(*watcher, "orphan-1");

  auto producer = connectAs(*nodeB, "dave");
  const std::string messageId = startChat(*producer, "orphan-1");
  ASSERT_FALSE(messageId.empty());
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(producer->receiveType("chunk").has_value());
  ASSERT_EQ(nodeB->stop(SIGKILL), 128 + SIGKILL);

  // Whatever B stored reaches the watcher, then the janitor on A ends it.
  std::vector<std::int64_t> live;
  EXPECT_EQ(collect(*watcher, live, nullptr, 15s), "interrupted") << nodeA->log();
  ASSERT_GE(live.size(), 3u);
  EXPECT_EQ(live, range(0, static_cast<std::int64_t>(live.size())));

  auto resumer = connectAs(*nodeA, "dave");
  resumer->send(R"({"type":"resume","sessionId":"orphan-1","messageId":")" + messageId +
                R"(","lastChunkIndex":1})");
  std::vector<std::int64_t> resumed;
  EXPECT_EQ(collect(*resumer, resumed), "interrupted");
  EXPECT_EQ(resumed, range(2, static_cast<std::int64_t>(live.size())));
}

TEST_F(RedisClusterTest, NodeFailsFastWhileRedisIsDownAndRecoversByItself) {
  auto node = startNode("node-a");
  ASSERT_TRUE(waitReady(*node, 200, 5s)) << node->log();

  redis_.stop(SIGKILL);
  EXPECT_TRUE(waitReady(*node, 503, 5s)) << "/ready still 200 with Redis down";

  auto client = connectAs(*node, "carol");
  const auto asked = std::chrono::steady_clock::now();
  client->send(R"({"type":"chat","sessionId":"down-1","requestId":"r1","content":"hello"})");
  auto error = client->receiveType("error", 5s);
  ASSERT_TRUE(error.has_value()) << node->log();
  EXPECT_EQ((*error)->getValue<std::string>("code"), "backend_unavailable");
  EXPECT_LT(std::chrono::steady_clock::now() - asked, 3s) << "the error should come fast, not after timeouts pile up";

  redis_.start();
  ASSERT_TRUE(waitReady(*node, 200, 15s)) << node->log();
  auto later = connectAs(*node, "carol");
  later->send(R"({"type":"chat","sessionId":"down-2","requestId":"r1","content":"hello"})");
  std::vector<std::int64_t> indexes;
  EXPECT_EQ(collect(*later, indexes), "complete");
  EXPECT_EQ(indexes, range(0, 20));
}

}  // namespace
}  // namespace streamgate::testing
