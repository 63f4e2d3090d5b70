// The topic as this node sees it: one idempotent producer (acks=all) and one
// consumer that reads every partition (manual assignment, no consumer
// group), so every node sees every record in each partition's order.
//
// start() finds the partitions, picks where each starts (the first record
// at or after now - replay_from), reads up to the end offsets of that moment
// (the replay) and only then returns; records from then on are "live".
// Records are handed to the reader on the consumer thread, one at a time.
//
// Thread-safe; produce() never blocks (librdkafka queues and retries until
// produce_timeout).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "kafka_config.h"
#include "streamgate/callback.h"
#include "streamgate/logger.h"

struct rd_kafka_s;
struct rd_kafka_message_s;

namespace streamgate::kafka {

struct OutgoingRecord {
  std::string key;  // the bus channel: one session's records share a partition
  std::string value;
  std::vector<std::pair<std::string, std::string>> headers;
};

// A consumed record; views valid during the reader call only.
class IncomingRecord {
 public:
  explicit IncomingRecord(const rd_kafka_message_s* message);
  std::string_view key() const;
  std::string_view value() const;
  std::optional<std::string_view> header(const char* name) const;
  std::int64_t timestampMs() const;  // epoch ms, -1 when the record has none

 private:
  const rd_kafka_message_s* message_;
};

class LogReader {
 public:
  virtual ~LogReader() = default;
  virtual void onRecord(const IncomingRecord& record, bool live) = 0;
  // About every 100ms, on the consumer thread.
  virtual void onIdle() = 0;
};

class KafkaLog {
 public:
  KafkaLog(KafkaConfig config, std::shared_ptr<Logger> logger);
  ~KafkaLog();  // stop()

  KafkaLog(const KafkaLog&) = delete;
  KafkaLog& operator=(const KafkaLog&) = delete;

  // Creates the clients and replays; kUnavailable naming the brokers and
  // topic when that does not finish within startup_timeout.
  Status start(LogReader& reader);

  // `delivered` runs on the producer's thread once the record is
  // acknowledged by every in-sync replica, or failed (kUnavailable/kTimeout).
  void produce(OutgoingRecord record, StatusCallback delivered);

  // Stops reading (the reader is not called again once this returns), gives
  // queued records a moment, fails the rest and closes the clients. produce()
  // fails from then on. Idempotent.
  void stop();

  const KafkaConfig& config() const { return config_; }

 private:
  struct Partition {
    std::int32_t id = 0;
    std::int64_t start = 0;          // first offset read
    std::int64_t end = 0;            // end offset when the node started: replay stops here
    std::int64_t skipBeforeMs = -1;  // records older than this are not replayed
  };

  Status createClients();
  Expected<std::vector<Partition>> planReplay();
  void consume(LogReader& reader, std::vector<Partition> partitions);
  std::string where() const;  // "kafka <brokers> topic <topic>"

  const KafkaConfig config_;
  const std::shared_ptr<Logger> logger_;
  rd_kafka_s* producer_ = nullptr;
  rd_kafka_s* consumer_ = nullptr;
  std::shared_mutex clients_;  // produce() holds it shared, stop() exclusively
  std::atomic<bool> stopping_{false};
  std::atomic<bool> replayed_{false};
  std::thread producerThread_;
  std::thread consumerThread_;
};

}  // namespace streamgate::kafka
