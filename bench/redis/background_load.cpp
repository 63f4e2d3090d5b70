#include "background_load.h"

#include "streamgate/stream_event.h"

namespace streamgate::bench {

using namespace std::chrono_literals;

BackgroundLoad::BackgroundLoad(StreamStore& store, MessageBus& bus, std::string sessionPrefix, int streams,
                               int ratePerSec, int chunkBytes)
    : store_(store), bus_(bus), ratePerSec_(ratePerSec), chunkBytes_(chunkBytes) {
  for (int i = 0; i < streams; ++i) {
    auto stream = std::make_unique<Stream>();
    stream->id = StreamId{sessionPrefix + std::to_string(i), "m"};
    streams_.push_back(std::move(stream));
  }
}

BackgroundLoad::~BackgroundLoad() { stop(); }

void BackgroundLoad::start(SteadyClock::time_point deadline) {
  if (streams_.empty()) return;
  std::vector<std::pair<std::string, MessageHandler>> channels;
  for (const auto& stream : streams_) {
    channels.emplace_back(sessionChannel(stream->id.sessionId), [this](std::string_view, std::string_view) {
      received_.fetch_add(1, std::memory_order_relaxed);
    });
  }
  auto subscribed = subscribeAll(bus_, std::move(channels), deadline);
  subscriptions_ = std::move(subscribed.handles);
  subscribeRetries_ = subscribed.retried;
  started_ = true;
  startedAt_ = SteadyClock::now();
  if (ratePerSec_ > 0) {
    pacer_ = std::thread([this] { pace(); });
  } else {
    for (auto& stream : streams_) issue(*stream);
  }
}

void BackgroundLoad::issue(Stream& stream) {
  AppendRequest request{stream.id, stream.next, {chunkContent(stream.next, chunkBytes_)}, 1};
  ++stream.next;
  stream.inFlight.fetch_add(1, std::memory_order_relaxed);
  inFlight_.fetch_add(1, std::memory_order_relaxed);
  store_.append(request, [this, &stream](Expected<std::int64_t> result) {
    if (result) {
      appended_.fetch_add(1, std::memory_order_relaxed);
    } else {
      errors_.fetch_add(1, std::memory_order_relaxed);
    }
    stream.inFlight.fetch_sub(1, std::memory_order_relaxed);
    // Closed loop: the next chunk as soon as this one is stored.
    if (ratePerSec_ == 0 && result && !stopping_.load(std::memory_order_relaxed)) issue(stream);
    inFlight_.fetch_sub(1, std::memory_order_release);
  });
}

void BackgroundLoad::pace() {
  // Every millisecond, as many appends as the rate owes by now, round robin.
  std::int64_t issued = 0;
  std::size_t nextStream = 0;
  while (!stopping_.load(std::memory_order_relaxed)) {
    const double elapsed = std::chrono::duration<double>(SteadyClock::now() - startedAt_).count();
    const auto owed = static_cast<std::int64_t>(elapsed * ratePerSec_);
    for (; issued < owed; ++issued) {
      Stream& stream = *streams_[nextStream];
      nextStream = (nextStream + 1) % streams_.size();
      if (stream.inFlight.load(std::memory_order_relaxed) >= kMaxInFlightPerStream) {
        skipped_.fetch_add(1, std::memory_order_relaxed);
        continue;
      }
      issue(stream);
    }
    std::this_thread::sleep_for(1ms);
  }
}

void BackgroundLoad::stop() {
  if (!started_) return;
  started_ = false;
  stopping_.store(true);
  if (pacer_.joinable()) pacer_.join();
  stoppedAt_ = SteadyClock::now();
  const auto deadline = SteadyClock::now() + 10s;
  while (inFlight_.load(std::memory_order_acquire) > 0 && SteadyClock::now() < deadline) {
    std::this_thread::sleep_for(1ms);
  }
  subscriptions_.clear();
}

std::string BackgroundLoad::json() const {
  const double seconds = std::chrono::duration<double>(stoppedAt_ - startedAt_).count();
  const auto appended = appended_.load();
  return JsonObject()
      .add("streams", static_cast<std::int64_t>(streams_.size()))
      .add("ratePerSec", ratePerSec_)
      .add("appended", appended)
      .add("chunksPerSec", seconds > 0 ? static_cast<double>(appended) / seconds : 0.0)
      .add("received", received_.load())
      .add("errors", errors_.load())
      .add("skipped", skipped_.load())
      .add("subscribeRetries", subscribeRetries_)
      .str();
}

}  // namespace streamgate::bench
