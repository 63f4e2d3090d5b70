// CPU time and resident memory of a process, from /proc (Linux only).
#pragma once

#include <cstdint>
#include <optional>

namespace streamgate::bench {

struct ProcessSample {
  double cpuSeconds = 0;        // utime + stime of /proc/<pid>/stat (clock-tick resolution)
  std::int64_t rssKb = 0;       // VmRSS of /proc/<pid>/status
  std::int64_t writeCalls = 0;  // syscw of /proc/<pid>/io: write()/writev()/send() calls
  std::int64_t readCalls = 0;   // syscr
};

// nullopt when the process is gone or /proc cannot be read.
std::optional<ProcessSample> sampleProcess(int pid);

// CPU seconds the whole machine spent busy so far (/proc/stat), to tell
// how much of a run's CPU went to other processes.
double machineBusySeconds();

// CPU time of this process so far (getrusage), for the load generator's own cost.
double selfCpuSeconds();

}  // namespace streamgate::bench
