// The kafka plugin's config checks (keys: plugins/kafka/src/kafka_config.h),
// through the host loader as the node sees them. validate() connects to
// nothing, so no broker is needed; librdkafka itself judges the properties.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>

#include "plugin_section_test.h"

namespace streamgate {
namespace {

class KafkaConfigTest : public PluginSectionTest {
 protected:
  KafkaConfigTest() : PluginSectionTest("kafka") {}
};

TEST_F(KafkaConfigTest, DefaultsAreAccepted) {
  EXPECT_TRUE(accepted(""));
  EXPECT_TRUE(accepted("{}"));
}

TEST_F(KafkaConfigTest, EveryDocumentedKeyIsAccepted) {
  EXPECT_TRUE(
      accepted("brokers: 127.0.0.1:9092\n"
               "topic: streamgate.events\n"
               "replay_from: 1h\n"
               "startup_timeout: 30s\n"
               "produce_timeout: 10s\n"
               "retention:\n"
               "  max_streams: 100000\n"
               "  max_bytes: 512MiB\n"
               "stream_ttl: 1h\n"
               "completed_ttl: 10m\n"
               "properties: {}\n"));
}

TEST_F(KafkaConfigTest, BrokersAsStringOrList) {
  EXPECT_TRUE(accepted("brokers: \"h:1,h:2\"\n"));
  EXPECT_TRUE(accepted("brokers: \"h:1, h:2\"\n"));
  EXPECT_TRUE(accepted("brokers: [h:1, h:2]\n"));
  EXPECT_TRUE(accepted("brokers:\n  - h:1\n  - h:2\n"));
  EXPECT_TRUE(accepted("brokers: h\n"));  // the default port
}

// A scalar that starts like a flow list is still one address list.
TEST_F(KafkaConfigTest, BracketedIpv6BrokerIsAScalar) {
  EXPECT_TRUE(accepted("brokers: \"[::1]:9092\"\n"));
  EXPECT_TRUE(accepted("brokers: \"[::1]:9092,h:2\"\n"));
  EXPECT_TRUE(accepted("brokers: [\"[::1]:9092\", h:2]\n"));
  EXPECT_TRUE(refusedAt("brokers: \"[::1\"\n", "brokers", {"]"}));
}

TEST_F(KafkaConfigTest, BadBrokerAddressIsRefused) {
  EXPECT_TRUE(refusedAt("brokers: \"h:notaport\"\n", "brokers", {"notaport"}));
  EXPECT_TRUE(refusedAt("brokers: \"h:1,h:99999\"\n", "brokers", {"99999"}));
  EXPECT_TRUE(refusedAt("brokers: [h:1, \"h:x\"]\n", "brokers"));
  EXPECT_TRUE(refusedAt("brokers: \"\"\n", "brokers"));
  EXPECT_TRUE(refusedAt("brokers: []\n", "brokers"));
}

TEST_F(KafkaConfigTest, EmptyTopicIsRefused) { EXPECT_TRUE(refusedAt("topic: \"\"\n", "topic", {"empty"})); }

TEST_F(KafkaConfigTest, ZeroTimeoutsAreRefused) {
  EXPECT_TRUE(refusedAt("produce_timeout: 0s\n", "produce_timeout", {"positive"}));
  EXPECT_TRUE(refusedAt("produce_timeout: 0ms\n", "produce_timeout", {"positive"}));
  EXPECT_TRUE(refusedAt("startup_timeout: 0s\n", "startup_timeout", {"positive"}));
  EXPECT_TRUE(refusedAt("produce_timeout: soon\n", "produce_timeout"));
}

TEST_F(KafkaConfigTest, RetentionLimitsMustBePositive) {
  EXPECT_TRUE(refusedAt("retention: {max_streams: 0}\n", "retention.max_streams"));
  EXPECT_TRUE(refusedAt("retention: {max_bytes: 0}\n", "retention.max_bytes", {"positive"}));
  EXPECT_TRUE(refusedAt("stream_ttl: 0s\n", "stream_ttl", {"positive"}));
}

TEST_F(KafkaConfigTest, LibrdkafkaPropertyIsAccepted) {
  EXPECT_TRUE(accepted("properties:\n  socket.keepalive.enable: true\n"));
  EXPECT_TRUE(accepted("properties: {reconnect.backoff.max.ms: 500, client.id: node-1}\n"));
}

TEST_F(KafkaConfigTest, UnknownPropertyIsRefused) {
  EXPECT_TRUE(refusedAt("properties:\n  no.such.property: 1\n", "properties.no.such.property"));
}

TEST_F(KafkaConfigTest, BadPropertyValueIsRefused) {
  EXPECT_TRUE(
      refusedAt("properties:\n  socket.keepalive.enable: maybe\n", "properties.socket.keepalive.enable"));
}

// The idempotent producer, acks=all and produce_timeout are what make a
// write exactly-once and bounded; a property may not undo them.
TEST_F(KafkaConfigTest, FixedPropertiesAreRefused) {
  EXPECT_TRUE(refusedAt("properties:\n  acks: 1\n", "properties.acks", {"cannot be overridden"}));
  EXPECT_TRUE(refusedAt("properties:\n  enable.idempotence: false\n", "properties.enable.idempotence",
                        {"cannot be overridden"}));
  EXPECT_TRUE(refusedAt("properties:\n  message.timeout.ms: 1000\n", "properties.message.timeout.ms"));
  EXPECT_TRUE(refusedAt("properties:\n  bootstrap.servers: h:1\n", "properties.bootstrap.servers"));
}

TEST_F(KafkaConfigTest, UnknownKeysAreRefusedWithTheirPath) {
  EXPECT_TRUE(refusedAt("bogus: 1\n", "bogus"));
  EXPECT_TRUE(refusedAt("retention: {max_chunks: 5}\n", "retention.max_chunks"));
}

}  // namespace
}  // namespace streamgate
