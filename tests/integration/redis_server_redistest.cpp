// The Redis fixtures themselves, against real redis-server processes: the
// plugin's tests trust them to require AUTH, to come back on the same port and
// to really fail over, so that is proved here once.
#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <chrono>
#include <csignal>
#include <memory>
#include <string>
#include <thread>

#include "redis_server.h"

namespace streamgate::testing {
namespace {

class RedisFixtureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const auto reason = RedisServer::unavailableReason(); !reason.empty()) GTEST_SKIP() << reason;
  }
};

using RedisServerTest = RedisFixtureTest;
using SentinelClusterTest = RedisFixtureTest;

TEST_F(RedisServerTest, RequiresAuth) {
  RedisServer server;
  server.start();
  EXPECT_EQ(server.url(), "redis://127.0.0.1:" + std::to_string(server.port()));
  EXPECT_EQ(server.command({"PING"}), "PONG");

  // Raw hiredis, so the fixture's own AUTH cannot hide a server that takes none.
  std::unique_ptr<redisContext, decltype(&redisFree)> context(
      redisConnectWithTimeout("127.0.0.1", server.port(), {2, 0}), &redisFree);
  ASSERT_NE(context, nullptr);
  ASSERT_EQ(context->err, 0) << context->errstr;
  std::unique_ptr<redisReply, decltype(&freeReplyObject)> reply(
      static_cast<redisReply*>(redisCommand(context.get(), "PING")), &freeReplyObject);
  ASSERT_NE(reply, nullptr) << context->errstr;
  ASSERT_EQ(reply->type, REDIS_REPLY_ERROR);
  EXPECT_EQ(std::string(reply->str, reply->len).rfind("NOAUTH", 0), 0u) << reply->str;

  EXPECT_EQ(runRedisCommand(server.port(), "not-the-password", {"PING"}).rfind("WRONGPASS", 0), 0u);
}

TEST_F(RedisServerTest, CommandRendersRepliesAsText) {
  RedisServer server;
  server.start();
  EXPECT_EQ(server.command({"SET", "key", "a value\nwith a newline"}), "OK");
  EXPECT_EQ(server.command({"GET", "key"}), "a value\nwith a newline");
  EXPECT_EQ(server.command({"GET", "missing"}), "");
  EXPECT_EQ(server.command({"INCRBY", "counter", "-3"}), "-3");
  EXPECT_EQ(server.command({"RPUSH", "list", "a", "b", "c"}), "3");
  EXPECT_EQ(server.command({"LRANGE", "list", "0", "-1"}), "a\nb\nc");
  EXPECT_EQ(server.command({"LRANGE", "nothing", "0", "-1"}), "");
  EXPECT_EQ(server.command({"INCR", "list"}).rfind("WRONGTYPE", 0), 0u);
}

TEST_F(RedisServerTest, StartsAgainOnTheSamePortAfterStop) {
  RedisServer server;
  server.start();
  const auto port = server.port();
  ASSERT_EQ(server.command({"SET", "key", "before"}), "OK");

  server.stop();
  EXPECT_FALSE(server.isRunning());
  EXPECT_THROW(server.command({"PING"}), std::runtime_error);

  server.start();
  EXPECT_TRUE(server.isRunning());
  EXPECT_EQ(server.port(), port);
  EXPECT_EQ(server.command({"PING"}), "PONG");
  EXPECT_EQ(server.command({"GET", "key"}), "") << "nothing is persisted across a restart";
}

TEST_F(RedisServerTest, GracefulStopAndExternalDeathAreSeen) {
  RedisServer server;
  server.start();
  server.stop(SIGTERM);
  EXPECT_FALSE(server.isRunning());

  server.start();
  // SHUTDOWN answers nothing: the connection just closes.
  EXPECT_THROW(server.command({"SHUTDOWN", "NOSAVE"}), std::runtime_error);
  for (int i = 0; i < 200 && server.isRunning(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_FALSE(server.isRunning());
}

TEST_F(RedisServerTest, FailedStartThrowsWithTheLogTail) {
  RedisServer server(RedisServer::Options{.extraArgs = {"--no-such-directive", "1"}});
  try {
    server.start();
    FAIL() << "started with a bad directive";
  } catch (const std::runtime_error& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find(std::to_string(server.port())), std::string::npos) << message;
    EXPECT_NE(message.find("no-such-directive"), std::string::npos) << message;
  }
  EXPECT_FALSE(server.isRunning());
}

TEST_F(SentinelClusterTest, FailoverPromotesTheReplica) {
  SentinelCluster cluster("fixture-master");
  cluster.start();
  ASSERT_EQ(cluster.sentinelAddresses().size(), 3u);
  for (const auto& address : cluster.sentinelAddresses()) EXPECT_EQ(address.rfind("127.0.0.1:", 0), 0u);
  EXPECT_EQ(cluster.sentinelCommand(0, {"SENTINEL", "get-master-addr-by-name", "fixture-master"}),
            "127.0.0.1\n" + std::to_string(cluster.masterPort()));

  ASSERT_EQ(cluster.master().command({"SET", "key", "replicated"}), "OK");
  EXPECT_EQ(cluster.master().command({"WAIT", "1", "5000"}), "1");
  EXPECT_EQ(cluster.replica().command({"GET", "key"}), "replicated");
  EXPECT_EQ(cluster.replica().command({"SET", "key", "x"}).rfind("READONLY", 0), 0u);

  cluster.killMaster();
  ASSERT_TRUE(cluster.waitForFailover(std::chrono::seconds(30)));
  for (std::size_t i = 0; i < 3; ++i) {
    SCOPED_TRACE(cluster.sentinelAddresses()[i]);
    // The others follow the leader's new config epoch within a hello period.
    std::string reported;
    for (int attempt = 0; attempt < 100; ++attempt) {
      reported = cluster.sentinelCommand(i, {"SENTINEL", "get-master-addr-by-name", "fixture-master"});
      if (reported == "127.0.0.1\n" + std::to_string(cluster.replicaPort())) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_EQ(reported, "127.0.0.1\n" + std::to_string(cluster.replicaPort()));
  }
  EXPECT_EQ(cluster.replica().command({"GET", "key"}), "replicated");
  EXPECT_EQ(cluster.replica().command({"SET", "key", "written after failover"}), "OK");
}

}  // namespace
}  // namespace streamgate::testing
