#include "streamgate/channel_listeners.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

namespace streamgate {
namespace {

using namespace std::chrono_literals;

// Keeps what was logged, so tests can check the exact lines.
class RecordingLogger final : public Logger {
 public:
  void log(LogLevel level, std::string_view message) override {
    std::lock_guard lock(mutex_);
    lines_.push_back({level, std::string(message)});
  }
  bool enabled(LogLevel) const noexcept override { return true; }

  std::vector<std::pair<LogLevel, std::string>> lines() const {
    std::lock_guard lock(mutex_);
    return lines_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::pair<LogLevel, std::string>> lines_;
};

// Thread-safe record of what ran, in order.
class Trace {
 public:
  void add(std::string event) {
    std::lock_guard lock(mutex_);
    events_.push_back(std::move(event));
  }
  std::vector<std::string> events() const {
    std::lock_guard lock(mutex_);
    return events_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> events_;
};

// Runs body on another thread. A deadlock cannot be turned into an ordinary
// failure (the stuck thread uses this test's locals), so it ends the process
// with a message instead of hanging it.
void finishesWithin(std::chrono::milliseconds timeout, const char* what, const std::function<void()>& body) {
  std::promise<void> done;
  auto finished = done.get_future();
  std::thread thread([&] {
    body();
    done.set_value();
  });
  if (finished.wait_for(timeout) != std::future_status::ready) {
    std::fprintf(stderr, "FATAL: %s did not finish within %lldms (deadlock)\n", what,
                 static_cast<long long>(timeout.count()));
    std::fflush(stderr);
    std::abort();
  }
  thread.join();
}

class ChannelListenersTest : public ::testing::Test {
 protected:
  std::shared_ptr<ChannelListeners> make() {
    return ChannelListeners::create(logger_, "test bus",
                                    [this](const std::string& channel) { changed_.add(channel); });
  }

  MessageHandler record(std::string name) {
    return [this, name](std::string_view channel, std::string_view payload) {
      trace_.add(name + " " + std::string(channel) + " " + std::string(payload));
    };
  }

  std::shared_ptr<RecordingLogger> logger_ = std::make_shared<RecordingLogger>();
  Trace changed_;
  Trace trace_;
};

TEST_F(ChannelListenersTest, AddReportsTheFirstListenerOfAChannel) {
  const auto listeners = make();
  auto a1 = listeners->add("a", record("a1"));
  auto a2 = listeners->add("a", record("a2"));
  auto b1 = listeners->add("b", record("b1"));
  EXPECT_TRUE(a1.first);
  EXPECT_FALSE(a2.first);
  EXPECT_TRUE(b1.first);
  ASSERT_NE(a1.handle, nullptr);
  ASSERT_NE(a2.handle, nullptr);

  a1.handle.reset();
  a2.handle.reset();
  EXPECT_TRUE(listeners->add("a", record("a3")).first) << "a channel whose listeners all left starts over";
}

TEST_F(ChannelListenersTest, ChannelsAndHasFollowTheHandles) {
  const auto listeners = make();
  EXPECT_TRUE(listeners->channels().empty());
  EXPECT_FALSE(listeners->has("a"));

  auto b = listeners->add("b", record("b"));
  auto a = listeners->add("a", record("a"));
  EXPECT_EQ(listeners->channels(), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(listeners->has("a"));
  EXPECT_TRUE(listeners->has("b"));
  EXPECT_FALSE(listeners->has("c"));
  EXPECT_EQ(listeners->snapshot("a").size(), 1u);
  EXPECT_TRUE(listeners->snapshot("c").empty());

  b.handle.reset();
  EXPECT_EQ(listeners->channels(), (std::vector<std::string>{"a"}));
  EXPECT_FALSE(listeners->has("b"));
  EXPECT_TRUE(listeners->snapshot("b").empty());
}

TEST_F(ChannelListenersTest, ChangedRunsWhenTheLastHandleGoesAndNotBefore) {
  const auto listeners = make();
  auto first = listeners->add("news", record("first"));
  auto second = listeners->add("news", record("second"));
  auto other = listeners->add("other", record("other"));

  first.handle.reset();
  EXPECT_TRUE(changed_.events().empty()) << "news still has a listener";
  EXPECT_TRUE(listeners->has("news"));

  second.handle.reset();
  EXPECT_EQ(changed_.events(), (std::vector<std::string>{"news"}));
  EXPECT_FALSE(listeners->has("news"));
  EXPECT_EQ(listeners->channels(), (std::vector<std::string>{"other"}));

  other.handle.reset();
  EXPECT_EQ(changed_.events(), (std::vector<std::string>{"news", "other"}));
}

TEST_F(ChannelListenersTest, ChangedRunsWithNoLockHeld) {
  std::shared_ptr<ChannelListeners> listeners;
  std::vector<std::string> seen;
  listeners = ChannelListeners::create(logger_, "test bus", [&](const std::string& channel) {
    // What a backend does here: ask what it still needs.
    seen.push_back(channel + (listeners->has(channel) ? " still listed" : " gone"));
    seen.push_back(std::to_string(listeners->channels().size()) + " channels");
  });
  auto added = listeners->add("news", record("x"));
  finishesWithin(5s, "destroying the last handle", [&] { added.handle.reset(); });
  EXPECT_EQ(seen, (std::vector<std::string>{"news gone", "0 channels"}));
}

TEST_F(ChannelListenersTest, HandleMayOutliveItsListeners) {
  auto listeners = make();
  auto added = listeners->add("news", record("x"));
  listeners.reset();
  added.handle.reset();
  EXPECT_TRUE(changed_.events().empty()) << "nobody is left to tell";
}

TEST_F(ChannelListenersTest, DeliverRunsEachActiveListenerInSnapshotOrder) {
  const auto listeners = make();
  auto one = listeners->add("news", record("one"));
  auto two = listeners->add("news", record("two"));
  auto three = listeners->add("news", record("three"));
  auto elsewhere = listeners->add("sport", record("elsewhere"));

  listeners->deliver("news", "hello");
  auto events = trace_.events();
  std::sort(events.begin(), events.end());
  EXPECT_EQ(events, (std::vector<std::string>{"one news hello", "three news hello", "two news hello"}));

  // A snapshot is run in its own order; listeners gone since it was taken are skipped.
  auto snapshot = listeners->snapshot("news");
  ASSERT_EQ(snapshot.size(), 3u);
  std::reverse(snapshot.begin(), snapshot.end());
  listeners->deliver(snapshot, "news", "forward");
  const auto forward = trace_.events();
  ASSERT_EQ(forward.size(), 6u);
  std::reverse(snapshot.begin(), snapshot.end());
  listeners->deliver(snapshot, "news", "back");
  const auto back = trace_.events();
  ASSERT_EQ(back.size(), 9u);
  for (int i = 0; i < 3; ++i) {
    const auto name = [](const std::string& event) { return event.substr(0, event.find(' ')); };
    EXPECT_EQ(name(forward[3 + i]), name(back[8 - i])) << "deliver() did not follow the snapshot's order";
  }

  two.handle.reset();
  listeners->deliver(snapshot, "news", "later");
  events = trace_.events();
  ASSERT_EQ(events.size(), 11u);
  std::vector<std::string> later(events.begin() + 9, events.end());
  std::sort(later.begin(), later.end());
  EXPECT_EQ(later, (std::vector<std::string>{"one news later", "three news later"}));
  EXPECT_TRUE(logger_->lines().empty()) << logger_->lines().front().second;
}

TEST_F(ChannelListenersTest, ThrowingHandlerIsLoggedAndTheOthersStillRun) {
  const auto listeners = make();
  auto before = listeners->add("news", record("a"));
  auto thrower =
      listeners->add("news", [](std::string_view, std::string_view) { throw std::runtime_error("boom"); });
  auto odd = listeners->add("news", [](std::string_view, std::string_view) { throw 42; });
  auto after = listeners->add("news", record("b"));

  listeners->deliver("news", "hello");

  auto events = trace_.events();
  std::sort(events.begin(), events.end());
  EXPECT_EQ(events, (std::vector<std::string>{"a news hello", "b news hello"}));
  auto lines = logger_->lines();
  std::sort(lines.begin(), lines.end());
  EXPECT_EQ(lines, (std::vector<std::pair<LogLevel, std::string>>{
                       {LogLevel::kError, "test bus: handler for channel news threw: boom"},
                       {LogLevel::kError, "test bus: handler for channel news threw: non-standard exception"},
                   }));

  // The thrower stays subscribed: the next message reaches it again.
  listeners->deliver("news", "again");
  EXPECT_EQ(trace_.events().size(), 4u);
  EXPECT_EQ(logger_->lines().size(), 4u);
}

TEST_F(ChannelListenersTest, CallIfActiveRunsOnlyWhileTheHandleLives) {
  const auto listeners = make();
  auto added = listeners->add("news", record("x"));
  int calls = 0;
  EXPECT_TRUE(listeners->callIfActive(added.listener, [&] { ++calls; }));
  EXPECT_EQ(calls, 1);

  // Even while a snapshot (a delivery in flight) still holds the listener.
  const auto snapshot = listeners->snapshot("news");
  added.handle.reset();
  ASSERT_FALSE(added.listener.expired());
  EXPECT_FALSE(listeners->callIfActive(added.listener, [&] { ++calls; }));
  EXPECT_EQ(calls, 1);
  listeners->deliver(snapshot, "news", "late");
  EXPECT_TRUE(trace_.events().empty());
  EXPECT_TRUE(logger_->lines().empty()) << logger_->lines().front().second;
  EXPECT_FALSE(listeners->callIfActive(std::weak_ptr<ChannelListeners::Listener>(), [&] { ++calls; }));
  EXPECT_EQ(calls, 1);
}

TEST_F(ChannelListenersTest, CallIfActiveLogsAThrowingCall) {
  const auto listeners = make();
  auto added = listeners->add("news", record("x"));
  EXPECT_TRUE(listeners->callIfActive(added.listener, [] { throw std::runtime_error("bad ready"); }));
  EXPECT_EQ(logger_->lines(),
            (std::vector<std::pair<LogLevel, std::string>>{
                {LogLevel::kError, "test bus: subscribe callback for channel news threw: bad ready"}}));
}

TEST_F(ChannelListenersTest, HandleDestroyedInsideItsOwnHandlerDoesNotDeadlock) {
  const auto listeners = make();
  auto captured = std::make_shared<int>(7);
  std::shared_ptr<Subscription> handle;
  int runs = 0;
  auto added = listeners->add("news", [&, captured](std::string_view, std::string_view) {
    ++runs;
    handle.reset();
    // Still running, with our captures intact.
    EXPECT_EQ(*captured, 7);
  });
  handle = std::move(added.handle);

  // The snapshot keeps the listener alive, as a delivery in flight would.
  const auto snapshot = listeners->snapshot("news");
  finishesWithin(5s, "deliver() to a handler that destroys its own handle",
                 [&] { listeners->deliver(snapshot, "news", "bye"); });
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(handle, nullptr);
  EXPECT_EQ(changed_.events(), (std::vector<std::string>{"news"}));
  EXPECT_FALSE(listeners->has("news"));
  EXPECT_EQ(captured.use_count(), 1) << "the handler must be released once its call returned";

  listeners->deliver(snapshot, "news", "again");
  EXPECT_FALSE(listeners->callIfActive(added.listener, [] {}));
  EXPECT_EQ(runs, 1);
  EXPECT_TRUE(logger_->lines().empty()) << logger_->lines().front().second;
}

TEST_F(ChannelListenersTest, DestroyingAHandleWaitsForItsHandlerOnAnotherThread) {
  const auto listeners = make();
  std::mutex mutex;
  std::condition_variable wake;
  bool entered = false;
  bool release = false;
  Trace order;
  auto added = listeners->add("news", [&](std::string_view, std::string_view) {
    std::unique_lock lock(mutex);
    entered = true;
    wake.notify_all();
    wake.wait(lock, [&] { return release; });
    order.add("handler returns");
  });

  std::thread dispatcher([&] { listeners->deliver("news", "slow"); });
  {
    std::unique_lock lock(mutex);
    ASSERT_TRUE(wake.wait_for(lock, 5s, [&] { return entered; })) << "handler never ran";
  }

  std::atomic<bool> destroyed{false};
  std::thread destroyer([&] {
    added.handle.reset();
    order.add("handle destroyed");
    destroyed = true;
  });
  std::this_thread::sleep_for(200ms);
  EXPECT_FALSE(destroyed.load()) << "the handle went away while its handler was still running";
  EXPECT_TRUE(changed_.events().empty());

  {
    std::lock_guard lock(mutex);
    release = true;
  }
  wake.notify_all();
  destroyer.join();
  dispatcher.join();
  EXPECT_EQ(order.events(), (std::vector<std::string>{"handler returns", "handle destroyed"}));
  EXPECT_EQ(changed_.events(), (std::vector<std::string>{"news"}));

  listeners->deliver("news", "after");
  EXPECT_FALSE(listeners->callIfActive(added.listener, [] {}));
}

}  // namespace
}  // namespace streamgate
