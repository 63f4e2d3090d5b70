#include "memory_message_bus.h"

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <utility>
#include <vector>

#include "streamgate/plugin.h"

namespace streamgate::memory {
namespace {

// One subscription as the dispatcher sees it. `running` and `active` let the
// handle's destructor wait for an invocation on another thread without
// holding any lock while the handler runs.
struct Listener {
  std::string channel;
  MessageHandler handler;  // touched by the dispatcher only while running

  std::mutex mutex;
  std::condition_variable idle;
  bool active = true;
  bool running = false;
  std::thread::id runner;
};

struct Delivery {
  std::string channel;
  std::shared_ptr<const std::string> payload;  // one copy however many listeners
  std::vector<std::shared_ptr<Listener>> listeners;
};

}  // namespace

struct MemoryMessageBus::Core {
  std::shared_ptr<Logger> logger;

  std::mutex mutex;
  std::condition_variable wake;
  std::deque<Delivery> queue;
  bool stopping = false;
  std::map<std::string, std::set<std::shared_ptr<Listener>>, std::less<>> channels;

  void run();
  void deliver(const Delivery& delivery);
  void detach(const std::shared_ptr<Listener>& listener);
};

namespace {

class MemorySubscription final : public Subscription {
 public:
  MemorySubscription(std::weak_ptr<MemoryMessageBus::Core> core, std::shared_ptr<Listener> listener)
      : core_(std::move(core)), listener_(std::move(listener)) {}

  ~MemorySubscription() override {
    MessageHandler dropped;  // destroyed after every lock is released
    {
      std::unique_lock lock(listener_->mutex);
      listener_->active = false;
      // On the dispatcher thread while running means we are inside our own
      // handler: waiting would deadlock, and the dispatcher drops the handler
      // itself once the call returns.
      if (listener_->running && listener_->runner != std::this_thread::get_id()) {
        listener_->idle.wait(lock, [&] { return !listener_->running; });
      }
      if (!listener_->running) dropped = std::move(listener_->handler);
    }
    if (const auto core = core_.lock()) core->detach(listener_);
  }

 private:
  std::weak_ptr<MemoryMessageBus::Core> core_;
  std::shared_ptr<Listener> listener_;
};

}  // namespace

void MemoryMessageBus::Core::run() {
  for (;;) {
    Delivery delivery;
    {
      std::unique_lock lock(mutex);
      wake.wait(lock, [&] { return stopping || !queue.empty(); });
      if (stopping) return;
      delivery = std::move(queue.front());
      queue.pop_front();
    }
    deliver(delivery);
  }
}

void MemoryMessageBus::Core::deliver(const Delivery& delivery) {
  for (const auto& listener : delivery.listeners) {
    {
      std::lock_guard lock(listener->mutex);
      if (!listener->active) continue;
      listener->running = true;
      listener->runner = std::this_thread::get_id();
    }
    try {
      listener->handler(delivery.channel, *delivery.payload);
    } catch (const std::exception& error) {
      if (logger) {
        logger->log(LogLevel::kError,
                    "memory bus: handler for channel " + delivery.channel + " threw: " + error.what());
      }
    } catch (...) {
      if (logger)
        logger->log(LogLevel::kError, "memory bus: handler for channel " + delivery.channel + " threw");
    }
    MessageHandler dropped;
    {
      std::lock_guard lock(listener->mutex);
      listener->running = false;
      if (!listener->active) dropped = std::move(listener->handler);
    }
    listener->idle.notify_all();
  }
}

void MemoryMessageBus::Core::detach(const std::shared_ptr<Listener>& listener) {
  std::lock_guard lock(mutex);
  const auto it = channels.find(listener->channel);
  if (it == channels.end()) return;
  it->second.erase(listener);
  if (it->second.empty()) channels.erase(it);
}

MemoryMessageBus::MemoryMessageBus(std::shared_ptr<Logger> logger) : core_(std::make_shared<Core>()) {
  core_->logger = std::move(logger);
  // The thread holds the core, so it stays valid even if the bus is
  // destroyed from inside a handler and the thread has to be detached.
  dispatcher_ = std::thread([core = core_] { core->run(); });
}

MemoryMessageBus::~MemoryMessageBus() {
  {
    std::lock_guard lock(core_->mutex);
    core_->stopping = true;
    core_->queue.clear();
  }
  core_->wake.notify_all();
  if (dispatcher_.get_id() == std::this_thread::get_id()) {
    dispatcher_.detach();
  } else {
    dispatcher_.join();
  }
}

void MemoryMessageBus::publish(const std::string& channel, std::string payload, StatusCallback done) {
  Status result = noThrow([&]() -> Status {
    if (channel.empty()) return Status(Code::kInvalidArgument, "publish: empty channel");
    bool queued = false;
    {
      std::lock_guard lock(core_->mutex);
      if (core_->stopping) return Status(Code::kUnavailable, "channel " + channel + ": bus is shutting down");
      const auto it = core_->channels.find(channel);
      if (it != core_->channels.end()) {
        core_->queue.push_back(Delivery{channel,
                                        std::make_shared<const std::string>(std::move(payload)),
                                        {it->second.begin(), it->second.end()}});
        queued = true;
      }
    }
    if (queued) core_->wake.notify_one();
    return Status::ok();
  });
  done(std::move(result));
}

std::shared_ptr<Subscription> MemoryMessageBus::subscribe(const std::string& channel, MessageHandler handler,
                                                          StatusCallback ready) {
  auto listener = std::make_shared<Listener>();
  listener->channel = channel;
  listener->handler = std::move(handler);
  Status result = noThrow([&]() -> Status {
    if (channel.empty()) return Status(Code::kInvalidArgument, "subscribe: empty channel");
    if (!listener->handler) return Status(Code::kInvalidArgument, "channel " + channel + ": no handler");
    std::lock_guard lock(core_->mutex);
    core_->channels[channel].insert(listener);
    return Status::ok();
  });
  if (!result) listener->active = false;
  auto subscription = std::make_shared<MemorySubscription>(core_, std::move(listener));
  // Registered under the lock above, so it is ready at once.
  ready(std::move(result));
  return subscription;
}

}  // namespace streamgate::memory
