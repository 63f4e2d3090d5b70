#include "bench_support.h"

#include <algorithm>

#include "process_stats.h"

namespace streamgate::bench {

void CpuWindow::start() {
  probe_.resetStats();  // also zeroes total_reads_processed
  self_ = selfCpuSeconds();
  redis_ = probe_.cpuSeconds();
  machine_ = machineBusySeconds();
}

void CpuWindow::stop() {
  self_ = selfCpuSeconds() - self_;
  redis_ = probe_.cpuSeconds() - redis_;
  machine_ = machineBusySeconds() - machine_;
  other_ = std::max(0.0, machine_ - self_ - redis_);
  evalsha_ = probe_.commandStat("evalsha");
  reads_ = probe_.readsProcessed();
}

std::string cpuJson(const CpuWindow& cpu, std::int64_t chunks) {
  const auto perChunk = [&](double seconds) {
    return chunks > 0 ? seconds * 1e6 / static_cast<double>(chunks) : 0.0;
  };
  return JsonObject()
      .add("benchSeconds", cpu.selfSeconds())
      .add("redisSeconds", cpu.redisSeconds())
      .add("otherSeconds", cpu.otherSeconds())
      .add("benchUsPerChunk", perChunk(cpu.selfSeconds()))
      .add("redisUsPerChunk", perChunk(cpu.redisSeconds()))
      .add("evalshaCalls", cpu.evalsha().calls)
      .add("evalshaUsPerCall", cpu.evalsha().usecPerCall)
      .add("redisReads", cpu.redisReads())
      .str();
}

}  // namespace streamgate::bench
