// Several nodes on one of the shipped cluster configs (etc/redis.yaml,
// etc/kafka.yaml), with JWT clients: what the *_redistest and *_kafkatest
// cluster suites share. The configs read their servers and secret from the
// environment, as a deployment would; the suites set it.
#pragma once

#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <thread>

#include "node_fixture.h"

namespace streamgate::testing {

class ClusterFixture : public NodeFixture {
 protected:
  static constexpr const char* kSecret = "a-test-secret-of-at-least-32-bytes!!";

  // No node of its own: each test starts the nodes it needs.
  void SetUp() override { ::setenv("JWT_SECRET", kSecret, 1); }

  static std::string tokenFor(const std::string& user) {
    Poco::JWT::Token token;
    token.setSubject(user);
    token.setExpiration(Poco::Timestamp() + Poco::Timespan(300, 0));
    Poco::JWT::Signer signer(kSecret);
    return signer.sign(token, Poco::JWT::Signer::ALGO_HS256);
  }

  // A node on etc/<config>; extraYaml: top-level sections the file does not have.
  static std::unique_ptr<NodeProcess> startNode(const std::string& config, const std::string& nodeId,
                                                const std::string& extraYaml = "") {
    std::filesystem::path path = std::string(STREAMGATE_SOURCE_DIR) + "/etc/" + config;
    if (!extraYaml.empty()) {
      std::ifstream shipped(path);
      path = writeTempFile(nodeId + "-" + config,
                           std::string(std::istreambuf_iterator<char>(shipped), {}) + extraYaml);
    }
    auto node =
        std::make_unique<NodeProcess>(path, freePort(), std::vector<std::string>{"--node-id", nodeId});
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

  static void resume(WsClient& client, const std::string& session, const std::string& messageId,
                     std::int64_t lastChunkIndex) {
    client.send(R"({"type":"resume","sessionId":")" + session + R"(","messageId":")" + messageId +
                R"(","lastChunkIndex":)" + std::to_string(lastChunkIndex) + "}");
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

  // Short leases, so a surviving node's janitor ends a dead node's streams quickly.
  static constexpr const char* kFastLeases = "streams:\n  lease_ttl: 1s\n  janitor_interval: 300ms\n";
};

}  // namespace streamgate::testing
