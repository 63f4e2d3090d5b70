// Nodes on etc/kafka.yaml (bus and stream store on the Kafka test broker,
// sessions and locks on a real redis-server): a stream produced through one
// node reaches clients of another live, survives its producing node being
// killed, and is served by a node that started after it was written.
#include "cluster_fixture.h"
#include "kafka_broker.h"
#include "redis_server.h"

namespace streamgate::testing {
namespace {

class KafkaClusterTest : public ClusterFixture {
 protected:
  void SetUp() override {
    for (const auto& reason : {KafkaBroker::unavailableReason(), RedisServer::unavailableReason()}) {
      if (!reason.empty()) GTEST_SKIP() << reason;
    }
    ClusterFixture::SetUp();
    broker_.start({"streamgate.events"});
    redis_.start();
    ::setenv("KAFKA_BROKERS", broker_.bootstrapServers().c_str(), 1);
    ::setenv("REDIS_URL", redis_.url().c_str(), 1);
    ::setenv("REDIS_PASSWORD", redis_.password().c_str(), 1);
  }

  static std::unique_ptr<NodeProcess> startNode(const std::string& nodeId,
                                                const std::string& extraYaml = "") {
    return ClusterFixture::startNode("kafka.yaml", nodeId, extraYaml);
  }

  KafkaBroker broker_;
  RedisServer redis_;
};

TEST_F(KafkaClusterTest, LiveOnAnotherNodeAndResumableThereAfterTheProducerIsKilled) {
  auto nodeA = startNode("node-a", kFastLeases);
  auto nodeB = startNode("node-b", kFastLeases);
  auto watcher = connectAs(*nodeB, "erin");
  subscribe(*watcher, "log-1");

  auto producer = connectAs(*nodeA, "erin");
  const std::string messageId = startChat(*producer, "log-1");
  ASSERT_FALSE(messageId.empty());
  // Live on B while A produces.
  for (std::int64_t i = 0; i < 5; ++i) {
    auto chunk = watcher->receiveType("chunk");
    ASSERT_TRUE(chunk.has_value()) << nodeB->log();
    ASSERT_EQ((*chunk)->getValue<std::int64_t>("index"), i);
  }
  ASSERT_EQ(nodeA->stop(SIGKILL), 128 + SIGKILL);

  // B's janitor ends the orphan; everything A stored is on B, in order, once.
  std::vector<std::int64_t> rest;
  EXPECT_EQ(collect(*watcher, rest, nullptr, 15s), "interrupted") << nodeB->log();
  const auto produced = static_cast<std::int64_t>(5 + rest.size());
  EXPECT_EQ(rest, range(5, produced));

  auto resumer = connectAs(*nodeB, "erin");
  resume(*resumer, "log-1", messageId, -1);
  std::vector<std::int64_t> resumed;
  EXPECT_EQ(collect(*resumer, resumed), "interrupted");
  EXPECT_EQ(resumed, range(0, produced));
}

TEST_F(KafkaClusterTest, NodeStartedLaterReplaysTheLogAndServesAResume) {
  std::string messageId;
  {
    auto nodeA = startNode("node-a");
    auto producer = connectAs(*nodeA, "frank");
    std::vector<std::int64_t> all;
    producer->send(R"({"type":"chat","sessionId":"log-2","requestId":"r1","content":"hello"})");
    ASSERT_EQ(collect(*producer, all, &messageId), "complete");
    ASSERT_EQ(all, range(0, 20));
    ASSERT_EQ(nodeA->stop(SIGKILL), 128 + SIGKILL);
  }
  // A node that did not exist when the stream was written.
  auto nodeC = startNode("node-c");
  auto resumer = connectAs(*nodeC, "frank");
  resume(*resumer, "log-2", messageId, 9);
  std::vector<std::int64_t> resumed;
  EXPECT_EQ(collect(*resumer, resumed), "complete") << nodeC->log();
  EXPECT_EQ(resumed, range(10, 20));
}

}  // namespace
}  // namespace streamgate::testing
