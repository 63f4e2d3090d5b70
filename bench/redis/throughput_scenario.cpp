// (c) Throughput: --streams streams of --stream-chunks chunks, all at once,
// each appending its next --batch chunks as soon as its previous append
// completed (one append in flight per stream, as a node's producer does).
// Every stream has its own session, and the subscriber watches all of them:
// a run counts as done when every append completed AND every chunk's event
// arrived, once and in order; chunks/s is measured to the later of the two.
//
// Producer threads play the node's event loops: a completion callback (on a
// plugin lane thread) hands the stream to its producer, which issues the
// next append. With --producer-threads 0 the callback appends itself.
#include <atomic>
#include <condition_variable>
#include <deque>
#include <thread>

#include "scenarios.h"
#include "streamgate/stream_event.h"

namespace streamgate::bench {
namespace {

struct StreamState {
  StreamId id;
  std::int64_t next = 0;                          // the issuing side's: one append in flight at a time
  std::vector<std::atomic<std::int64_t>> sentNs;  // by chunk index: when its append was called
  std::int64_t received = 0;                      // the subscriber thread's
};

struct ThroughputState {
  ThroughputState(int streams, std::int64_t chunks) : appendsDone(streams), eventsDone(chunks) {}

  std::vector<std::unique_ptr<StreamState>> streams;
  std::int64_t chunksPerStream = 0;
  int batch = 1;
  int chunkBytes = 24;
  StreamStore* store = nullptr;

  CountDown appendsDone;  // per stream: its last append completed (or failed)
  CountDown eventsDone;   // per chunk event
  std::atomic<std::int64_t> lastAppendNs{0}, lastEventNs{0};
  std::atomic<std::int64_t> appendErrors{0};
  std::mutex errorMutex;
  std::string firstError;

  // Subscriber thread only.
  LatencyHistogram delivered;
  std::int64_t outOfOrder = 0, unexpected = 0;

  // Producers: one queue each, drained whole per wake-up.
  struct Producer {
    std::mutex mutex;
    std::condition_variable wake;
    std::vector<std::size_t> ready;
    bool stopping = false;
    std::thread thread;
  };
  std::vector<std::unique_ptr<Producer>> producers;

  void hand(std::size_t stream) {
    if (producers.empty()) return issue(stream);
    Producer& producer = *producers[stream % producers.size()];
    bool wasEmpty = false;
    {
      std::lock_guard lock(producer.mutex);
      wasEmpty = producer.ready.empty();
      producer.ready.push_back(stream);
    }
    if (wasEmpty) producer.wake.notify_one();
  }

  void produce(Producer& producer) {
    std::vector<std::size_t> ready;
    std::unique_lock lock(producer.mutex);
    while (true) {
      producer.wake.wait(lock, [&] { return producer.stopping || !producer.ready.empty(); });
      if (producer.stopping) return;
      ready.swap(producer.ready);
      lock.unlock();
      for (const std::size_t stream : ready) issue(stream);
      ready.clear();
      lock.lock();
    }
  }

  void issue(std::size_t index);
  void onAppended(std::size_t index, const Expected<std::int64_t>& result);
  void onEvent(std::size_t index, std::string_view payload);
};

void ThroughputState::issue(std::size_t index) {
  StreamState& stream = *streams[index];
  AppendRequest request{stream.id, stream.next, {}, 1};
  const std::int64_t end = std::min(chunksPerStream, stream.next + batch);
  request.contents.reserve(static_cast<std::size_t>(end - stream.next));
  for (std::int64_t i = stream.next; i < end; ++i) request.contents.push_back(chunkContent(i, chunkBytes));
  const auto sentNs = nanosOf(SteadyClock::now());
  for (std::int64_t i = stream.next; i < end; ++i) {
    stream.sentNs[static_cast<std::size_t>(i)].store(sentNs, std::memory_order_release);
  }
  // The state outlives every callback: the run waits for all of them or aborts.
  store->append(request, [this, index](Expected<std::int64_t> result) { onAppended(index, result); });
}

void ThroughputState::onAppended(std::size_t index, const Expected<std::int64_t>& result) {
  StreamState& stream = *streams[index];
  if (!result) {
    if (appendErrors.fetch_add(1) == 0) {
      std::lock_guard lock(errorMutex);
      firstError = stream.id.sessionId + ": " + result.status().toString();
    }
    lastAppendNs.store(nanosOf(SteadyClock::now()));
    appendsDone.countDown();  // this stream gives up: the run fails
    return;
  }
  stream.next = *result;
  if (stream.next < chunksPerStream) return hand(index);
  lastAppendNs.store(nanosOf(SteadyClock::now()));
  appendsDone.countDown();
}

void ThroughputState::onEvent(std::size_t index, std::string_view payload) {
  const auto now = nanosOf(SteadyClock::now());
  StreamState& stream = *streams[index];
  const auto event = decodeEvent(payload);
  if (!event || event->kind != EventKind::kChunk || event->index < 0 || event->index >= chunksPerStream) {
    ++unexpected;
    return;
  }
  if (event->index != stream.received) ++outOfOrder;
  stream.received = event->index + 1;
  delivered.record(
      (now - stream.sentNs[static_cast<std::size_t>(event->index)].load(std::memory_order_acquire)) / 1000);
  lastEventNs.store(now, std::memory_order_relaxed);
  eventsDone.countDown();
}

}  // namespace

bool runThroughput(ScenarioRun& run, JsonObject& out) {
  const auto& options = run.options;
  const std::int64_t total = static_cast<std::int64_t>(options.streams) * options.streamChunks;
  auto state = std::make_unique<ThroughputState>(options.streams, total);
  state->chunksPerStream = options.streamChunks;
  state->batch = options.batch;
  state->chunkBytes = options.chunkBytes;
  state->store = &run.plugin.store();

  std::vector<std::pair<std::string, MessageHandler>> channels;
  for (int i = 0; i < options.streams; ++i) {
    auto stream = std::make_unique<StreamState>();
    stream->id = StreamId{run.idPrefix + "s" + std::to_string(i), "m"};
    stream->sentNs = std::vector<std::atomic<std::int64_t>>(static_cast<std::size_t>(options.streamChunks));
    channels.emplace_back(sessionChannel(stream->id.sessionId),
                          [raw = state.get(), i](std::string_view, std::string_view payload) {
                            raw->onEvent(static_cast<std::size_t>(i), payload);
                          });
    state->streams.push_back(std::move(stream));
  }
  const auto subscribeBegin = SteadyClock::now();
  auto subscribed = subscribeAll(run.plugin.subscriberBus(), std::move(channels), run.deadline);
  auto& subscriptions = subscribed.handles;
  const double subscribeSeconds = std::chrono::duration<double>(SteadyClock::now() - subscribeBegin).count();

  for (int p = 0; p < options.producerThreads; ++p)
    state->producers.push_back(std::make_unique<ThroughputState::Producer>());
  for (auto& producer : state->producers) {
    producer->thread =
        std::thread([raw = state.get(), producer = producer.get()] { raw->produce(*producer); });
  }

  CpuWindow cpu(run.probe);
  cpu.start();
  const auto begin = SteadyClock::now();
  for (std::size_t i = 0; i < state->streams.size(); ++i) state->hand(i);
  const bool appendsDone = state->appendsDone.waitUntil(run.deadline);
  // Events trail their appends by one subscriber round trip at most.
  const bool eventsDone =
      state->eventsDone.waitUntil(std::min(run.deadline, SteadyClock::now() + std::chrono::seconds(5)));
  cpu.stop();

  for (auto& producer : state->producers) {
    {
      std::lock_guard lock(producer->mutex);
      producer->stopping = true;
    }
    producer->wake.notify_one();
    producer->thread.join();
  }
  subscriptions.clear();  // no handler runs past here
  if (!appendsDone) {
    // Callbacks may still come and they point at the state: keep it alive,
    // the process ends soon anyway.
    static_cast<void>(state.release());
  }
  if (!state) {
    out.add("appendsCompleted", false).add("firstError", "appends still in flight at the deadline");
    return false;
  }

  const auto beginNs = nanosOf(begin);
  const double appendSeconds = static_cast<double>(state->lastAppendNs.load() - beginNs) / 1e9;
  const double eventSeconds = static_cast<double>(state->lastEventNs.load() - beginNs) / 1e9;
  const double seconds = std::max(appendSeconds, eventSeconds);
  const std::int64_t received = total - state->eventsDone.left();
  const bool ok = appendsDone && eventsDone && state->appendErrors.load() == 0 && state->outOfOrder == 0 &&
                  state->unexpected == 0 && received == total;
  out.add("streams", options.streams)
      .add("chunksPerStream", options.streamChunks)
      .add("batch", options.batch)
      .add("producerThreads", options.producerThreads)
      .add("chunks", total)
      .add("received", received)
      .add("subscribeSeconds", subscribeSeconds)
      .add("subscribeRetries", subscribed.retried)
      .add("appendSeconds", appendSeconds)
      .add("seconds", seconds)
      .add("appendedPerSec", appendSeconds > 0 ? static_cast<double>(total) / appendSeconds : 0.0)
      .add("chunksPerSec", seconds > 0 ? static_cast<double>(received) / seconds : 0.0)
      .addRaw("latencyUs", histogramJson(state->delivered))
      .addRaw("cpu", cpuJson(cpu, total))
      .add("appendErrors", state->appendErrors.load())
      .add("outOfOrder", state->outOfOrder)
      .add("unexpectedEvents", state->unexpected);
  std::lock_guard lock(state->errorMutex);
  if (!state->firstError.empty()) out.add("firstError", state->firstError);
  return ok;
}

}  // namespace streamgate::bench
