// streamgate-loadgen: drives one streamgate node with many WebSocket
// clients from one process (epoll, one or two threads) and prints what it
// measured. See docs/benchmarks.md and --help.
#include <arpa/inet.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <thread>

#include "load_options.h"
#include "load_worker.h"
#include "process_stats.h"
#include "run_stats.h"

namespace streamgate::bench {
namespace {

using namespace std::chrono_literals;

// Server and load generator numbers at one moment.
struct Snapshot {
  std::optional<ProcessSample> server;
  double selfCpu = 0;
  double machineBusy = 0;
};

Snapshot snapshot(const LoadOptions& options) {
  Snapshot out;
  if (options.serverPid > 0) out.server = sampleProcess(options.serverPid);
  out.selfCpu = selfCpuSeconds();
  out.machineBusy = machineBusySeconds();
  return out;
}

// Polls until `done` or the deadline; true if done. 1 ms is well below what
// the numbers measured here resolve.
template <class Done>
bool waitFor(const RunControl& control, Done done) {
  while (!done()) {
    if (SteadyClock::now() >= control.deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

void raiseFileLimit(int connections) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
  if (static_cast<rlim_t>(connections) + 64 > limit.rlim_cur) {
    std::cerr << "warning: " << connections << " connections but only " << limit.rlim_cur
              << " open files allowed\n";
  }
}

std::string jsonEscape(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

int run(const LoadOptions& options) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(options.port);
  if (inet_pton(AF_INET, options.host.c_str(), &address.sin_addr) != 1) {
    std::cerr << "--host must be an IPv4 address, got " << options.host << '\n';
    return 2;
  }
  raiseFileLimit(options.connections);

  RunControl control;
  const auto begin = SteadyClock::now();
  control.deadline = begin + std::chrono::duration_cast<SteadyClock::duration>(
                                 std::chrono::duration<double>(options.timeoutSeconds));
  const Snapshot before = snapshot(options);

  std::vector<std::unique_ptr<LoadWorker>> workers;
  const int threads = std::min(options.threads, options.connections);
  for (int t = 0, first = 0; t < threads; ++t) {
    const int count = options.connections / threads + (t < options.connections % threads ? 1 : 0);
    workers.push_back(std::make_unique<LoadWorker>(options, address, control, first, count));
    first += count;
  }
  for (auto& worker : workers) worker->start();

  const bool connected = waitFor(control, [&] { return control.workersConnected.load() == threads; });
  const auto connectedAt = SteadyClock::now();
  Snapshot ready = snapshot(options);
  Snapshot start, end;
  if (connected && options.idle) {
    const auto holdUntil =
        std::min(control.deadline, connectedAt + std::chrono::duration_cast<SteadyClock::duration>(
                                                     std::chrono::duration<double>(options.holdSeconds)));
    while (SteadyClock::now() < holdUntil) std::this_thread::sleep_for(10ms);
    end = snapshot(options);
  } else if (connected) {
    start = snapshot(options);
    control.goAt = SteadyClock::now() + 2ms;
    control.go.store(true, std::memory_order_release);
    waitFor(control, [&] { return control.workersFinished.load() == threads; });
    end = snapshot(options);
  }
  control.stop.store(true, std::memory_order_release);

  RunStats stats;
  for (auto& worker : workers) {
    worker->join();
    stats.merge(worker->stats());
  }

  const double connectSeconds = std::chrono::duration<double>(connectedAt - begin).count();
  std::ostringstream json;
  json.setf(std::ios::fixed);
  json.precision(3);
  json << R"({"mode":")" << (options.idle ? "idle" : "stream") << R"(","connections":)" << options.connections
       << R"(,"threads":)" << threads << R"(,"welcomed":)" << stats.welcomed << R"(,"connectFailures":)"
       << stats.connectFailures << R"(,"connectSeconds":)" << connectSeconds;

  bool ok = connected && stats.welcomed == options.connections && stats.violations() == 0;
  if (options.idle) {
    json << R"(,"holdSeconds":)" << options.holdSeconds;
    if (before.server && end.server) {
      const double perConnection =
          static_cast<double>(end.server->rssKb - before.server->rssKb) * 1024.0 / options.connections;
      json << R"(,"server":{"rssBeforeKb":)" << before.server->rssKb << R"(,"rssReadyKb":)"
           << (ready.server ? ready.server->rssKb : 0) << R"(,"rssAfterHoldKb":)" << end.server->rssKb
           << R"(,"rssBytesPerConnection":)" << perConnection << '}';
    }
  } else {
    const double seconds = stats.lastTerminal > control.goAt
                               ? std::chrono::duration<double>(stats.lastTerminal - control.goAt).count()
                               : 0.0;
    const std::int64_t expected = static_cast<std::int64_t>(options.connections) * options.chunks;
    ok = ok && stats.completed == options.connections && stats.chunks == expected;
    json << R"(,"chunksPerConnection":)" << options.chunks << R"(,"intervalMs":)" << options.intervalMs
         << R"(,"chatSpreadMs":)" << options.chatSpreadMs << R"(,"completed":)" << stats.completed
         << R"(,"chunks":)" << stats.chunks << R"(,"expectedChunks":)" << expected << R"(,"seconds":)"
         << seconds << R"(,"chunksPerSec":)"
         << (seconds > 0 ? static_cast<double>(stats.chunks) / seconds : 0) << R"(,"latencyUs":{"p50":)"
         << stats.latency.percentile(0.50) << R"(,"p90":)" << stats.latency.percentile(0.90) << R"(,"p99":)"
         << stats.latency.percentile(0.99) << R"(,"p999":)" << stats.latency.percentile(0.999) << R"(,"max":)"
         << stats.latency.max() << R"(,"mean":)" << stats.latency.mean() << '}';
    if (start.server && end.server) {
      const double cpu = end.server->cpuSeconds - start.server->cpuSeconds;
      const auto perChunk = [&](double value) {
        return stats.chunks > 0 ? value / static_cast<double>(stats.chunks) : 0.0;
      };
      json << R"(,"server":{"cpuSeconds":)" << cpu << R"(,"cpuUsPerChunk":)" << perChunk(cpu * 1e6)
           << R"(,"writeCallsPerChunk":)"
           << perChunk(static_cast<double>(end.server->writeCalls - start.server->writeCalls))
           << R"(,"rssKb":)" << end.server->rssKb << '}';
    }
    const double selfCpu = end.selfCpu - start.selfCpu;
    json << R"(,"loadgen":{"cpuSeconds":)" << selfCpu << R"(,"cpuUsPerChunk":)"
         << (stats.chunks > 0 ? selfCpu * 1e6 / static_cast<double>(stats.chunks) : 0) << '}';
    // CPU the rest of the machine used meanwhile: a busy neighbour skews wall-clock numbers.
    const double otherCpu =
        (end.machineBusy - start.machineBusy) - selfCpu -
        (start.server && end.server ? end.server->cpuSeconds - start.server->cpuSeconds : 0);
    json << R"(,"otherCpuSeconds":)" << std::max(0.0, otherCpu);
  }
  json << R"(,"violations":)" << stats.violations() << R"(,"violationDetail":{"outOfOrder":)"
       << stats.outOfOrder << R"(,"afterTerminal":)" << stats.afterTerminal << R"(,"badTerminal":)"
       << stats.badTerminal << R"(,"errorFrames":)" << stats.errorFrames << R"(,"closedEarly":)"
       << stats.closedEarly << R"(,"unparsable":)" << stats.unparsable << R"(,"unfinished":)"
       << stats.unfinished << '}';
  if (!stats.firstError.empty()) json << R"(,"firstError":")" << jsonEscape(stats.firstError) << '"';
  json << R"(,"ok":)" << (ok ? "true" : "false") << '}';

  if (options.json) {
    std::cout << json.str() << std::endl;
  } else {
    std::cout << json.str() << '\n';
    if (!ok) std::cerr << "run failed: see violations, connectFailures and firstError\n";
  }
  return ok ? 0 : 1;
}

}  // namespace
}  // namespace streamgate::bench

int main(int argc, char** argv) {
  using namespace streamgate::bench;
  LoadOptions options;
  std::string error;
  bool help = false;
  if (!parseLoadOptions(argc, argv, options, error, help)) {
    std::cerr << error << '\n' << loadOptionsUsage();
    return 2;
  }
  if (help) {
    std::cout << loadOptionsUsage();
    return 0;
  }
  if (options.runId.empty()) {
    options.runId =
        "lg" + std::to_string(getpid()) + "-" +
        std::to_string(std::chrono::system_clock::now().time_since_epoch().count() % 1'000'000'000);
  }
  return run(options);
}
