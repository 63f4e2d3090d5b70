// Append -> subscriber latency of one paced stream, over any StreamStore and
// MessageBus (the redis and kafka benchmarks' latency scenarios).
//
// The pacing thread takes the time right before StreamStore::append and
// stores it by chunk index; the subscriber's handler (on the plugin's
// thread) takes the time when the chunk's event arrives on
// sessionChannel(sessionId). Both are this process's steady clock. The
// append's own completion is recorded too: the two together tell whether
// the store or the delivery is the slow part. Not thread-safe: one thread
// calls subscribe(), run(), unsubscribe() and addFields() in that order.
#pragma once

#include <memory>
#include <vector>

#include "common/bench_support.h"
#include "streamgate/stream_store.h"

namespace streamgate::bench {

struct PacedLatencySettings {
  StreamId stream;
  int chunks = 3000;
  int intervalUs = 1000;  // a chunk every intervalUs, or as fast as appends complete if slower
  int warmup = 100;       // the first `warmup` chunks are not counted
  int chunkBytes = 24;
};

class PacedLatency {
 public:
  explicit PacedLatency(PacedLatencySettings settings);
  ~PacedLatency();

  // Subscribes the stream's session channel on `bus`; throws std::runtime_error
  // (subscribeAll) when it is not ready before the deadline.
  void subscribe(MessageBus& bus, SteadyClock::time_point deadline);
  // Paces the appends, then waits for every completion and (up to 5 s more)
  // every event. True when all appends succeeded and every event came once,
  // in order.
  bool run(StreamStore& store, SteadyClock::time_point deadline);
  // Drops the subscription: no handler runs after it returns.
  void unsubscribe();

  // chunks, intervalUs, warmup, received, seconds, latencyUs, appendUs,
  // pacerLateUs, appendErrors, outOfOrder, unexpectedEvents[, firstError].
  void addFields(JsonObject& out) const;
  std::int64_t chunks() const { return settings_.chunks; }

 private:
  struct State;
  PacedLatencySettings settings_;
  std::shared_ptr<State> state_;  // shared with callbacks that may outlive a timed-out run
  std::vector<std::shared_ptr<Subscription>> subscription_;
  LatencyHistogram pacerLate_;  // how late the pacing thread got to each append: the machine's noise
  double seconds_ = 0;
};

}  // namespace streamgate::bench
