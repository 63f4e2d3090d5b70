// Nodes on etc/redis.yaml against a real redis-server: streams cross nodes
// (live and resumed), and a node rides out Redis going away and coming back.
#include "cluster_fixture.h"
#include "redis_server.h"

namespace streamgate::testing {
namespace {

class RedisClusterTest : public ClusterFixture {
 protected:
  void SetUp() override {
    if (const auto reason = RedisServer::unavailableReason(); !reason.empty()) GTEST_SKIP() << reason;
    ClusterFixture::SetUp();
    redis_.start();
    ::setenv("REDIS_URL", redis_.url().c_str(), 1);
    ::setenv("REDIS_PASSWORD", redis_.password().c_str(), 1);
  }

  static std::unique_ptr<NodeProcess> startNode(const std::string& nodeId,
                                                const std::string& extraYaml = "") {
    return ClusterFixture::startNode("redis.yaml", nodeId, extraYaml);
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
  resume(*resumer, "cross-1", messageId, 4);
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
  resume(*resumer, "cross-2", messageId, -1);
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
  auto nodeA = startNode("node-a", kFastLeases);
  auto nodeB = startNode("node-b", kFastLeases);
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
  resume(*resumer, "orphan-1", messageId, 1);
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
  EXPECT_LT(std::chrono::steady_clock::now() - asked, 3s)
      << "the error should come fast, not after timeouts pile up";

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
