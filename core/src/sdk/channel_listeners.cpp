#include "streamgate/channel_listeners.h"

#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <utility>

namespace streamgate {

// `running` and `active` let a handle's destructor wait for an invocation on
// another thread without any lock held while the handler runs.
struct ChannelListeners::Listener {
  std::string channel;
  MessageHandler handler;  // touched by deliver() only while running

  std::mutex mutex;
  std::condition_variable idle;
  bool active = true;
  int running = 0;  // calls in progress, all on `runner` (nested calls count)
  std::thread::id runner;
};

struct ChannelListeners::State {
  std::shared_ptr<Logger> logger;
  std::string busName;
  std::function<void(const std::string&)> changed;

  mutable std::mutex mutex;
  std::map<std::string, std::set<std::shared_ptr<Listener>>, std::less<>> channels;

  // True when the channel lost its last listener.
  bool detach(const std::shared_ptr<Listener>& listener) {
    std::lock_guard lock(mutex);
    const auto it = channels.find(listener->channel);
    if (it == channels.end()) return false;
    it->second.erase(listener);
    if (!it->second.empty()) return false;
    channels.erase(it);
    return true;
  }
};

namespace {

class ListenerHandle final : public Subscription {
 public:
  ListenerHandle(std::weak_ptr<ChannelListeners::State> state,
                 std::shared_ptr<ChannelListeners::Listener> listener)
      : state_(std::move(state)), listener_(std::move(listener)) {}

  ~ListenerHandle() override {
    MessageHandler dropped;  // destroyed after every lock is released
    {
      std::unique_lock lock(listener_->mutex);
      listener_->active = false;
      listener_->idle.notify_all();  // a call waiting to start gives up
      // Running on this very thread means we are inside our own handler:
      // waiting would deadlock, and deliver() drops the handler once the call
      // returns.
      if (listener_->running > 0 && listener_->runner != std::this_thread::get_id()) {
        listener_->idle.wait(lock, [&] { return listener_->running == 0; });
      }
      if (listener_->running == 0) dropped = std::move(listener_->handler);
    }
    const auto state = state_.lock();
    if (state && state->detach(listener_) && state->changed) state->changed(listener_->channel);
  }

 private:
  std::weak_ptr<ChannelListeners::State> state_;
  std::shared_ptr<ChannelListeners::Listener> listener_;
};

}  // namespace

std::shared_ptr<ChannelListeners> ChannelListeners::create(std::shared_ptr<Logger> logger,
                                                           std::string busName,
                                                           std::function<void(const std::string&)> changed) {
  auto state = std::make_shared<State>();
  state->logger = std::move(logger);
  state->busName = std::move(busName);
  state->changed = std::move(changed);
  return std::shared_ptr<ChannelListeners>(new ChannelListeners(std::move(state)));
}

ChannelListeners::Added ChannelListeners::add(const std::string& channel, MessageHandler handler) {
  auto listener = std::make_shared<Listener>();
  listener->channel = channel;
  listener->handler = std::move(handler);
  Added added;
  {
    std::lock_guard lock(state_->mutex);
    auto& set = state_->channels[channel];
    added.first = set.empty();
    set.insert(listener);
  }
  added.listener = listener;
  added.handle = std::make_shared<ListenerHandle>(state_, std::move(listener));
  return added;
}

bool ChannelListeners::has(std::string_view channel) const {
  std::lock_guard lock(state_->mutex);
  return state_->channels.find(channel) != state_->channels.end();
}

std::vector<std::string> ChannelListeners::channels() const {
  std::lock_guard lock(state_->mutex);
  std::vector<std::string> names;
  names.reserve(state_->channels.size());
  for (const auto& entry : state_->channels) names.push_back(entry.first);
  return names;
}

ChannelListeners::Snapshot ChannelListeners::snapshot(std::string_view channel) const {
  std::lock_guard lock(state_->mutex);
  const auto it = state_->channels.find(channel);
  if (it == state_->channels.end()) return {};
  return Snapshot(it->second.begin(), it->second.end());
}

namespace {

// Marks listener running on this thread; false when its handle is gone.
bool enter(ChannelListeners::Listener& listener) {
  std::unique_lock lock(listener.mutex);
  if (!listener.active) return false;
  // One thread at a time (the handler on the bus's thread, `ready` on
  // another): a handle destroyed meanwhile must find nothing running.
  listener.idle.wait(lock, [&] {
    return listener.running == 0 || listener.runner == std::this_thread::get_id() || !listener.active;
  });
  if (!listener.active) return false;
  ++listener.running;
  listener.runner = std::this_thread::get_id();
  return true;
}

void leave(ChannelListeners::Listener& listener) {
  MessageHandler dropped;  // a handle destroyed meanwhile left the handler to us
  {
    std::lock_guard lock(listener.mutex);
    --listener.running;
    if (!listener.active && listener.running == 0) dropped = std::move(listener.handler);
  }
  listener.idle.notify_all();
}

std::string runGuarded(const std::function<void()>& call) {
  try {
    call();
    return {};
  } catch (const std::exception& error) {
    return error.what();
  } catch (...) {
    return "non-standard exception";
  }
}

}  // namespace

void ChannelListeners::deliver(const Snapshot& listeners, std::string_view channel,
                               std::string_view payload) const {
  for (const auto& listener : listeners) {
    if (!enter(*listener)) continue;
    const std::string failure = runGuarded([&] { listener->handler(channel, payload); });
    if (!failure.empty() && state_->logger) {
      state_->logger->log(LogLevel::kError, state_->busName + ": handler for channel " +
                                                std::string(channel) + " threw: " + failure);
    }
    leave(*listener);
  }
}

bool ChannelListeners::callIfActive(const std::weak_ptr<Listener>& weak,
                                    const std::function<void()>& call) const {
  const auto listener = weak.lock();
  if (!listener || !enter(*listener)) return false;
  const std::string failure = runGuarded(call);
  if (!failure.empty() && state_->logger) {
    state_->logger->log(LogLevel::kError, state_->busName + ": subscribe callback for channel " +
                                              listener->channel + " threw: " + failure);
  }
  leave(*listener);
  return true;
}

}  // namespace streamgate
