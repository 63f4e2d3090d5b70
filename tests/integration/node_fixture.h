// A node on loopback with the memory backends, and WebSocket helpers, for the
// integration suites.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "node_process.h"
#include "ws_client.h"

namespace streamgate::testing {

using namespace std::chrono_literals;

// Auth off, a short demo answer (10 chunks of 8 bytes, 5ms apart), plus `extra` YAML.
inline std::string nodeConfig(const std::string& extra = "") {
  return "auth:\n  mode: none\n"
         "upstream:\n  demo:\n    chunks: 10\n    interval_ms: 5\n    chunk_bytes: 8\n" +
         extra;
}

class NodeFixture : public ::testing::Test {
 protected:
  void SetUp() override { start(nodeConfig()); }

  void start(const std::string& config) {
    node_.reset();
    port_ = freePort();
    node_ = std::make_unique<NodeProcess>(writeTempFile("gateway.yaml", config), port_,
                                          std::vector<std::string>{"--node-id", "node-a"});
    ASSERT_TRUE(node_->waitHealthy()) << node_->log();
  }

  // A connected client past its welcome frame.
  std::unique_ptr<WsClient> connect() {
    auto client = std::make_unique<WsClient>(port_);
    auto welcome = client->receive();
    EXPECT_TRUE(welcome.has_value());
    if (welcome) {
      EXPECT_EQ(typeOf(*welcome), "welcome");
    }
    return client;
  }

  static void subscribe(WsClient& client, const std::string& session) {
    client.send(R"({"type":"subscribe","sessionId":")" + session + R"("})");
    auto subscribed = client.receiveType("subscribed");
    ASSERT_TRUE(subscribed.has_value());
  }

  // Collects chunk indexes until a terminal frame; returns the terminal type.
  static std::string collect(WsClient& client, std::vector<std::int64_t>& indexes,
                             std::string* messageId = nullptr, std::chrono::milliseconds timeout = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto frame = client.receive(2s);
      if (!frame) return "timeout";
      const std::string type = typeOf(*frame);
      if (type == "chunk") {
        indexes.push_back((*frame)->getValue<std::int64_t>("index"));
        if (messageId) *messageId = (*frame)->getValue<std::string>("messageId");
      } else if (type == "complete" || type == "cancelled" || type == "failed" || type == "interrupted") {
        return type;
      } else if (type == "error") {
        return "error:" + (*frame)->getValue<std::string>("code");
      }
    }
    return "timeout";
  }

  static std::vector<std::int64_t> range(std::int64_t from, std::int64_t to) {
    std::vector<std::int64_t> out;
    for (auto i = from; i < to; ++i) out.push_back(i);
    return out;
  }

  std::uint16_t port_ = 0;
  std::unique_ptr<NodeProcess> node_;
};

}  // namespace streamgate::testing
