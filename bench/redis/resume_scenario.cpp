// (b) Resume: what a reconnecting client that missed a whole answer costs
// the store. One stream of --resume-chunks chunks is written first (in
// appends of 100), then read whole with StreamStore::read(stream, 0, N),
// --reads times one after the other, each timed from the call to its
// callback (the plugin's lane thread) and checked: all N chunks, the right
// content at both ends.
#include <stdexcept>
#include <thread>

#include "background_load.h"
#include "common/stream_fill.h"
#include "scenarios.h"

namespace streamgate::bench {
namespace {

constexpr int kWriteBatch = 100;

}  // namespace

bool runResume(ScenarioRun& run, JsonObject& out) {
  const auto& options = run.options;
  const int total = options.resumeChunks;
  const StreamId stream{run.idPrefix + "resume", "m"};
  StreamStore& store = run.plugin.store();

  fillStream(store, stream, total, kWriteBatch, options.chunkBytes, run.deadline);

  BackgroundLoad background(store, run.plugin.subscriberBus(), run.idPrefix + "bg", options.backgroundStreams,
                            options.backgroundRate, options.chunkBytes);
  background.start(run.deadline);
  if (options.backgroundStreams > 0) std::this_thread::sleep_for(std::chrono::milliseconds(300));

  LatencyHistogram readUs;
  std::int64_t bad = 0;
  std::string firstError;
  CpuWindow cpu(run.probe);
  cpu.start();
  const auto begin = SteadyClock::now();
  for (int r = 0; r < options.reads; ++r) {
    const auto calledAt = SteadyClock::now();
    auto answer = await<StreamSlice>(
        [&](Callback<StreamSlice> done) {
          store.read(stream, 0, static_cast<std::size_t>(total), std::move(done));
        },
        run.deadline);
    const auto& slice = answer.result;
    if (!slice) {
      if (bad++ == 0) firstError = slice.status().toString();
      if (slice.status().code() == Code::kTimeout) break;
      continue;
    }
    readUs.record(microsBetween(calledAt, answer.at));
    if (const auto wrong = checkWholeStream(*slice, total, options.chunkBytes); !wrong.empty() && bad++ == 0)
      firstError = wrong;
  }
  const auto end = SteadyClock::now();
  cpu.stop();
  background.stop();

  out.add("resumeChunks", total)
      .add("reads", options.reads)
      .add("seconds", std::chrono::duration<double>(end - begin).count())
      .addRaw("readUs", histogramJson(readUs))
      .addRaw("cpu", cpuJson(cpu, static_cast<std::int64_t>(total) * options.reads))
      .addRaw("background", background.json())
      .add("badReads", bad);
  if (!firstError.empty()) out.add("firstError", firstError);
  return bad == 0 && readUs.count() == static_cast<std::uint64_t>(options.reads);
}

}  // namespace streamgate::bench
