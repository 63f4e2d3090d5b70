// The MessageBus contract (streamgate/message_bus.h), run against every plugin
// that provides a bus. Delivery is asynchronous, so the tests wait for it with
// a bound; nothing else sleeps.
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "contract_test.h"
#include "streamgate/message_bus.h"

namespace streamgate::contract {
namespace {

using namespace std::chrono_literals;

constexpr auto kDeliveryTimeout = 10s;

// Collects what one subscription's handler saw. Thread-safe.
class Inbox {
 public:
  MessageHandler handler() {
    return [this](std::string_view channel, std::string_view payload) { record(channel, payload); };
  }

  void record(std::string_view channel, std::string_view payload) {
    {
      std::lock_guard lock(mutex_);
      channels_.emplace_back(channel);
      payloads_.emplace_back(payload);
      threads_.insert(std::this_thread::get_id());
    }
    changed_.notify_all();
  }

  // True once at least `count` messages arrived; false after the timeout.
  bool waitFor(std::size_t count, std::chrono::milliseconds timeout = kDeliveryTimeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return payloads_.size() >= count; });
  }

  std::vector<std::string> payloads() const {
    std::lock_guard lock(mutex_);
    return payloads_;
  }
  std::vector<std::string> channels() const {
    std::lock_guard lock(mutex_);
    return channels_;
  }
  std::set<std::thread::id> threads() const {
    std::lock_guard lock(mutex_);
    return threads_;
  }
  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return payloads_.size();
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> channels_;
  std::vector<std::string> payloads_;
  std::set<std::thread::id> threads_;
};

class MessageBusContract : public ContractTest {
 protected:
  void SetUp() override {
    ContractTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    bus_ = backend().messageBus();
    ASSERT_NE(bus_, nullptr);
    channel_ = uniqueId("channel");
  }

  // Subscribes and waits until the subscription is ready.
  std::shared_ptr<Subscription> subscribe(const std::string& channel, MessageHandler handler) {
    auto ready = std::make_shared<Completion<Status>>();
    auto subscription = bus_->subscribe(channel, std::move(handler),
                                        [ready](Status status) { ready->set(std::move(status)); });
    EXPECT_NE(subscription, nullptr);
    const Status status = ready->wait();
    EXPECT_TRUE(status.isOk()) << "subscribe " << channel << ": " << status.toString();
    return subscription;
  }

  Status publish(const std::string& channel, std::string payload) {
    return awaitStatus([&](auto done) { bus_->publish(channel, std::move(payload), done); });
  }

  // Publishes "0".."count-1" in order.
  void publishNumbers(const std::string& channel, int count) {
    for (int i = 0; i < count; ++i) ASSERT_OK(publish(channel, std::to_string(i)));
  }

  std::shared_ptr<MessageBus> bus_;
  std::string channel_;
};

std::vector<std::string> numbers(int count) {
  std::vector<std::string> out;
  for (int i = 0; i < count; ++i) out.push_back(std::to_string(i));
  return out;
}

TEST_P(MessageBusContract, PublishReachesASubscriberAfterReady) {
  Inbox inbox;
  const auto subscription = subscribe(channel_, inbox.handler());
  ASSERT_OK(publish(channel_, "hello"));
  ASSERT_TRUE(inbox.waitFor(1));
  EXPECT_EQ(inbox.payloads(), std::vector<std::string>{"hello"});
  EXPECT_EQ(inbox.channels(), std::vector<std::string>{channel_});
}

TEST_P(MessageBusContract, PayloadsAreOpaqueBytes) {
  Inbox inbox;
  const auto subscription = subscribe(channel_, inbox.handler());
  const std::string binary("\0\x01\xff{\"json\":true}\n", 17);
  const std::string large(64 * 1024, 'x');
  ASSERT_OK(publish(channel_, binary));
  ASSERT_OK(publish(channel_, large));
  ASSERT_OK(publish(channel_, ""));
  ASSERT_TRUE(inbox.waitFor(3));
  EXPECT_EQ(inbox.payloads(), (std::vector<std::string>{binary, large, ""}));
}

TEST_P(MessageBusContract, OrderIsPreservedForManyMessages) {
  constexpr int kMessages = 1000;
  Inbox inbox;
  const auto subscription = subscribe(channel_, inbox.handler());
  publishNumbers(channel_, kMessages);
  ASSERT_TRUE(inbox.waitFor(kMessages)) << "got " << inbox.size() << " of " << kMessages;
  EXPECT_EQ(inbox.payloads(), numbers(kMessages));
}

TEST_P(MessageBusContract, EverySubscriberOfAChannelGetsEveryMessage) {
  constexpr int kMessages = 20;
  Inbox first, second, third;
  const auto a = subscribe(channel_, first.handler());
  const auto b = subscribe(channel_, second.handler());
  const auto c = subscribe(channel_, third.handler());
  publishNumbers(channel_, kMessages);
  for (Inbox* inbox : {&first, &second, &third}) {
    ASSERT_TRUE(inbox->waitFor(kMessages));
    EXPECT_EQ(inbox->payloads(), numbers(kMessages));
  }
}

TEST_P(MessageBusContract, ChannelsAreIsolated) {
  const std::string other = uniqueId("other-channel");
  Inbox onFirst, onOther;
  const auto a = subscribe(channel_, onFirst.handler());
  const auto b = subscribe(other, onOther.handler());
  ASSERT_OK(publish(channel_, "for-first"));
  ASSERT_OK(publish(other, "for-other"));
  ASSERT_OK(publish(uniqueId("nobody-listens"), "lost"));
  ASSERT_OK(publish(channel_, "end"));
  ASSERT_OK(publish(other, "end"));
  ASSERT_TRUE(onFirst.waitFor(2));
  ASSERT_TRUE(onOther.waitFor(2));
  EXPECT_EQ(onFirst.payloads(), (std::vector<std::string>{"for-first", "end"}));
  EXPECT_EQ(onOther.payloads(), (std::vector<std::string>{"for-other", "end"}));
  EXPECT_EQ(onOther.channels(), (std::vector<std::string>{other, other}));
}

TEST_P(MessageBusContract, PublishersKeepTheirOwnOrderAndHandlersNeverOverlap) {
  constexpr int kPublishers = 4;
  constexpr int kEach = 100;
  std::atomic<int> running{0};
  std::atomic<int> overlaps{0};
  Inbox inbox;
  const auto subscription = subscribe(channel_, [&](std::string_view channel, std::string_view payload) {
    if (running.fetch_add(1) != 0) ++overlaps;
    inbox.record(channel, payload);
    running.fetch_sub(1);
  });
  std::vector<std::thread> publishers;
  for (int p = 0; p < kPublishers; ++p) {
    publishers.emplace_back([&, p] {
      for (int i = 0; i < kEach; ++i)
        EXPECT_TRUE(publish(channel_, std::to_string(p) + ":" + std::to_string(i)).isOk());
    });
  }
  for (auto& publisher : publishers) publisher.join();
  ASSERT_TRUE(inbox.waitFor(kPublishers * kEach)) << "got " << inbox.size();
  EXPECT_EQ(overlaps.load(), 0);
  std::vector<int> next(kPublishers, 0);
  for (const auto& payload : inbox.payloads()) {
    const int publisher = std::stoi(payload.substr(0, payload.find(':')));
    const int index = std::stoi(payload.substr(payload.find(':') + 1));
    EXPECT_EQ(index, next[publisher]) << "publisher " << publisher << " out of order";
    next[publisher] = index + 1;
  }
}

TEST_P(MessageBusContract, HandlersRunOutsidePublishAndSubscribe) {
  Inbox inbox;
  std::atomic<bool> calledDuringSubscribe{false};
  std::atomic<bool> subscribing{true};
  const auto subscription = subscribe(channel_, [&](std::string_view channel, std::string_view payload) {
    if (subscribing) calledDuringSubscribe = true;
    inbox.record(channel, payload);
  });
  subscribing = false;
  publishNumbers(channel_, 10);
  ASSERT_TRUE(inbox.waitFor(10));
  EXPECT_FALSE(calledDuringSubscribe);
  // publish() ran on this thread; a handler called from inside it would too.
  EXPECT_EQ(inbox.threads().count(std::this_thread::get_id()), 0u);
}

TEST_P(MessageBusContract, HandlerMayPublishAndSubscribe) {
  Inbox inbox;
  Inbox late;
  std::shared_ptr<Subscription> lateSubscription;
  std::mutex mutex;
  const auto subscription = subscribe(channel_, [&](std::string_view channel, std::string_view payload) {
    inbox.record(channel, payload);
    if (payload == "first") {
      std::lock_guard lock(mutex);
      lateSubscription = bus_->subscribe(channel_, late.handler(), [](Status) {});
      bus_->publish(channel_, "second", [](Status) {});
    }
  });
  ASSERT_OK(publish(channel_, "first"));
  ASSERT_TRUE(inbox.waitFor(2));
  EXPECT_EQ(inbox.payloads(), (std::vector<std::string>{"first", "second"}));
  std::lock_guard lock(mutex);
  lateSubscription.reset();
}

TEST_P(MessageBusContract, DestroyingTheHandleStopsDelivery) {
  Inbox kept;
  std::atomic<int> droppedCalls{0};
  const auto keep = subscribe(channel_, kept.handler());
  auto drop = subscribe(channel_, [&](std::string_view, std::string_view) { ++droppedCalls; });
  ASSERT_OK(publish(channel_, "before"));
  ASSERT_TRUE(kept.waitFor(1));
  // The kept subscriber has the message, but the dropped one may still be in its handler.
  drop.reset();
  const int callsAtDestruction = droppedCalls.load();
  EXPECT_LE(callsAtDestruction, 1);
  ASSERT_OK(publish(channel_, "after-1"));
  ASSERT_OK(publish(channel_, "after-2"));
  ASSERT_TRUE(kept.waitFor(3));
  EXPECT_EQ(droppedCalls.load(), callsAtDestruction);
}

TEST_P(MessageBusContract, HandleMayBeDestroyedInsideItsOwnHandler) {
  Inbox control;
  const auto watcher = subscribe(channel_, control.handler());
  std::mutex mutex;
  std::atomic<int> calls{0};
  std::promise<void> destroyed;
  std::shared_ptr<Subscription> self;
  {
    std::lock_guard lock(mutex);
    self = subscribe(channel_, [&](std::string_view, std::string_view) {
      if (++calls != 1) return;
      std::shared_ptr<Subscription> handle;
      {
        std::lock_guard inner(mutex);
        handle = std::move(self);
      }
      handle.reset();  // must neither deadlock nor crash
      destroyed.set_value();
    });
  }
  ASSERT_OK(publish(channel_, "first"));
  ASSERT_EQ(destroyed.get_future().wait_for(kDeliveryTimeout), std::future_status::ready)
      << "destroying the handle inside its handler did not return";
  ASSERT_OK(publish(channel_, "second"));
  ASSERT_TRUE(control.waitFor(2));
  EXPECT_EQ(calls.load(), 1);
}

TEST_P(MessageBusContract, DestroyingTheHandleWaitsForARunningHandler) {
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> finished{false};
  auto subscription = subscribe(channel_, [&](std::string_view, std::string_view) {
    entered.set_value();
    released.wait();
    std::this_thread::sleep_for(20ms);  // widen the window a non-waiting destructor would slip through
    finished = true;
  });
  ASSERT_OK(publish(channel_, "block"));
  if (entered.get_future().wait_for(kDeliveryTimeout) != std::future_status::ready) {
    release.set_value();  // so the handle's destruction cannot hang on a late delivery
    FAIL() << "message not delivered";
  }

  std::atomic<bool> destructorReturned{false};
  bool finishedWhenDestroyed = false;
  std::thread destroyer([&] {
    subscription.reset();
    finishedWhenDestroyed = finished.load();
    destructorReturned = true;
  });
  std::this_thread::sleep_for(50ms);
  EXPECT_FALSE(destructorReturned.load()) << "destruction returned while the handler was still running";
  release.set_value();
  destroyer.join();
  EXPECT_TRUE(finishedWhenDestroyed);
}

TEST_P(MessageBusContract, EmptyChannelIsRefused) {
  auto ready = std::make_shared<Completion<Status>>();
  const auto subscription = bus_->subscribe(
      "", [](std::string_view, std::string_view) {}, [ready](Status status) { ready->set(status); });
  EXPECT_NE(subscription, nullptr);
  EXPECT_CODE(Code::kInvalidArgument, ready->wait());
}

STREAMGATE_INSTANTIATE_CONTRACT(MessageBusContract, kMessageBus);

// Many subscriptions made at once from several threads, as a node makes
// them when clients arrive together: every one is told it is ready.
TEST_P(MessageBusContract, EverySubscriptionOfABurstGetsReady) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 150;
  std::mutex mutex;
  std::condition_variable changed;
  int ready = 0;
  int failed = 0;
  std::vector<std::shared_ptr<Subscription>> handles(kThreads * kPerThread);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const int n = t * kPerThread + i;
        handles[static_cast<std::size_t>(n)] = bus_->subscribe(
            uniqueId("burst-" + std::to_string(n)), [](std::string_view, std::string_view) {},
            [&](Status status) {
              std::lock_guard lock(mutex);
              ++(status ? ready : failed);
              changed.notify_all();
            });
      }
    });
  }
  for (auto& thread : threads) thread.join();
  std::unique_lock lock(mutex);
  EXPECT_TRUE(
      changed.wait_for(lock, kDeliveryTimeout, [&] { return ready + failed == kThreads * kPerThread; }))
      << ready << " ready, " << failed << " failed";
  EXPECT_EQ(failed, 0);
  lock.unlock();
  handles.clear();
}

}  // namespace
}  // namespace streamgate::contract
