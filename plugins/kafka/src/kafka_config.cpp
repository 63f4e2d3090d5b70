#include "kafka_config.h"

#include <librdkafka/rdkafka.h>

#include <memory>
#include <set>

#include "streamgate/host_port.h"

namespace streamgate::kafka {
namespace {

// The plugin's delivery guarantee rests on these; a property may not undo them.
const std::set<std::string, std::less<>> kFixedProperties = {
    "enable.idempotence",      "acks",
    "request.required.acks",   "enable.auto.commit",
    "bootstrap.servers",       "metadata.broker.list",
    "message.timeout.ms",      "delivery.timeout.ms",
    "allow.auto.create.topics"};

// A getter of the other shape records an error, so the shape is read off the
// value's YAML text first: a list is emitted as "[...]" or "- ...", which a
// scalar never starts with (the emitter quotes one that would).
bool isList(ConfigSection& section, std::string_view key) {
  const std::string yaml = section.childYaml(key);
  return yaml.rfind('[', 0) == 0 || yaml.rfind("- ", 0) == 0;
}

std::string readBrokers(ConfigSection& section) {
  std::vector<std::string> list;
  if (section.has("brokers")) {
    if (isList(section, "brokers")) {
      list = section.getStringList("brokers");
    } else if (auto text = section.optionalString("brokers")) {
      std::string_view rest = *text;
      while (!rest.empty()) {
        const auto comma = rest.find(',');
        list.emplace_back(rest.substr(0, comma));
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      }
    }
  } else {
    list = {"127.0.0.1:9092"};
  }
  std::string joined;
  for (auto& entry : list) {
    const auto first = entry.find_first_not_of(' ');
    const auto last = entry.find_last_not_of(' ');
    entry = first == std::string::npos ? "" : entry.substr(first, last - first + 1);
    auto address = parseHostPort(entry, 9092);
    if (!address) {
      section.fail("brokers", address.error().message());
      return {};
    }
    if (!joined.empty()) joined += ',';
    joined += address->toString();
  }
  if (joined.empty()) section.fail("brokers", "at least one host:port is required");
  return joined;
}

}  // namespace

Expected<KafkaConfig> KafkaConfig::read(const PluginConfig& plugin) {
  auto section = ConfigSection::parse(plugin.yaml, plugin.path);
  if (!section) return section.error();
  KafkaConfig config;
  config.brokers = readBrokers(*section);
  config.topic = section->getString("topic", config.topic);
  if (config.topic.empty()) section->fail("topic", "must not be empty");
  config.replayFrom = section->getDuration("replay_from", config.replayFrom);
  config.startupTimeout = section->getPositiveDuration("startup_timeout", config.startupTimeout);
  config.produceTimeout = section->getPositiveDuration("produce_timeout", config.produceTimeout);
  {
    ConfigSection retention = section->child("retention");
    config.limits.maxStreams = static_cast<std::size_t>(
        retention.getInt("max_streams", static_cast<std::int64_t>(config.limits.maxStreams), 1, 100'000'000));
    config.limits.maxBytes = retention.getBytes("max_bytes", config.limits.maxBytes);
    if (config.limits.maxBytes == 0) retention.fail("max_bytes", "must be positive");
  }
  config.retention = StreamRetention::read(*section);
  if (section->has("properties")) {
    auto properties = ConfigSection::parse(section->childYaml("properties"), section->keyPath("properties"));
    if (!properties) return properties.error();
    // librdkafka checks names and values without connecting anywhere.
    const std::unique_ptr<rd_kafka_conf_t, void (*)(rd_kafka_conf_t*)> probe(rd_kafka_conf_new(),
                                                                             &rd_kafka_conf_destroy);
    for (const auto& key : properties->keys()) {
      const std::string value = properties->getString(key, "");
      char error[512];
      if (kFixedProperties.count(key) != 0) {
        properties->fail(key,
                         "is set by the plugin (idempotent producer, acks=all, produce_timeout) "
                         "and cannot be overridden");
      } else if (rd_kafka_conf_set(probe.get(), key.c_str(), value.c_str(), error, sizeof error) !=
                 RD_KAFKA_CONF_OK) {
        properties->fail(key, error);
      }
      config.properties[key] = value;
    }
    if (Status status = properties->status(); !status) return status;
  }
  if (Status status = section->status(); !status) return status;
  return config;
}

}  // namespace streamgate::kafka
