// One load generator thread: an epoll set with its share of the
// connections. It opens them at its share of the ramp rate, reports when all
// are welcomed, sends each chat at its scheduled time once told to go, and
// reports when every stream has ended. The main thread coordinates the
// workers only through RunControl.
#pragma once

#include <netinet/in.h>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "client_connection.h"
#include "load_options.h"
#include "run_stats.h"

namespace streamgate::bench {

// Shared by the main thread and the workers.
struct RunControl {
  SteadyClock::time_point deadline;  // nothing runs past it
  // Written before `go` is set (release), read after it is seen (acquire).
  SteadyClock::time_point goAt;
  std::atomic<bool> go{false};
  std::atomic<bool> stop{false};
  std::atomic<int> workersConnected{0};  // every connection welcomed or failed
  std::atomic<int> workersFinished{0};   // every stream ended (or the deadline passed)
};

class LoadWorker {
 public:
  // Connections [first, first + count) of options.connections.
  LoadWorker(const LoadOptions& options, const sockaddr_in& address, RunControl& control, int first,
             int count);
  ~LoadWorker();
  LoadWorker(const LoadWorker&) = delete;
  LoadWorker& operator=(const LoadWorker&) = delete;

  void start();
  void join();
  // After join().
  const RunStats& stats() const noexcept { return stats_; }

 private:
  void run();
  void connectPhase();
  void streamPhase();
  void holdPhase();
  // One epoll_wait (at most timeoutMs) and the handling of what it returned.
  void poll(int timeoutMs);
  void openDueConnections(SteadyClock::time_point started);
  bool allConnected() const;
  bool allFinished() const;
  void closeAll();

  const LoadOptions& options_;
  sockaddr_in address_;
  RunControl& control_;
  int first_;
  int epollFd_ = -1;
  std::vector<std::unique_ptr<ClientConnection>> connections_;
  std::size_t opened_ = 0;  // connections whose connect() was started
  RunStats stats_;
  std::thread thread_;
};

}  // namespace streamgate::bench
