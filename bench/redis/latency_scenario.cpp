// (a) Append-to-subscriber latency of one paced stream.
//
// The pacing thread takes the time right before StreamStore::append and
// stores it by chunk index; the subscriber's handler (on the plugin's
// subscriber thread) takes the time when the chunk's event arrives. Both are
// this process's steady clock. The append's own completion (Redis answered
// the script) is recorded too: the two together tell whether the store or
// the pub/sub delivery is the slow part.
#include <atomic>
#include <thread>

#include "background_load.h"
#include "scenarios.h"
#include "streamgate/stream_event.h"

namespace streamgate::bench {
namespace {

// Shared with the callbacks, so a run that times out leaves them nothing dangling.
struct LatencyState {
  LatencyState(int chunks, int warmup)
      : sentNs(static_cast<std::size_t>(chunks)), warmup(warmup), allReceived(chunks), allAppended(chunks) {}

  std::vector<std::atomic<std::int64_t>> sentNs;
  const int warmup;

  // Subscriber thread only.
  LatencyHistogram delivered;
  std::int64_t expectedIndex = 0, outOfOrder = 0, unexpected = 0;
  CountDown allReceived;

  // Under appendMutex: completions run on a lane thread.
  std::mutex appendMutex;
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

}  // namespace

bool runLatency(ScenarioRun& run, JsonObject& out) {
  const auto& options = run.options;
  const int chunks = options.chunks;
  const StreamId stream{run.idPrefix + "lat", "m"};
  const auto state = std::make_shared<LatencyState>(chunks, options.warmup);

  std::vector<std::pair<std::string, MessageHandler>> channel;
  channel.emplace_back(sessionChannel(stream.sessionId),
                       [state](std::string_view, std::string_view payload) { state->onEvent(payload); });
  auto subscription = subscribeAll(run.plugin.subscriberBus(), std::move(channel), run.deadline).handles;

  BackgroundLoad background(run.plugin.store(), run.plugin.subscriberBus(), run.idPrefix + "bg",
                            options.backgroundStreams, options.backgroundRate, options.chunkBytes);
  background.start(run.deadline);
  if (options.backgroundStreams > 0)
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // steady state

  LatencyHistogram pacerLate;  // how late the pacing thread got to each append: the machine's noise
  CpuWindow cpu(run.probe);
  cpu.start();
  const auto begin = SteadyClock::now();
  const auto interval = std::chrono::microseconds(options.intervalUs);
  for (int i = 0; i < chunks; ++i) {
    const auto due = begin + i * interval;
    std::this_thread::sleep_until(due);
    const auto sentAt = SteadyClock::now();
    if (i >= options.warmup) pacerLate.record(microsBetween(due, sentAt));
    state->sentNs[static_cast<std::size_t>(i)].store(nanosOf(sentAt), std::memory_order_release);
    run.plugin.store().append(
        AppendRequest{stream, i, {chunkContent(i, options.chunkBytes)}, 1},
        [state, i, sentAt](Expected<std::int64_t> result) { state->onAppended(i, sentAt, result); });
  }
  const bool appendsDone = state->allAppended.waitUntil(run.deadline);
  const bool eventsDone =
      state->allReceived.waitUntil(std::min(run.deadline, SteadyClock::now() + std::chrono::seconds(5)));
  const auto end = SteadyClock::now();
  cpu.stop();
  background.stop();
  subscription.clear();  // no handler runs past here

  std::lock_guard lock(state->appendMutex);
  const bool ok = appendsDone && eventsDone && state->appendErrors == 0 && state->outOfOrder == 0 &&
                  state->unexpected == 0;
  out.add("chunks", chunks)
      .add("intervalUs", options.intervalUs)
      .add("warmup", options.warmup)
      .add("received", chunks - state->allReceived.left())
      .add("seconds", std::chrono::duration<double>(end - begin).count())
      .addRaw("latencyUs", histogramJson(state->delivered))
      .addRaw("appendUs", histogramJson(state->appended))
      .addRaw("pacerLateUs", histogramJson(pacerLate))
      .addRaw("cpu", cpuJson(cpu, chunks))
      .addRaw("background", background.json())
      .add("appendErrors", state->appendErrors)
      .add("outOfOrder", state->outOfOrder)
      .add("unexpectedEvents", state->unexpected);
  if (!state->firstError.empty()) out.add("firstError", state->firstError);
  return ok;
}

}  // namespace streamgate::bench
