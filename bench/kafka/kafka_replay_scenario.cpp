// (2) Replay speed on start: a starting instance reads the topic (back to
// replay_from) into its stream table before create() returns. Streams are
// written through instance A first; then instance C's create() is timed and
// the plugin's own "replayed up to N records in X ms" line is read back from
// the logger. C must then hold every chunk of the streams read from it.
#include <algorithm>
#include <mutex>
#include <regex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "common/stream_fill.h"
#include "kafka_scenarios.h"

namespace streamgate::bench {
namespace {

StreamId replayStream(const std::string& prefix, int i) {
  return StreamId{prefix + "rp" + std::to_string(i), "m"};
}

}  // namespace

bool runKafkaReplay(KafkaRun& run, JsonObject& out) {
  const auto& options = run.options;
  const auto writer = run.plugin.create("bench-a", kStreamStore | kMessageBus);
  const auto store = writer->streamStore();
  if (!store) throw std::runtime_error("the kafka plugin lacks a stream store");

  // `writers` threads, each filling every writers-th stream one append after
  // the other: the streams' appends overlap as a node's would.
  const int writers = std::max(1, std::min(options.writers, options.streams));
  std::mutex failureMutex;
  std::string failure;
  std::vector<std::thread> threads;
  const auto writeBegin = SteadyClock::now();
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      try {
        for (int s = w; s < options.streams; s += writers)
          fillStream(*store, replayStream(run.idPrefix, s), options.streamChunks, options.batch,
                     options.chunkBytes, run.deadline);
      } catch (const std::exception& error) {
        std::lock_guard lock(failureMutex);
        if (failure.empty()) failure = error.what();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  if (!failure.empty()) throw std::runtime_error(failure);
  const double writeSeconds = std::chrono::duration<double>(SteadyClock::now() - writeBegin).count();
  const auto written = static_cast<std::int64_t>(options.streams) * options.streamChunks;

  const auto logsBefore = run.plugin.logger().messagesWith("replayed up to").size();
  const auto createBegin = SteadyClock::now();
  const auto replayer = run.plugin.create("bench-c", kStreamStore | kMessageBus);
  const auto createEnd = SteadyClock::now();
  const double createSeconds = std::chrono::duration<double>(createEnd - createBegin).count();

  // The plugin's own count: every record of the topic within replay_from,
  // earlier runs' included, so it is at least `written`.
  std::int64_t replayedRecords = -1, replayedMs = -1;
  const auto lines = run.plugin.logger().messagesWith("replayed up to");
  if (lines.size() > logsBefore) {
    std::smatch match;
    const std::regex pattern(R"(replayed up to (\d+) records in (\d+) ?ms)");
    if (std::regex_search(lines.back(), match, pattern)) {
      replayedRecords = std::stoll(match[1]);
      replayedMs = std::stoll(match[2]);
    }
  }

  const auto replayedStore = replayer->streamStore();
  std::int64_t badReads = 0;
  std::string firstError;
  const int verify = std::min(options.verifyStreams, options.streams);
  for (int v = 0; v < verify; ++v) {
    // Spread over the written streams: the first, the last and between.
    const int s = verify == 1
                      ? 0
                      : static_cast<int>(static_cast<std::int64_t>(v) * (options.streams - 1) / (verify - 1));
    auto answer = await<StreamSlice>(
        [&](Callback<StreamSlice> done) {
          replayedStore->read(replayStream(run.idPrefix, s), 0,
                              static_cast<std::size_t>(options.streamChunks), std::move(done));
        },
        run.deadline);
    std::string wrong = answer.result
                            ? checkWholeStream(*answer.result, options.streamChunks, options.chunkBytes)
                            : answer.result.status().toString();
    if (!wrong.empty() && badReads++ == 0) firstError = "stream " + std::to_string(s) + ": " + wrong;
  }

  const auto perSecond = [](std::int64_t records, double seconds) {
    return seconds > 0 ? static_cast<double>(records) / seconds : 0.0;
  };
  out.add("streams", options.streams)
      .add("streamChunks", options.streamChunks)
      .add("batch", options.batch)
      .add("writers", writers)
      .add("written", written)
      .add("writeSeconds", writeSeconds)
      .add("writtenChunksPerSec", perSecond(written, writeSeconds))
      .add("createSeconds", createSeconds)
      .add("replayedRecords", replayedRecords)
      .add("replayedMs", replayedMs)
      .add("recordsPerSec", perSecond(replayedRecords, createSeconds))
      .add("writtenChunksPerCreateSec", perSecond(written, createSeconds))
      .add("verifiedStreams", verify)
      .add("badReads", badReads);
  if (!firstError.empty()) out.add("firstError", firstError);
  return replayedRecords >= 0 && badReads == 0;
}

}  // namespace streamgate::bench
