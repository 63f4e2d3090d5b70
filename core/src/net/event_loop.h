// One epoll event loop, owned by one thread (trantor-style thread rules).
//
// Everything a loop owns (sockets, connections, timers) is touched only on
// its thread. Other threads hand work over with queueInLoop(), which is the
// only thread-safe entry besides quit() and isInLoopThread().
//
// A turn: wait for I/O or the next timer, dispatch ready fds, run due timers,
// run queued tasks, then run the end-of-turn callbacks. Connections use the
// last step to write everything a turn produced with one writev.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <queue>
#include <string>
#include <thread>
#include <vector>

namespace streamgate::net {

// Receives readiness for one fd. Lives at least until removed from the loop.
class IoHandler {
 public:
  virtual ~IoHandler() = default;
  virtual void onReadable() = 0;
  virtual void onWritable() = 0;
  // EPOLLERR / EPOLLHUP with nothing left to read.
  virtual void onHangup() = 0;
};

class EventLoop {
 public:
  using Task = std::function<void()>;
  using Clock = std::chrono::steady_clock;
  using TimerId = std::uint64_t;

  explicit EventLoop(std::string name);
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  const std::string& name() const noexcept { return name_; }

  // Runs turns on the calling thread, which becomes the loop thread, until quit().
  void run();
  // Any thread. run() returns after the current turn.
  void quit();

  // Any thread. True from run() until it returns.
  bool isRunning() const noexcept { return isRunning_.load(std::memory_order_acquire); }
  bool isInLoopThread() const noexcept { return std::this_thread::get_id() == threadId_.load(); }
  void queueInLoop(Task task);
  // Runs now when called on the loop thread, else queues.
  void runInLoop(Task task);

  // Loop thread only.
  void assertInLoopThread() const;
  void watch(int fd, bool readable, bool writable, IoHandler* handler);
  void modify(int fd, bool readable, bool writable, IoHandler* handler);
  void unwatch(int fd);
  TimerId runAfter(std::chrono::milliseconds delay, Task task);
  TimerId runEvery(std::chrono::milliseconds interval, Task task);
  void cancelTimer(TimerId id);
  void atTurnEnd(Task task);

  // Time at the start of the current turn: cheap, good enough for timeouts.
  Clock::time_point now() const noexcept { return now_; }

 private:
  struct Timer {
    Clock::time_point due;
    std::chrono::milliseconds interval;  // zero: once
    Task task;
  };

  void wake();
  void runDueTimers();
  void runQueuedTasks();
  void runTurnEnd();
  void runTasks();
  int pollTimeoutMs() const;

  std::string name_;
  std::atomic<std::thread::id> threadId_;  // none until run()
  std::atomic<bool> quit_{false};
  std::atomic<bool> isRunning_{false};
  int epollFd_ = -1;
  int wakeFd_ = -1;
  Clock::time_point now_;

  mutable std::mutex queueMutex_;
  std::vector<Task> queued_;

  std::vector<Task> turnEnd_;
  std::vector<Task> running_;  // the batch being run; empty between batches

  TimerId nextTimerId_ = 1;
  std::map<TimerId, Timer> timers_;
  using DueEntry = std::pair<Clock::time_point, TimerId>;
  std::priority_queue<DueEntry, std::vector<DueEntry>, std::greater<>> due_;
};

// N loops, each on its own thread.
class EventLoopGroup {
 public:
  EventLoopGroup(std::string namePrefix, int threads);
  ~EventLoopGroup();  // quits and joins

  void start();
  void stop();
  // Round-robin choice for a new connection. Thread-safe.
  EventLoop& next();
  const std::vector<std::unique_ptr<EventLoop>>& loops() const noexcept { return loops_; }

 private:
  std::vector<std::unique_ptr<EventLoop>> loops_;
  std::vector<std::thread> threads_;
  std::atomic<std::size_t> next_{0};
};

}  // namespace streamgate::net
