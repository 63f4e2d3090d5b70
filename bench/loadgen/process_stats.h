// CPU time and resident memory of a process, from /proc (Linux only).
#pragma once

#include <cstdint>
#include <optional>

namespace streamgate::bench {

struct ProcessSample {
  double cpuSeconds = 0;   // utime + stime of /proc/<pid>/stat (clock-tick resolution)
  std::int64_t rssKb = 0;  // VmRSS of /proc/<pid>/status
};

// nullopt when the process is gone or /proc cannot be read.
std::optional<ProcessSample> sampleProcess(int pid);

// CPU time of this process so far (getrusage), for the load generator's own cost.
double selfCpuSeconds();

}  // namespace streamgate::bench
