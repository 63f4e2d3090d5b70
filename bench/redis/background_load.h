// Other streams appending while a scenario measures one: `streams` streams,
// each watched by the subscriber (so the subscriber connection carries
// their events too, as a node's would), appended to at `ratePerSec` chunks/s
// in all from one pacing thread, or with rate 0 each stream as fast as its
// appends complete (from the completion callback: Redis saturated).
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bench_support.h"
#include "streamgate/message_bus.h"
#include "streamgate/stream_store.h"

namespace streamgate::bench {

class BackgroundLoad {
 public:
  BackgroundLoad(StreamStore& store, MessageBus& bus, std::string sessionPrefix, int streams, int ratePerSec,
                 int chunkBytes);
  ~BackgroundLoad();  // stop()

  BackgroundLoad(const BackgroundLoad&) = delete;
  BackgroundLoad& operator=(const BackgroundLoad&) = delete;

  // Subscribes every stream's channel (throws like subscribeAll), then starts appending.
  void start(SteadyClock::time_point deadline);
  // Stops appending and waits up to 10 s for the appends in flight.
  void stop();

  // {"streams","ratePerSec","appended","chunksPerSec","received","errors","skipped","subscribeRetries"}.
  std::string json() const;

 private:
  struct Stream {
    StreamId id;
    std::int64_t next = 0;  // next index to append (the issuing thread's)
    std::atomic<int> inFlight{0};
  };
  static constexpr int kMaxInFlightPerStream = 8;

  void issue(Stream& stream);
  void pace();

  StreamStore& store_;
  MessageBus& bus_;
  const int ratePerSec_;
  const int chunkBytes_;
  std::vector<std::unique_ptr<Stream>> streams_;
  std::vector<std::shared_ptr<Subscription>> subscriptions_;
  std::int64_t subscribeRetries_ = 0;

  std::atomic<bool> stopping_{false};
  std::atomic<std::int64_t> inFlight_{0};
  std::atomic<std::int64_t> appended_{0};
  std::atomic<std::int64_t> received_{0};
  std::atomic<std::int64_t> errors_{0};
  std::atomic<std::int64_t> skipped_{0};  // paced: a stream had too many appends in flight
  SteadyClock::time_point startedAt_{}, stoppedAt_{};
  std::thread pacer_;
  bool started_ = false;
};

}  // namespace streamgate::bench
