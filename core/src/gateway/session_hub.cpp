#include "gateway/session_hub.h"

#include <algorithm>
#include <array>

#include "gateway/metrics.h"
#include "net/ws_frame.h"

namespace streamgate::gateway {
namespace {

// Listeners copied for one delivery without touching the heap when there
// are few, as there usually are (a client or two and the producer).
constexpr std::size_t kInlineListeners = 8;

}  // namespace

// One bus event as this node's listeners receive it, decoded and framed once
// and shared by every loop it is posted to. The frame handed to listeners
// aliases this object: event and frame are one allocation.
struct SessionHub::Event {
  std::string frameBytes;  // the encoded text frame; empty for control events
  std::string messageId;
  EventView view;  // messageId and json point into the strings above
};

SessionHub::SessionHub(MessageBus& bus, Metrics& metrics) : bus_(bus), metrics_(metrics) {}

SessionHub::~SessionHub() {
  // Subscriptions are released outside the lock: their destructor waits for
  // a running handler, which may be waiting for this lock.
  std::vector<std::shared_ptr<Subscription>> subscriptions;
  {
    std::lock_guard lock(mutex_);
    for (auto& [id, entry] : sessions_) subscriptions.push_back(std::move(entry.subscription));
    sessions_.clear();
  }
}

void SessionHub::join(const std::string& sessionId, net::EventLoop& loop, SessionListener* listener,
                      std::function<void(Status)> ready) {
  loop.assertInLoopThread();
  std::shared_ptr<LoopListeners> local;
  std::uint64_t subscribeGeneration = 0;
  {
    std::lock_guard lock(mutex_);
    Entry& entry = sessions_[sessionId];
    auto& [count, set] = entry.loops[&loop];
    if (!set) {
      set = std::make_shared<LoopListeners>();
      set->sessionId = sessionId;
    }
    ++count;
    local = set;
    if (entry.state == Entry::State::kReady) {
      loop.queueInLoop([ready = std::move(ready)] { ready(Status::ok()); });
    } else {
      entry.waiters.push_back(Waiter{&loop, std::move(ready)});
      if (!entry.subscription || entry.state == Entry::State::kFailed) {
        entry.state = Entry::State::kPending;
        entry.generation = nextGeneration_++;
        subscribeGeneration = entry.generation;
      }
    }
  }
  local->listeners.push_back(listener);
  if (subscribeGeneration != 0) subscribe(sessionId, subscribeGeneration);
}

void SessionHub::subscribe(const std::string& sessionId, std::uint64_t generation) {
  metrics_.busSubscribes.fetch_add(1, std::memory_order_relaxed);
  auto subscription = bus_.subscribe(
      sessionChannel(sessionId),
      [this, sessionId](std::string_view, std::string_view payload) { onMessage(sessionId, payload); },
      [this, sessionId, generation](Status status) { onReady(sessionId, generation, std::move(status)); });
  std::shared_ptr<Subscription> replaced;
  {
    std::lock_guard lock(mutex_);
    const auto it = sessions_.find(sessionId);
    if (it != sessions_.end() && it->second.generation == generation) {
      replaced = std::move(it->second.subscription);
      it->second.subscription = std::move(subscription);
      subscription.reset();
    }
  }
  // Dropped outside the lock: a stale subscription (everyone left meanwhile).
  replaced.reset();
  subscription.reset();
}

void SessionHub::onReady(const std::string& sessionId, std::uint64_t generation, Status status) {
  std::vector<Waiter> waiters;
  {
    std::lock_guard lock(mutex_);
    const auto it = sessions_.find(sessionId);
    if (it == sessions_.end() || it->second.generation != generation) return;
    it->second.state = status ? Entry::State::kReady : Entry::State::kFailed;
    waiters.swap(it->second.waiters);
  }
  for (auto& waiter : waiters) {
    waiter.loop->queueInLoop([ready = std::move(waiter.ready), status] { ready(status); });
  }
}

void SessionHub::leave(const std::string& sessionId, net::EventLoop& loop, SessionListener* listener) {
  loop.assertInLoopThread();
  std::shared_ptr<Subscription> released;
  {
    std::lock_guard lock(mutex_);
    const auto it = sessions_.find(sessionId);
    if (it == sessions_.end()) return;
    Entry& entry = it->second;
    const auto loopIt = entry.loops.find(&loop);
    if (loopIt == entry.loops.end()) return;
    auto& listeners = loopIt->second.second->listeners;
    const auto found = std::find(listeners.begin(), listeners.end(), listener);
    if (found == listeners.end()) return;
    listeners.erase(found);
    ++loopIt->second.second->removals;
    if (--loopIt->second.first == 0) entry.loops.erase(loopIt);
    if (entry.loops.empty()) {
      released = std::move(entry.subscription);
      sessions_.erase(it);
    }
  }
  released.reset();
}

void SessionHub::onMessage(const std::string& sessionId, std::string_view payload) {
  const auto decoded = decodeEvent(payload);
  if (!decoded) {
    metrics_.busEventsMalformed.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  metrics_.busEventsReceived.fetch_add(1, std::memory_order_relaxed);
  // Framed once for every local recipient; only what listeners read is
  // copied out of the payload, which is valid only during this call.
  auto event = std::make_shared<Event>();
  event->messageId.assign(decoded->messageId);
  event->view = *decoded;
  event->view.messageId = event->messageId;
  if (!decoded->json.empty()) {
    net::appendFrame(event->frameBytes, net::WsOpcode::kText, decoded->json);
    event->view.json = std::string_view(event->frameBytes).substr(net::frameHeaderSize(decoded->json.size()));
  }
  std::shared_ptr<const Event> shared = std::move(event);
  // Posted under the lock (the order join() also takes: hub, then loop
  // queue), which saves copying the targets out first.
  std::lock_guard lock(mutex_);
  const auto it = sessions_.find(sessionId);
  if (it == sessions_.end()) return;
  for (const auto& [loop, countAndSet] : it->second.loops) {
    loop->queueInLoop([set = countAndSet.second, shared] { deliver(*set, shared); });
  }
}

void SessionHub::deliver(LoopListeners& set, const std::shared_ptr<const Event>& event) {
  net::Frame frame;
  if (!event->frameBytes.empty()) {
    // Aliasing: the frame keeps the whole event alive, one allocation for both.
    frame = net::Frame(event, &event->frameBytes);
  }
  // Copy: a listener may leave (or another join) while being called.
  const std::size_t count = set.listeners.size();
  std::array<SessionListener*, kInlineListeners> inlineCopy{};
  std::vector<SessionListener*> heapCopy;
  SessionListener* const* listeners = inlineCopy.data();
  if (count <= kInlineListeners) {
    std::copy(set.listeners.begin(), set.listeners.end(), inlineCopy.begin());
  } else {
    heapCopy = set.listeners;
    listeners = heapCopy.data();
  }
  const std::uint64_t removals = set.removals;
  for (std::size_t i = 0; i < count; ++i) {
    SessionListener* listener = listeners[i];
    // Only when someone left since the copy can it name a listener that is gone.
    if (set.removals != removals &&
        std::find(set.listeners.begin(), set.listeners.end(), listener) == set.listeners.end())
      continue;
    listener->onSessionEvent(set.sessionId, event->view, frame);
  }
}

std::size_t SessionHub::sessionCount() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

}  // namespace streamgate::gateway
