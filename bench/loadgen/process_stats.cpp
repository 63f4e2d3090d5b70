#include "process_stats.h"

#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace streamgate::bench {

std::optional<ProcessSample> sampleProcess(int pid) {
  const std::string dir = "/proc/" + std::to_string(pid);
  std::ifstream statFile(dir + "/stat");
  std::string stat;
  if (!std::getline(statFile, stat)) return std::nullopt;
  // The command name may hold spaces and parentheses: fields count from the last ')'.
  const std::size_t close = stat.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(stat.substr(close + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int index = 3; fields >> field; ++index) {  // field 3 is the state
    if (index == 14) utime = std::stoull(field);
    if (index == 15) {
      stime = std::stoull(field);
      break;
    }
  }
  ProcessSample sample;
  sample.cpuSeconds = static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));

  std::ifstream statusFile(dir + "/status");
  for (std::string line; std::getline(statusFile, line);) {
    if (line.rfind("VmRSS:", 0) == 0) {
      sample.rssKb = std::stoll(line.substr(6));
      break;
    }
  }
  std::ifstream ioFile(dir + "/io");
  for (std::string line; std::getline(ioFile, line);) {
    if (line.rfind("syscw:", 0) == 0) sample.writeCalls = std::stoll(line.substr(6));
    if (line.rfind("syscr:", 0) == 0) sample.readCalls = std::stoll(line.substr(6));
  }
  return sample;
}

double machineBusySeconds() {
  std::ifstream statFile("/proc/stat");
  std::string cpu;
  unsigned long long user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
  statFile >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal;
  return static_cast<double>(user + nice + system + irq + softirq + steal) /
         static_cast<double>(sysconf(_SC_CLK_TCK));
}

double selfCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

}  // namespace streamgate::bench
