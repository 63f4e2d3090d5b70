#include "kafka_stream_store.h"

#include <charconv>
#include <map>
#include <mutex>
#include <optional>

#include "streamgate/plugin.h"
#include "streamgate/request_checks.h"
#include "streamgate/stream_event.h"
#include "streamgate/stream_table.h"

namespace streamgate::kafka {
namespace {

// Headers that make a record a store write (its value is the bus event).
constexpr const char* kWrite = "sg-write";      // "<node>/<n>": which write waits for it
constexpr const char* kSession = "sg-session";  // the stream's sessionId
constexpr const char* kFence = "sg-fence";      // the producer's fencing token
constexpr const char* kContent = "sg-content";  // a chunk's content
constexpr const char* kCode = "sg-code";        // a failure's code and message
constexpr const char* kMessage = "sg-message";

// A replayed record's time on the steady clock the table runs on, so a
// replayed stream expires when it would have, not a full TTL after the
// replay. (A live record counts from when it is read: its timestamp is when
// it was handed to the producer, which may be a retry ago.)
Clock::time_point recordTime(const IncomingRecord& record, Clock::time_point now) {
  const std::int64_t stamp = record.timestampMs();
  if (stamp < 0) return now;
  const auto wall = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now().time_since_epoch());
  const auto age = wall - std::chrono::milliseconds(stamp);
  return age.count() > 0 ? now - age : now;
}

std::uint64_t parseFence(std::string_view text) {
  std::uint64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

// One write in flight: produced, waiting to be read back and folded.
struct PendingWrite {
  std::size_t remaining = 0;  // records not folded yet
  Status firstError;
  std::int64_t next = 0;
  std::optional<Terminal> recorded;
  Callback<std::int64_t> appended;  // one of the two is set
  Callback<Terminal> finished;
  Clock::time_point deadline;

  // Runs the caller's callback; an exception from it must not take down the
  // consumer thread (or cross librdkafka's C frames).
  void complete() noexcept {
    try {
      run();
    } catch (...) {
    }
  }

  void run() {
    if (appended) {
      appended(firstError ? Expected<std::int64_t>(next) : Expected<std::int64_t>(firstError));
    } else if (recorded || !firstError) {
      finished(firstError ? Expected<Terminal>(*recorded) : Expected<Terminal>(firstError));
    } else {
      finished(Status(Code::kInternal, "kafka: terminal record folded without an outcome"));
    }
  }
};

}  // namespace

struct KafkaStreamStore::Core {
  std::shared_ptr<const Clock> clock;
  std::string nodeId;
  std::chrono::milliseconds waitLimit;

  std::mutex mutex;
  StreamTable table;
  std::uint64_t writeCount = 0;
  std::map<std::string, PendingWrite, std::less<>> writes;

  Core(std::shared_ptr<const Clock> clock, std::string nodeId, const KafkaConfig& config)
      : clock(std::move(clock)),
        nodeId(std::move(nodeId)),
        // Acknowledged, then read back: the consumer is normally a fetch behind.
        waitLimit(config.produceTimeout + std::chrono::seconds(5)),
        table(config.retention, config.limits) {}

  // With mutex held: registers a write of `records` records, returns its id.
  std::string beginWrite(PendingWrite write, std::size_t records) {
    std::string id = nodeId + "/" + std::to_string(++writeCount);
    write.remaining = records;
    write.deadline = clock->now() + waitLimit;
    writes.emplace(id, std::move(write));
    return id;
  }

  // A record of the write was not persisted: the write fails now (what the
  // log holds of it, if anything, is folded like any record).
  void fail(const std::string& id, const Status& status) {
    std::optional<PendingWrite> failed;
    {
      std::lock_guard lock(mutex);
      const auto it = writes.find(id);
      if (it == writes.end()) return;
      failed = std::move(it->second);
      writes.erase(it);
    }
    failed->firstError = status;
    failed->complete();
  }

  StatusCallback onDelivered(const std::string& id) {
    return [weak = std::weak_ptr<Core>(shared()), id](Status status) {
      if (status) return;
      if (const auto core = weak.lock()) core->fail(id, status);
    };
  }

  std::shared_ptr<Core> shared();
  std::weak_ptr<Core> self;
};

std::shared_ptr<KafkaStreamStore::Core> KafkaStreamStore::Core::shared() { return self.lock(); }

KafkaStreamStore::KafkaStreamStore(std::shared_ptr<KafkaLog> log, std::shared_ptr<const Clock> clock,
                                   std::string nodeId)
    : log_(std::move(log)),
      core_(std::make_shared<Core>(std::move(clock), std::move(nodeId), log_->config())) {
  core_->self = core_;
}

void KafkaStreamStore::append(const AppendRequest& request, Callback<std::int64_t> done) {
  if (Status bad = checkAppendRequest(request); !bad) return done(bad);
  const StreamId& stream = request.stream;
  std::vector<OutgoingRecord> records;
  std::string id;
  Status refused;
  {
    std::lock_guard lock(core_->mutex);
    auto checked = core_->table.append(request, core_->clock->now(), false);
    // This node may not have read the whole log yet: what looks like a gap
    // may be chunks still on their way, so the log decides that one. Every
    // other refusal only gets more certain as more of the log is read.
    if (!checked && checked.error().code() != Code::kGap) {
      refused = checked.error();
    } else {
      // Re-sent chunks are written too: a re-send may carry a newer fencing
      // token, and only a record raises it on every node.
      const std::string fence = std::to_string(request.fencingToken);
      for (std::size_t i = 0; i < request.contents.size(); ++i) {
        const std::string& content = request.contents[i];
        records.push_back(OutgoingRecord{
            sessionChannel(stream.sessionId),
            encodeChunkEvent(stream, request.firstIndex + static_cast<std::int64_t>(i), content),
            {{kSession, stream.sessionId}, {kFence, fence}, {kContent, content}}});
      }
      PendingWrite write;
      write.appended = std::move(done);
      id = core_->beginWrite(std::move(write), records.size());
    }
  }
  if (!refused.isOk()) return done(refused);  // off the lock: the callback may call back
  for (auto& record : records) {
    record.headers.emplace_back(kWrite, id);
    log_->produce(std::move(record), core_->onDelivered(id));
  }
}

void KafkaStreamStore::finish(const StreamId& stream, const Terminal& terminal, std::uint64_t fencingToken,
                              Callback<Terminal> done) {
  if (Status bad = checkFinishRequest(stream, terminal); !bad) return done(bad);
  OutgoingRecord record;
  std::string id;
  Status refused;
  {
    std::lock_guard lock(core_->mutex);
    auto recorded = core_->table.finish(stream, terminal, fencingToken, core_->clock->now(), false);
    // A chunk count that does not match may be chunks this node has not read yet.
    const bool maybeBehind = !recorded && recorded.error().code() == Code::kConflict;
    if (!recorded && !maybeBehind) {
      refused = recorded.error();
    } else {
      // Written even when it repeats the recorded terminal: it may raise the fencing token.
      const Terminal& told = recorded ? *recorded : terminal;
      record = OutgoingRecord{sessionChannel(stream.sessionId),
                              encodeTerminalEvent(stream, told),
                              {{kSession, stream.sessionId},
                               {kFence, std::to_string(fencingToken)},
                               {kCode, told.code},
                               {kMessage, told.message}}};
      PendingWrite write;
      write.finished = std::move(done);
      id = core_->beginWrite(std::move(write), 1);
    }
  }
  if (!refused.isOk()) return done(refused);
  record.headers.emplace_back(kWrite, id);
  log_->produce(std::move(record), core_->onDelivered(id));
}

void KafkaStreamStore::openStreams(std::size_t max, Callback<std::vector<StreamId>> done) {
  std::vector<StreamId> open;
  {
    std::lock_guard lock(core_->mutex);
    open = core_->table.openStreams(max, core_->clock->now());
  }
  done(std::move(open));
}

void KafkaStreamStore::read(const StreamId& stream, std::int64_t fromIndex, std::size_t maxChunks,
                            Callback<StreamSlice> done) {
  if (Status bad = checkReadRequest(stream, fromIndex); !bad) return done(bad);
  Expected<StreamSlice> slice = Status(Code::kInternal, "unset");
  {
    std::lock_guard lock(core_->mutex);
    slice = core_->table.read(stream, fromIndex, maxChunks, core_->clock->now());
  }
  done(std::move(slice));
}

void KafkaStreamStore::fold(const IncomingRecord& record, bool live) {
  const auto session = record.header(kSession);
  const auto fence = record.header(kFence);
  if (!session || !fence) return;  // a bus-only record
  auto event = decodeEvent(record.value());
  if (!event || (event->kind != EventKind::kChunk && !isTerminal(event->kind))) return;
  const StreamId stream{std::string(*session), std::string(event->messageId)};
  const std::uint64_t token = parseFence(*fence);
  std::optional<PendingWrite> completed;
  {
    std::lock_guard lock(core_->mutex);
    const auto now = core_->clock->now();
    const auto at = live ? now : recordTime(record, now);
    Status outcome;
    std::int64_t next = 0;
    std::optional<Terminal> recorded;
    if (event->kind == EventKind::kChunk) {
      const std::string content(record.header(kContent).value_or(""));
      auto appended = core_->table.append(AppendRequest{stream, event->index, {content}, token}, at);
      if (appended) next = *appended;
      outcome = appended.status();
    } else {
      const TerminalKind kind = event->kind == EventKind::kComplete    ? TerminalKind::kComplete
                                : event->kind == EventKind::kCancelled ? TerminalKind::kCancelled
                                : event->kind == EventKind::kFailed    ? TerminalKind::kFailed
                                                                       : TerminalKind::kInterrupted;
      Terminal terminal{kind, event->index, std::string(record.header(kCode).value_or("")),
                        std::string(record.header(kMessage).value_or(""))};
      if (event->index > 0 && !core_->table.read(stream, 0, 0, at)) {
        // The end of a stream whose chunks this node does not hold (evicted,
        // or older than its replay): recording it would invent an empty one.
        outcome = kind == TerminalKind::kComplete ? completeCountError(stream, event->index, 0)
                                                  : unknownStreamError(stream);
      } else {
        auto finished = core_->table.finish(stream, terminal, token, at);
        if (finished) recorded = *finished;
        outcome = finished.status();
      }
    }
    const auto write = record.header(kWrite);
    if (!write) return;
    const auto it = core_->writes.find(*write);
    if (it == core_->writes.end()) return;  // another node's write, or one that gave up
    PendingWrite& pending = it->second;
    if (!outcome && pending.firstError) pending.firstError = outcome;
    if (outcome) {
      pending.next = std::max(pending.next, next);
      if (recorded) pending.recorded = recorded;
    }
    if (--pending.remaining == 0) {
      completed = std::move(pending);
      core_->writes.erase(it);
    }
  }
  if (completed) completed->complete();
}

void KafkaStreamStore::failWrites(const Status& status) {
  std::map<std::string, PendingWrite, std::less<>> failed;
  {
    std::lock_guard lock(core_->mutex);
    failed.swap(core_->writes);
  }
  for (auto& [id, write] : failed) {
    write.firstError = status;
    write.complete();
  }
}

void KafkaStreamStore::expireWrites() {
  std::vector<PendingWrite> expired;
  {
    std::lock_guard lock(core_->mutex);
    const auto now = core_->clock->now();
    for (auto it = core_->writes.begin(); it != core_->writes.end();) {
      if (it->second.deadline > now) {
        ++it;
        continue;
      }
      expired.push_back(std::move(it->second));
      it = core_->writes.erase(it);
    }
  }
  for (auto& write : expired) {
    write.firstError =
        Status(Code::kTimeout, "kafka " + log_->config().topic +
                                   ": write acknowledged but not read back in time; outcome unknown");
    write.complete();
  }
}

}  // namespace streamgate::kafka
