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

  void complete() {
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
  {
    std::lock_guard lock(core_->mutex);
    const auto now = core_->clock->now();
    auto checked = core_->table.append(request, now, false);
    if (!checked) return done(checked.error());
    auto stored = core_->table.read(stream, 0, 0, now);
    const std::int64_t next = stored ? stored->nextIndex : 0;
    const std::int64_t end = request.firstIndex + static_cast<std::int64_t>(request.contents.size());
    // An identical re-send of what is stored: nothing to write.
    if (end <= next) return done(*checked);
    const std::string fence = std::to_string(request.fencingToken);
    for (std::int64_t index = next; index < end; ++index) {
      const std::string& content = request.contents[static_cast<std::size_t>(index - request.firstIndex)];
      records.push_back(OutgoingRecord{sessionChannel(stream.sessionId),
                                       encodeChunkEvent(stream, index, content),
                                       {{kSession, stream.sessionId}, {kFence, fence}, {kContent, content}}});
    }
    PendingWrite write;
    write.appended = std::move(done);
    id = core_->beginWrite(std::move(write), records.size());
  }
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
  {
    std::lock_guard lock(core_->mutex);
    const auto now = core_->clock->now();
    auto recorded = core_->table.finish(stream, terminal, fencingToken, now, false);
    if (!recorded) return done(recorded.error());
    // Finishing again the same way: the first terminal stands, nothing to write.
    if (auto stored = core_->table.read(stream, 0, 0, now); stored && stored->terminal)
      return done(*recorded);
    record = OutgoingRecord{sessionChannel(stream.sessionId),
                            encodeTerminalEvent(stream, *recorded),
                            {{kSession, stream.sessionId},
                             {kFence, std::to_string(fencingToken)},
                             {kCode, recorded->code},
                             {kMessage, recorded->message}}};
    PendingWrite write;
    write.finished = std::move(done);
    id = core_->beginWrite(std::move(write), 1);
  }
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
      auto finished = core_->table.finish(stream, terminal, token, at);
      if (finished) recorded = *finished;
      outcome = finished.status();
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
