#include "net/event_loop.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace streamgate::net {
namespace {

constexpr int kMaxEvents = 256;
// Task vectors keep their capacity between turns up to this many entries.
constexpr std::size_t kMaxRetainedTasks = 1 << 16;

std::uint32_t eventMask(bool readable, bool writable) {
  return (readable ? EPOLLIN | EPOLLRDHUP : 0u) | (writable ? EPOLLOUT : 0u);
}

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error(what + ": " + std::strerror(errno));
}

}  // namespace

EventLoop::EventLoop(std::string name) : name_(std::move(name)), now_(Clock::now()) {
  epollFd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epollFd_ < 0) fail("epoll_create1");
  wakeFd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wakeFd_ < 0) fail("eventfd");
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.ptr = nullptr;  // the wake fd
  if (epoll_ctl(epollFd_, EPOLL_CTL_ADD, wakeFd_, &event) != 0) fail("epoll_ctl(wake)");
}

EventLoop::~EventLoop() {
  close(wakeFd_);
  close(epollFd_);
}

void EventLoop::run() {
  threadId_ = std::this_thread::get_id();
  isRunning_.store(true, std::memory_order_release);
  epoll_event events[kMaxEvents];
  while (!quit_.load(std::memory_order_acquire)) {
    const int ready = epoll_wait(epollFd_, events, kMaxEvents, pollTimeoutMs());
    now_ = Clock::now();
    if (ready < 0 && errno != EINTR) fail("epoll_wait");
    for (int i = 0; i < ready; ++i) {
      auto* handler = static_cast<IoHandler*>(events[i].data.ptr);
      const std::uint32_t mask = events[i].events;
      if (handler == nullptr) {
        std::uint64_t count = 0;
        [[maybe_unused]] const auto n = read(wakeFd_, &count, sizeof count);
        continue;
      }
      // A handler may close its fd while handling; later events of the same
      // batch for it were removed from the interest list but are still in
      // `events`, so handlers guard against being called after unwatch().
      if (mask & (EPOLLIN | EPOLLRDHUP)) {
        handler->onReadable();
      } else if (mask & (EPOLLERR | EPOLLHUP)) {
        handler->onHangup();
        continue;
      }
      if (mask & EPOLLOUT) handler->onWritable();
    }
    runDueTimers();
    runQueuedTasks();
    runTurnEnd();
  }
  isRunning_.store(false, std::memory_order_release);
  threadId_ = std::thread::id();
}

void EventLoop::quit() {
  quit_.store(true, std::memory_order_release);
  if (!isInLoopThread()) wake();
}

void EventLoop::wake() {
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto n = write(wakeFd_, &one, sizeof one);
}

void EventLoop::queueInLoop(Task task) {
  bool first = false;
  {
    std::lock_guard lock(queueMutex_);
    first = queued_.empty();
    queued_.push_back(std::move(task));
  }
  // One wake-up per batch: the loop drains the whole queue when it runs it.
  if (first && !isInLoopThread()) wake();
}

void EventLoop::runInLoop(Task task) {
  if (isInLoopThread()) {
    task();
  } else {
    queueInLoop(std::move(task));
  }
}

void EventLoop::assertInLoopThread() const { assert(isInLoopThread() && "called off the loop thread"); }

void EventLoop::watch(int fd, bool readable, bool writable, IoHandler* handler) {
  assertInLoopThread();
  epoll_event event{};
  event.events = eventMask(readable, writable);
  event.data.ptr = handler;
  if (epoll_ctl(epollFd_, EPOLL_CTL_ADD, fd, &event) != 0) fail("epoll_ctl(add)");
}

void EventLoop::modify(int fd, bool readable, bool writable, IoHandler* handler) {
  assertInLoopThread();
  epoll_event event{};
  event.events = eventMask(readable, writable);
  event.data.ptr = handler;
  if (epoll_ctl(epollFd_, EPOLL_CTL_MOD, fd, &event) != 0) fail("epoll_ctl(mod)");
}

void EventLoop::unwatch(int fd) {
  assertInLoopThread();
  epoll_ctl(epollFd_, EPOLL_CTL_DEL, fd, nullptr);
}

EventLoop::TimerId EventLoop::runAfter(std::chrono::milliseconds delay, Task task) {
  assertInLoopThread();
  const TimerId id = nextTimerId_++;
  const auto due = Clock::now() + delay;
  timers_.emplace(id, Timer{due, std::chrono::milliseconds(0), std::move(task)});
  due_.emplace(due, id);
  return id;
}

EventLoop::TimerId EventLoop::runEvery(std::chrono::milliseconds interval, Task task) {
  assertInLoopThread();
  const TimerId id = nextTimerId_++;
  const auto due = Clock::now() + interval;
  timers_.emplace(id, Timer{due, interval, std::move(task)});
  due_.emplace(due, id);
  return id;
}

void EventLoop::cancelTimer(TimerId id) {
  assertInLoopThread();
  timers_.erase(id);  // its heap entry is skipped when it comes up
}

void EventLoop::atTurnEnd(Task task) {
  assertInLoopThread();
  turnEnd_.push_back(std::move(task));
}

int EventLoop::pollTimeoutMs() const {
  {
    std::lock_guard lock(queueMutex_);
    if (!queued_.empty()) return 0;
  }
  if (!turnEnd_.empty()) return 0;
  if (due_.empty()) return 1000;
  const auto wait = std::chrono::ceil<std::chrono::milliseconds>(due_.top().first - Clock::now());
  return static_cast<int>(std::clamp<std::int64_t>(wait.count(), 0, 1000));
}

void EventLoop::runDueTimers() {
  while (!due_.empty() && due_.top().first <= now_) {
    const TimerId id = due_.top().second;
    due_.pop();
    auto it = timers_.find(id);
    if (it == timers_.end()) continue;  // cancelled
    if (it->second.interval.count() > 0) {
      it->second.due = now_ + it->second.interval;
      due_.emplace(it->second.due, id);
      Task task = it->second.task;  // the task may cancel its own timer
      task();
    } else {
      Task task = std::move(it->second.task);
      timers_.erase(it);
      task();
    }
  }
}

void EventLoop::runQueuedTasks() {
  {
    std::lock_guard lock(queueMutex_);
    if (queued_.empty()) return;
    running_.swap(queued_);
  }
  runTasks();
}

void EventLoop::runTurnEnd() {
  while (!turnEnd_.empty()) {
    running_.swap(turnEnd_);
    runTasks();
  }
}

void EventLoop::runTasks() {
  // A member vector, not a local: a busy loop runs thousands of tasks a turn,
  // and growing a fresh vector every turn cost more in malloc than the tasks
  // themselves. The emptied vectors trade places, keeping their capacity.
  for (auto& task : running_) task();
  running_.clear();
  if (running_.capacity() > kMaxRetainedTasks) running_ = std::vector<Task>();
}

EventLoopGroup::EventLoopGroup(std::string namePrefix, int threads) {
  for (int i = 0; i < threads; ++i) {
    loops_.push_back(std::make_unique<EventLoop>(namePrefix + std::to_string(i)));
  }
}

EventLoopGroup::~EventLoopGroup() { stop(); }

void EventLoopGroup::start() {
  for (auto& loop : loops_) {
    threads_.emplace_back([raw = loop.get()] { raw->run(); });
  }
}

void EventLoopGroup::stop() {
  for (auto& loop : loops_) loop->quit();
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
  threads_.clear();
}

EventLoop& EventLoopGroup::next() {
  return *loops_[next_.fetch_add(1, std::memory_order_relaxed) % loops_.size()];
}

}  // namespace streamgate::net
