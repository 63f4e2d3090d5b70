#include "memory_message_bus.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <utility>

#include "streamgate/channel_listeners.h"
#include "streamgate/plugin.h"
#include "streamgate/request_checks.h"

namespace streamgate::memory {
namespace {

struct Delivery {
  std::string channel;
  std::string payload;
  ChannelListeners::Snapshot listeners;  // taken at publish time
};

}  // namespace

struct MemoryMessageBus::Core {
  std::shared_ptr<ChannelListeners> listeners;

  std::mutex mutex;
  std::condition_variable wake;
  std::deque<Delivery> queue;
  bool stopping = false;

  void run() {
    for (;;) {
      Delivery delivery;
      {
        std::unique_lock lock(mutex);
        wake.wait(lock, [&] { return stopping || !queue.empty(); });
        if (stopping) return;
        delivery = std::move(queue.front());
        queue.pop_front();
      }
      listeners->deliver(delivery.listeners, delivery.channel, delivery.payload);
    }
  }
};

MemoryMessageBus::MemoryMessageBus(std::shared_ptr<Logger> logger) : core_(std::make_shared<Core>()) {
  core_->listeners = ChannelListeners::create(std::move(logger), "memory bus");
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
    if (Status bad = checkPublish(channel); !bad) return bad;
    auto listeners = core_->listeners->snapshot(channel);
    if (listeners.empty()) return Status::ok();
    {
      std::lock_guard lock(core_->mutex);
      if (core_->stopping) return Status(Code::kUnavailable, "channel " + channel + ": bus is shutting down");
      core_->queue.push_back(Delivery{channel, std::move(payload), std::move(listeners)});
    }
    core_->wake.notify_one();
    return Status::ok();
  });
  done(std::move(result));
}

std::shared_ptr<Subscription> MemoryMessageBus::subscribe(const std::string& channel, MessageHandler handler,
                                                          StatusCallback ready) {
  std::shared_ptr<Subscription> handle;
  Status result = noThrow([&]() -> Status {
    if (Status bad = checkSubscribe(channel, static_cast<bool>(handler)); !bad) return bad;
    handle = core_->listeners->add(channel, std::move(handler)).handle;
    return Status::ok();
  });
  // Registered before add() returned, so it is ready at once.
  ready(std::move(result));
  return handle ? handle : std::make_shared<Subscription>();
}

}  // namespace streamgate::memory
