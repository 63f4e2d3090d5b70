#include "load_worker.h"

#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <stdexcept>

namespace streamgate::bench {
namespace {

constexpr int kMaxEvents = 1024;
// Handshakes in flight per worker: more only fills the server's accept queue.
constexpr std::size_t kMaxPendingHandshakes = 256;

}  // namespace

LoadWorker::LoadWorker(const LoadOptions& options, const sockaddr_in& address, RunControl& control, int first,
                       int count)
    : options_(options), address_(address), control_(control), first_(first) {
  epollFd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epollFd_ < 0) throw std::runtime_error("epoll_create1 failed");
  connections_.reserve(static_cast<std::size_t>(count));
  const std::string prefix = options_.runId + "-";
  for (int i = 0; i < count; ++i) {
    connections_.push_back(
        std::make_unique<ClientConnection>(options_, prefix + std::to_string(first + i), stats_));
  }
}

LoadWorker::~LoadWorker() {
  join();
  connections_.clear();
  if (epollFd_ >= 0) ::close(epollFd_);
}

void LoadWorker::start() {
  thread_ = std::thread([this] { run(); });
}

void LoadWorker::join() {
  if (thread_.joinable()) thread_.join();
}

void LoadWorker::run() {
  connectPhase();
  control_.workersConnected.fetch_add(1, std::memory_order_acq_rel);
  // Wait for the other workers and the main thread's go (or stop).
  while (!control_.go.load(std::memory_order_acquire) && !control_.stop.load(std::memory_order_acquire) &&
         SteadyClock::now() < control_.deadline) {
    poll(1);
  }
  if (options_.idle) {
    holdPhase();
  } else {
    streamPhase();
    control_.workersFinished.fetch_add(1, std::memory_order_acq_rel);
  }
  while (!control_.stop.load(std::memory_order_acquire) && SteadyClock::now() < control_.deadline) poll(1);
  closeAll();
}

void LoadWorker::connectPhase() {
  const auto started = SteadyClock::now();
  while (SteadyClock::now() < control_.deadline && !control_.stop.load(std::memory_order_acquire)) {
    openDueConnections(started);
    if (opened_ == connections_.size() && allConnected()) return;
    poll(1);
  }
}

void LoadWorker::openDueConnections(SteadyClock::time_point started) {
  const double perSecond = static_cast<double>(options_.rampPerSec) / options_.threads;
  const double elapsed = std::chrono::duration<double>(SteadyClock::now() - started).count();
  const auto due = std::min(connections_.size(), static_cast<std::size_t>(elapsed * perSecond) + 1);
  std::size_t pending = 0;
  for (std::size_t i = 0; i < opened_; ++i) {
    const auto state = connections_[i]->state();
    if (state != ClientConnection::State::kClosed && !connections_[i]->welcomed()) ++pending;
  }
  while (opened_ < due && pending < kMaxPendingHandshakes) {
    if (connections_[opened_++]->connect(epollFd_, address_)) ++pending;
  }
}

bool LoadWorker::allConnected() const {
  return std::all_of(connections_.begin(), connections_.end(), [](const auto& connection) {
    return connection->welcomed() || connection->state() == ClientConnection::State::kClosed;
  });
}

bool LoadWorker::allFinished() const {
  return std::all_of(connections_.begin(), connections_.end(), [](const auto& connection) {
    return connection->finished() || !connection->welcomed();
  });
}

void LoadWorker::streamPhase() {
  if (!control_.go.load(std::memory_order_acquire)) return;
  const auto goAt = control_.goAt;
  const auto spread = std::chrono::microseconds(static_cast<std::int64_t>(options_.chatSpreadMs) * 1000);
  const auto total = static_cast<std::int64_t>(options_.connections);
  std::size_t next = 0;  // next connection to send its chat
  while (SteadyClock::now() < control_.deadline && !control_.stop.load(std::memory_order_acquire)) {
    const auto now = SteadyClock::now();
    // Connection g (of all workers) starts at goAt + spread * g / N.
    while (next < connections_.size() &&
           now >= goAt + spread * (first_ + static_cast<std::int64_t>(next)) / total) {
      connections_[next++]->sendChat();
    }
    if (next == connections_.size() && allFinished()) break;
    poll(1);
  }
  for (const auto& connection : connections_) {
    if (connection->welcomed() && !connection->finished()) ++stats_.unfinished;
  }
}

void LoadWorker::holdPhase() {
  while (!control_.stop.load(std::memory_order_acquire) && SteadyClock::now() < control_.deadline) poll(5);
}

void LoadWorker::poll(int timeoutMs) {
  std::array<epoll_event, kMaxEvents> events;
  const int ready = epoll_wait(epollFd_, events.data(), kMaxEvents, timeoutMs);
  for (int i = 0; i < ready; ++i) {
    static_cast<ClientConnection*>(events[i].data.ptr)->onEvent(events[i].events);
  }
}

void LoadWorker::closeAll() {
  for (const auto& connection : connections_) {
    if (connection->state() != ClientConnection::State::kClosed) {
      // Still connecting when the run ended: it never got in.
      if (!connection->welcomed()) ++stats_.connectFailures;
      connection->abort();
    }
  }
}

}  // namespace streamgate::bench
