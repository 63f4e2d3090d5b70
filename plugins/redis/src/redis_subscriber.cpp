#include "redis_subscriber.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <chrono>
#include <set>

namespace streamgate::redis {
namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr std::chrono::milliseconds kHeartbeat{1000};

}  // namespace

RedisSubscriber::RedisSubscriber(std::shared_ptr<RedisEndpoint> endpoint,
                                 std::shared_ptr<ChannelListeners> listeners)
    : endpoint_(std::move(endpoint)),
      listeners_(std::move(listeners)),
      prefix_(endpoint_->config().keyPrefix),
      wakeFd_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  thread_ = std::thread([this] { run(); });
}

RedisSubscriber::~RedisSubscriber() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stopped_.notify_all();
  wake();
  if (thread_.get_id() == std::this_thread::get_id()) {
    thread_.detach();
  } else {
    thread_.join();
  }
  if (wakeFd_ >= 0) close(wakeFd_);
}

void RedisSubscriber::wake() {
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto written = write(wakeFd_, &one, sizeof one);
}

void RedisSubscriber::listenerAdded(const std::string& channel,
                                    std::weak_ptr<ChannelListeners::Listener> listener,
                                    StatusCallback ready) {
  if (Status open = endpoint_->breaker().admit(); !open) {
    listeners_->callIfActive(listener, [&] { ready(open); });
    return;
  }
  {
    std::lock_guard lock(mutex_);
    waiters_[channel].push_back(Waiter{std::move(listener), std::move(ready)});
  }
  wake();
}

void RedisSubscriber::listenersChanged() { wake(); }

void RedisSubscriber::fireReady(const std::string& channel, const Status& status) {
  std::vector<Waiter> ready;
  {
    std::lock_guard lock(mutex_);
    const auto it = waiters_.find(channel);
    if (it == waiters_.end()) return;
    ready.swap(it->second);
    waiters_.erase(it);
  }
  for (auto& waiter : ready) listeners_->callIfActive(waiter.listener, [&] { waiter.ready(status); });
}

void RedisSubscriber::failAllWaiters(const Status& status) {
  std::vector<std::string> channels;
  {
    std::lock_guard lock(mutex_);
    for (const auto& entry : waiters_) channels.push_back(entry.first);
  }
  for (const auto& channel : channels) fireReady(channel, status);
}

void RedisSubscriber::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (const auto delay = endpoint_->breaker().attemptDelay()) {
      lock.unlock();
      failAllWaiters(endpoint_->breaker().unavailable());
      lock.lock();
      stopped_.wait_for(lock, *delay, [&] { return stopping_; });
      continue;
    }
    lock.unlock();
    auto opened = endpoint_->connect(false);
    if (!opened) {
      failAllWaiters(opened.error());
    } else {
      epoch_ = opened->epoch;
      channels_.clear();
      serve(*opened->connection);
    }
    lock.lock();
  }
  lock.unlock();
  failAllWaiters(
      Status(Code::kUnavailable, "redis " + endpoint_->config().describe() + ": plugin is shutting down"));
}

bool RedisSubscriber::reconcile(RedisConnection& connection) {
  const auto wantedList = listeners_->channels();
  const std::set<std::string> wanted(wantedList.begin(), wantedList.end());
  bool sent = false;
  for (const auto& channel : wanted) {
    auto& state = channels_[channel];
    if (state.intended) continue;
    connection.send({"SUBSCRIBE", prefix_ + channel});
    state.intended = true;
    ++state.inFlight;
    sent = true;
  }
  for (auto& [channel, state] : channels_) {
    if (!state.intended || wanted.count(channel) != 0) continue;
    connection.send({"UNSUBSCRIBE", prefix_ + channel});
    state.intended = false;
    ++state.inFlight;
    sent = true;
  }
  if (sent) {
    if (Status status = connection.flush(); !status) {
      endpoint_->logger().log(LogLevel::kWarning, "redis subscriber: " + status.message());
      return false;
    }
  }
  // Waiters of channels already subscribed are ready now; those whose
  // listener left before we got to them are dropped.
  std::vector<std::string> settled;
  {
    std::lock_guard lock(mutex_);
    for (auto it = waiters_.begin(); it != waiters_.end();) {
      const auto state = channels_.find(it->first);
      if (wanted.count(it->first) == 0) {
        // Not in the snapshot: gone, or added since (then its wake-up brings
        // us back here with it in the snapshot).
        if (!listeners_->has(it->first)) {
          it = waiters_.erase(it);
        } else {
          ++it;
        }
        continue;
      }
      if (state != channels_.end() && state->second.intended && state->second.inFlight == 0) {
        settled.push_back(it->first);
      }
      ++it;
    }
  }
  for (const auto& channel : settled) fireReady(channel, Status::ok());
  return true;
}

bool RedisSubscriber::handle(const redisReply* reply) {
  if (reply->type == REDIS_REPLY_ERROR) {
    endpoint_->logger().log(LogLevel::kWarning,
                            "redis subscriber: server replied " + std::string(text(reply)));
    return false;
  }
  const std::string_view kind = text(element(reply, 0));
  std::string_view channel = text(element(reply, 1));
  if (channel.substr(0, prefix_.size()) != prefix_) return true;  // PONG and the like
  channel.remove_prefix(prefix_.size());
  if (kind == "message") {
    listeners_->deliver(channel, text(element(reply, 2)));
    return true;
  }
  const auto it = channels_.find(std::string(channel));
  if (it == channels_.end() || (kind != "subscribe" && kind != "unsubscribe")) return true;
  --it->second.inFlight;
  if (it->second.inFlight > 0) return true;
  if (!it->second.intended) {
    channels_.erase(it);
  } else if (kind == "subscribe") {
    fireReady(it->first, Status::ok());
  }
  return true;
}

void RedisSubscriber::serve(RedisConnection& connection) {
  auto lastHeard = SteadyClock::now();
  bool pinged = false;
  SteadyClock::time_point pingSent{};
  bool dirty = true;
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
    }
    if (endpoint_->epoch() != epoch_) return;
    if (dirty && !reconcile(connection)) return;
    dirty = false;

    pollfd fds[2] = {{connection.fd(), POLLIN, 0}, {wakeFd_, POLLIN, 0}};
    if (poll(fds, 2, static_cast<int>(kHeartbeat.count())) < 0 && errno != EINTR) return;
    if (fds[1].revents != 0) {
      std::uint64_t count = 0;
      [[maybe_unused]] const auto drained = read(wakeFd_, &count, sizeof count);
      dirty = true;
    }
    const auto now = SteadyClock::now();
    if (fds[0].revents != 0) {
      if (Status status = connection.readAvailable(); !status) {
        endpoint_->logger().log(LogLevel::kWarning,
                                "redis subscriber: " + status.message() + "; reconnecting");
        return;
      }
      for (;;) {
        auto reply = connection.buffered();
        if (!reply) return;
        if (!*reply) break;
        if (!handle(reply->get())) return;
      }
      lastHeard = now;
      pinged = false;
      continue;
    }
    if (now - lastHeard < kHeartbeat) continue;
    if (!pinged) {
      connection.send({"PING"});
      if (!connection.flush()) return;
      pinged = true;
      pingSent = now;
    } else if (now - pingSent > endpoint_->config().commandTimeout) {
      Status silent(Code::kTimeout,
                    "redis " + connection.address().toString() + ": subscriber got no PONG in time");
      endpoint_->logger().log(LogLevel::kWarning, silent.message() + "; reconnecting");
      endpoint_->breaker().failed(silent);
      return;
    }
  }
}

}  // namespace streamgate::redis
