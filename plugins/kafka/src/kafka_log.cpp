#include "kafka_log.h"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <future>
#include <map>
#include <mutex>

namespace streamgate::kafka {
namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr int kPollMs = 100;

std::int64_t epochMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int remainingMs(SteadyClock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now()).count();
  return static_cast<int>(std::clamp<std::int64_t>(left, 1, 3'600'000));
}

void logFromLibrary(const rd_kafka_t* handle, int level, const char* facility, const char* message) {
  auto* logger = static_cast<Logger*>(rd_kafka_opaque(handle));
  if (logger == nullptr) return;
  const LogLevel mapped = level <= 3   ? LogLevel::kError
                          : level == 4 ? LogLevel::kWarning
                          : level <= 6 ? LogLevel::kInfo
                                       : LogLevel::kDebug;
  if (logger->enabled(mapped)) {
    logger->log(mapped, std::string("kafka ") + rd_kafka_name(handle) + " " + facility + ": " + message);
  }
}

void errorFromLibrary(rd_kafka_t* handle, int error, const char* reason, void* opaque) {
  auto* logger = static_cast<Logger*>(opaque);
  if (logger == nullptr) return;
  const bool fatal = error == RD_KAFKA_RESP_ERR__FATAL;
  logger->log(fatal ? LogLevel::kError : LogLevel::kWarning,
              std::string("kafka ") + rd_kafka_name(handle) + ": " + reason);
}

void deliveryReport(rd_kafka_t*, const rd_kafka_message_t* message, void*) {
  std::unique_ptr<StatusCallback> done(static_cast<StatusCallback*>(message->_private));
  if (!done || !*done) return;
  if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    (*done)(Status::ok());
    return;
  }
  const Code code = message->err == RD_KAFKA_RESP_ERR__MSG_TIMED_OUT ? Code::kTimeout : Code::kUnavailable;
  (*done)(Status(code, std::string("kafka topic ") + rd_kafka_topic_name(message->rkt) +
                           ": record not persisted: " + rd_kafka_err2str(message->err)));
}

// Sets one property, or says which and why not.
Status set(rd_kafka_conf_t* conf, const std::string& key, const std::string& value) {
  char error[512];
  if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), error, sizeof error) != RD_KAFKA_CONF_OK) {
    return Status(Code::kInvalidArgument, "plugins.kafka.properties." + key + ": " + error);
  }
  return Status::ok();
}

}  // namespace

IncomingRecord::IncomingRecord(const rd_kafka_message_s* message) : message_(message) {}

std::string_view IncomingRecord::key() const {
  return {static_cast<const char*>(message_->key), message_->key_len};
}

std::string_view IncomingRecord::value() const {
  return {static_cast<const char*>(message_->payload), message_->len};
}

std::optional<std::string_view> IncomingRecord::header(const char* name) const {
  rd_kafka_headers_t* headers = nullptr;
  if (rd_kafka_message_headers(message_, &headers) != RD_KAFKA_RESP_ERR_NO_ERROR) return std::nullopt;
  const void* value = nullptr;
  std::size_t size = 0;
  if (rd_kafka_header_get_last(headers, name, &value, &size) != RD_KAFKA_RESP_ERR_NO_ERROR)
    return std::nullopt;
  return std::string_view(static_cast<const char*>(value), value == nullptr ? 0 : size);
}

std::int64_t IncomingRecord::timestampMs() const { return rd_kafka_message_timestamp(message_, nullptr); }

KafkaLog::KafkaLog(KafkaConfig config, std::shared_ptr<Logger> logger)
    : config_(std::move(config)), logger_(std::move(logger)) {}

KafkaLog::~KafkaLog() { stop(); }

void KafkaLog::stop() {
  {
    // Under the lock: a produce() that got past its check is queued before
    // the purge below, so its caller is told.
    std::unique_lock lock(clients_);
    stopping_ = true;
  }
  if (consumerThread_.joinable()) consumerThread_.join();
  if (producerThread_.joinable()) producerThread_.join();
  if (producer_ != nullptr) {
    // Whatever is still unacknowledged fails now (its callers are told),
    // rather than holding shutdown up for produce_timeout. No lock held:
    // the callbacks may call produce(), which then refuses.
    rd_kafka_flush(producer_, 1000);
    rd_kafka_purge(producer_, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    rd_kafka_poll(producer_, 0);
  }
  std::unique_lock lock(clients_);
  if (consumer_ != nullptr) {
    rd_kafka_consumer_close(consumer_);
    rd_kafka_destroy(consumer_);
    consumer_ = nullptr;
  }
  if (producer_ != nullptr) {
    rd_kafka_destroy(producer_);
    producer_ = nullptr;
  }
}

std::string KafkaLog::where() const { return "kafka " + config_.brokers + " topic " + config_.topic; }

Status KafkaLog::createClients() {
  const auto make = [&](rd_kafka_type_t type,
                        const std::map<std::string, std::string>& fixed) -> Expected<rd_kafka_t*> {
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    std::map<std::string, std::string> properties = config_.properties;
    for (const auto& [key, value] : fixed) properties[key] = value;
    properties["bootstrap.servers"] = config_.brokers;
    for (const auto& [key, value] : properties) {
      if (Status status = set(conf, key, value); !status) {
        rd_kafka_conf_destroy(conf);
        return status;
      }
    }
    rd_kafka_conf_set_opaque(conf, logger_.get());
    rd_kafka_conf_set_log_cb(conf, &logFromLibrary);
    rd_kafka_conf_set_error_cb(conf, &errorFromLibrary);
    if (type == RD_KAFKA_PRODUCER) rd_kafka_conf_set_dr_msg_cb(conf, &deliveryReport);
    char error[512];
    rd_kafka_t* handle = rd_kafka_new(type, conf, error, sizeof error);  // owns conf on success
    if (handle == nullptr) {
      rd_kafka_conf_destroy(conf);
      return Status(Code::kInvalidArgument, where() + ": " + error);
    }
    return handle;
  };
  // Latency matters more than batch size: a chunk waits at most 1ms for
  // company. A broker that comes back is found within a second, not ten.
  const std::map<std::string, std::string> reconnect = {{"reconnect.backoff.ms", "100"},
                                                        {"reconnect.backoff.max.ms", "1000"}};
  std::map<std::string, std::string> producerDefaults = reconnect;
  producerDefaults["linger.ms"] = "1";
  for (auto& [key, value] : producerDefaults) {
    if (config_.properties.count(key) != 0) value = config_.properties.at(key);
  }
  producerDefaults["enable.idempotence"] = "true";
  producerDefaults["acks"] = "all";
  producerDefaults["message.timeout.ms"] = std::to_string(config_.produceTimeout.count());
  auto producer = make(RD_KAFKA_PRODUCER, producerDefaults);
  if (!producer) return producer.error();
  producer_ = *producer;
  // librdkafka wants a group id even for manual assignment; no group is
  // joined and no offset committed: each node reads everything itself.
  std::map<std::string, std::string> consumerDefaults = reconnect;
  consumerDefaults["fetch.wait.max.ms"] = "10";
  consumerDefaults["group.id"] = "streamgate-reader";
  for (auto& [key, value] : consumerDefaults) {
    if (config_.properties.count(key) != 0) value = config_.properties.at(key);
  }
  consumerDefaults["enable.auto.commit"] = "false";
  // Retention may delete a segment the replay was about to read: go on from
  // the oldest record left, never silently from the newest.
  consumerDefaults["auto.offset.reset"] = "earliest";
  // The topic must exist (README): a typo must not create a second one.
  consumerDefaults["allow.auto.create.topics"] = "false";
  consumerDefaults["enable.auto.offset.store"] = "false";
  consumerDefaults["enable.partition.eof"] = "false";
  auto consumer = make(RD_KAFKA_CONSUMER, consumerDefaults);
  if (!consumer) return consumer.error();
  consumer_ = *consumer;
  rd_kafka_poll_set_consumer(consumer_);
  producerThread_ = std::thread([this] {
    while (!stopping_) rd_kafka_poll(producer_, kPollMs);
  });
  return Status::ok();
}

Expected<std::vector<KafkaLog::Partition>> KafkaLog::planReplay() {
  const auto deadline = SteadyClock::now() + config_.startupTimeout;
  rd_kafka_topic_t* topic = rd_kafka_topic_new(consumer_, config_.topic.c_str(), nullptr);
  const rd_kafka_metadata_t* metadata = nullptr;
  const rd_kafka_resp_err_t error = rd_kafka_metadata(consumer_, 0, topic, &metadata, remainingMs(deadline));
  rd_kafka_topic_destroy(topic);
  if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status(Code::kUnavailable, where() + ": no metadata: " + rd_kafka_err2str(error));
  }
  std::vector<Partition> partitions;
  rd_kafka_resp_err_t topicError = RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART;
  for (int t = 0; t < metadata->topic_cnt; ++t) {
    const auto& described = metadata->topics[t];
    if (config_.topic != described.topic) continue;
    topicError = described.err;
    for (int p = 0; p < described.partition_cnt; ++p)
      partitions.push_back(Partition{described.partitions[p].id});
  }
  rd_kafka_metadata_destroy(metadata);
  if (topicError != RD_KAFKA_RESP_ERR_NO_ERROR || partitions.empty()) {
    return Status(Code::kUnavailable, where() + ": " + rd_kafka_err2str(topicError) +
                                          " (create the topic; see README \"Deploying with Kafka\")");
  }

  const std::int64_t cutoff = epochMs() - config_.replayFrom.count();
  rd_kafka_topic_partition_list_t* byTime =
      rd_kafka_topic_partition_list_new(static_cast<int>(partitions.size()));
  for (auto& partition : partitions) {
    std::int64_t low = 0;
    const auto marks = rd_kafka_query_watermark_offsets(consumer_, config_.topic.c_str(), partition.id, &low,
                                                        &partition.end, remainingMs(deadline));
    if (marks != RD_KAFKA_RESP_ERR_NO_ERROR) {
      rd_kafka_topic_partition_list_destroy(byTime);
      return Status(Code::kUnavailable, where() + " partition " + std::to_string(partition.id) +
                                            ": no end offset: " + rd_kafka_err2str(marks));
    }
    partition.start = low;
    partition.skipBeforeMs = cutoff;
    rd_kafka_topic_partition_list_add(byTime, config_.topic.c_str(), partition.id)->offset = cutoff;
  }
  const auto found = rd_kafka_offsets_for_times(consumer_, byTime, remainingMs(deadline));
  if (found == RD_KAFKA_RESP_ERR_NO_ERROR) {
    for (int i = 0; i < byTime->cnt; ++i) {
      const auto& answer = byTime->elems[i];
      // A real offset skips everything older. "End" means no record is that
      // recent, but brokers (and stand-ins) that cannot look up by time say
      // the same; then read from the start and skip old records by their
      // timestamp: slower, never wrong.
      if (answer.err == RD_KAFKA_RESP_ERR_NO_ERROR && answer.offset >= 0) {
        auto& partition = partitions[static_cast<std::size_t>(i)];
        partition.start = std::max(partition.start, answer.offset);
      }
    }
  } else {
    logger_->log(LogLevel::kWarning, where() + ": offsets for times failed (" + rd_kafka_err2str(found) +
                                         "); replaying from the earliest records");
  }
  rd_kafka_topic_partition_list_destroy(byTime);
  return partitions;
}

Status KafkaLog::start(LogReader& reader) {
  if (Status status = createClients(); !status) return status;
  auto partitions = planReplay();
  if (!partitions) return partitions.error();
  rd_kafka_topic_partition_list_t* assignment =
      rd_kafka_topic_partition_list_new(static_cast<int>(partitions->size()));
  for (const auto& partition : *partitions) {
    rd_kafka_topic_partition_list_add(assignment, config_.topic.c_str(), partition.id)->offset =
        partition.start;
  }
  const auto assigned = rd_kafka_assign(consumer_, assignment);
  rd_kafka_topic_partition_list_destroy(assignment);
  if (assigned != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status(Code::kUnavailable, where() + ": cannot assign partitions: " + rd_kafka_err2str(assigned));
  }
  std::int64_t records = 0;
  for (const auto& partition : *partitions)
    records += std::max<std::int64_t>(0, partition.end - partition.start);
  const auto started = SteadyClock::now();
  consumerThread_ = std::thread([this, &reader, partitions = std::move(*partitions)]() mutable {
    consume(reader, std::move(partitions));
  });
  const auto deadline = started + config_.startupTimeout;
  while (!replayed_ && SteadyClock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  if (!replayed_) {
    return Status(Code::kUnavailable,
                  where() + ": replay of the last " + std::to_string(config_.replayFrom.count() / 1000) +
                      "s not done within " + std::to_string(config_.startupTimeout.count()) + "ms");
  }
  // One record through the producer before the node serves anyone: proves
  // the topic takes writes and gets the idempotent producer its id, which
  // would otherwise delay the first real write by a round of requests.
  auto written = std::make_shared<std::promise<Status>>();
  auto writtenFuture = written->get_future();
  // Produced to by name only, the topic would wait for the producer's next
  // topic scan (every second) for its metadata; a handle asks for it now.
  rd_kafka_topic_destroy(rd_kafka_topic_new(producer_, config_.topic.c_str(), nullptr));
  produce(OutgoingRecord{"streamgate.node-start", "", {}},
          [written](Status status) { written->set_value(status); });
  if (writtenFuture.wait_until(deadline) != std::future_status::ready) {
    return Status(Code::kUnavailable, where() + ": a first write was not acknowledged within " +
                                          std::to_string(config_.startupTimeout.count()) + "ms");
  }
  if (Status status = writtenFuture.get(); !status) return status;
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - started);
  logger_->log(LogLevel::kInfo, where() + ": replayed up to " + std::to_string(records) + " records in " +
                                    std::to_string(took.count()) + "ms");
  return Status::ok();
}

void KafkaLog::consume(LogReader& reader, std::vector<Partition> partitions) {
  std::map<std::int32_t, Partition> byId;
  std::size_t behind = 0;
  for (auto& partition : partitions) {
    if (partition.start < partition.end) ++behind;
    byId[partition.id] = partition;
  }
  if (behind == 0) replayed_ = true;
  auto lastIdle = SteadyClock::now();
  while (!stopping_) {
    rd_kafka_message_t* message = rd_kafka_consumer_poll(consumer_, kPollMs);
    if (message != nullptr) {
      if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        logger_->log(LogLevel::kWarning, where() + ": consumer: " + rd_kafka_message_errstr(message));
      } else if (const auto it = byId.find(message->partition); it != byId.end()) {
        const Partition& partition = it->second;
        const bool live = message->offset >= partition.end;
        const IncomingRecord record(message);
        if (live || record.timestampMs() < 0 || record.timestampMs() >= partition.skipBeforeMs) {
          reader.onRecord(record, live);
        }
        if (!live && message->offset + 1 == partition.end && --behind == 0) replayed_ = true;
      }
      rd_kafka_message_destroy(message);
    }
    if (const auto now = SteadyClock::now(); now - lastIdle >= std::chrono::milliseconds(kPollMs)) {
      lastIdle = now;
      reader.onIdle();
    }
  }
}

void KafkaLog::produce(OutgoingRecord record, StatusCallback delivered) {
  auto done = std::make_unique<StatusCallback>(std::move(delivered));
  std::shared_lock lock(clients_);
  if (producer_ == nullptr || stopping_) {
    lock.unlock();
    (*done)(Status(Code::kUnavailable, where() + ": plugin is shutting down"));
    return;
  }
  rd_kafka_headers_t* headers = rd_kafka_headers_new(record.headers.size());
  for (const auto& [name, value] : record.headers) {
    rd_kafka_header_add(headers, name.data(), static_cast<ssize_t>(name.size()), value.data(),
                        static_cast<ssize_t>(value.size()));
  }
  const rd_kafka_resp_err_t error = rd_kafka_producev(
      producer_, RD_KAFKA_V_TOPIC(config_.topic.c_str()),
      RD_KAFKA_V_KEY(record.key.data(), record.key.size()),
      RD_KAFKA_V_VALUE(record.value.data(), record.value.size()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
      RD_KAFKA_V_HEADERS(headers), RD_KAFKA_V_OPAQUE(done.get()), RD_KAFKA_V_END);
  if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
    rd_kafka_headers_destroy(headers);
    lock.unlock();
    (*done)(Status(Code::kUnavailable, where() + ": record not queued: " + rd_kafka_err2str(error)));
    return;
  }
  done.release();  // deliveryReport() owns it now
}

}  // namespace streamgate::kafka
