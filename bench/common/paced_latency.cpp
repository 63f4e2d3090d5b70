#include "common/paced_latency.h"

#include <atomic>
#include <thread>

#include "streamgate/stream_event.h"

namespace streamgate::bench {

struct PacedLatency::State {
  State(int chunks, int warmup)
      : sentNs(static_cast<std::size_t>(chunks)), warmup(warmup), allReceived(chunks), allAppended(chunks) {}

  std::vector<std::atomic<std::int64_t>> sentNs;
  const int warmup;

  // Subscriber thread only.
  LatencyHistogram delivered;
  std::int64_t expectedIndex = 0, outOfOrder = 0, unexpected = 0;
  CountDown allReceived;

  // Under appendMutex: completions run on the plugin's threads.
  mutable std::mutex appendMutex;
  LatencyHistogram appended;
  std::int64_t appendErrors = 0;
  std::string firstError;
  CountDown allAppended;

  void onEvent(std::string_view payload) {
    const auto now = nanosOf(SteadyClock::now());
    const auto event = decodeEvent(payload);
    if (!event || event->kind != EventKind::kChunk || event->index < 0 ||
        event->index >= static_cast<std::int64_t>(sentNs.size())) {
      ++unexpected;
      return;
    }
    if (event->index != expectedIndex) ++outOfOrder;
    expectedIndex = event->index + 1;
    if (event->index >= warmup) {
      delivered.record(
          (now - sentNs[static_cast<std::size_t>(event->index)].load(std::memory_order_acquire)) / 1000);
    }
    allReceived.countDown();
  }

  void onAppended(std::int64_t index, SteadyClock::time_point sentAt, const Expected<std::int64_t>& result) {
    const auto now = SteadyClock::now();
    {
      std::lock_guard lock(appendMutex);
      if (!result) {
        if (appendErrors++ == 0) firstError = result.status().toString();
      } else if (index >= warmup) {
        appended.record(microsBetween(sentAt, now));
      }
    }
    allAppended.countDown();
  }
};

PacedLatency::PacedLatency(PacedLatencySettings settings)
    : settings_(std::move(settings)), state_(std::make_shared<State>(settings_.chunks, settings_.warmup)) {}

PacedLatency::~PacedLatency() { unsubscribe(); }

void PacedLatency::subscribe(MessageBus& bus, SteadyClock::time_point deadline) {
  std::vector<std::pair<std::string, MessageHandler>> channel;
  channel.emplace_back(
      sessionChannel(settings_.stream.sessionId),
      [state = state_](std::string_view, std::string_view payload) { state->onEvent(payload); });
  subscription_ = subscribeAll(bus, std::move(channel), deadline).handles;
}

void PacedLatency::unsubscribe() { subscription_.clear(); }

bool PacedLatency::run(StreamStore& store, SteadyClock::time_point deadline) {
  const auto begin = SteadyClock::now();
  const auto interval = std::chrono::microseconds(settings_.intervalUs);
  for (int i = 0; i < settings_.chunks; ++i) {
    const auto due = begin + i * interval;
    std::this_thread::sleep_until(due);
    const auto sentAt = SteadyClock::now();
    if (i >= settings_.warmup) pacerLate_.record(microsBetween(due, sentAt));
    state_->sentNs[static_cast<std::size_t>(i)].store(nanosOf(sentAt), std::memory_order_release);
    store.append(
        AppendRequest{settings_.stream, i, {chunkContent(i, settings_.chunkBytes)}, 1},
        [state = state_, i, sentAt](Expected<std::int64_t> result) { state->onAppended(i, sentAt, result); });
  }
  const bool appendsDone = state_->allAppended.waitUntil(deadline);
  const bool eventsDone =
      state_->allReceived.waitUntil(std::min(deadline, SteadyClock::now() + std::chrono::seconds(5)));
  seconds_ = std::chrono::duration<double>(SteadyClock::now() - begin).count();
  std::lock_guard lock(state_->appendMutex);
  return appendsDone && eventsDone && state_->appendErrors == 0 && state_->outOfOrder == 0 &&
         state_->unexpected == 0;
}

void PacedLatency::addFields(JsonObject& out) const {
  std::lock_guard lock(state_->appendMutex);
  out.add("chunks", settings_.chunks)
      .add("intervalUs", settings_.intervalUs)
      .add("warmup", settings_.warmup)
      .add("received", settings_.chunks - state_->allReceived.left())
      .add("seconds", seconds_)
      .addRaw("latencyUs", histogramJson(state_->delivered))
      .addRaw("appendUs", histogramJson(state_->appended))
      .addRaw("pacerLateUs", histogramJson(pacerLate_))
      .add("appendErrors", state_->appendErrors)
      .add("outOfOrder", state_->outOfOrder)
      .add("unexpectedEvents", state_->unexpected);
  if (!state_->firstError.empty()) out.add("firstError", state_->firstError);
}

}  // namespace streamgate::bench
