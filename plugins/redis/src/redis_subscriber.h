// The dedicated subscriber connection: one SUBSCRIBE per channel that has
// local listeners, however many there are (the listeners are counted by
// ChannelListeners), and one thread that reads messages and runs the
// handlers.
//
// The thread reconciles what the server has with what the listeners want
// whenever either side changes, so subscribe/unsubscribe races settle by
// themselves; after a reconnect it subscribes to every wanted channel again.
// Messages published while the connection was down are lost (pub/sub is
// at-most-once); stream subscribers repair that from the StreamStore.
// A PING every heartbeat interval of silence detects a dead server even
// when no message flows.
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "redis_endpoint.h"
#include "streamgate/callback.h"
#include "streamgate/channel_listeners.h"

namespace streamgate::redis {

class RedisSubscriber {
 public:
  RedisSubscriber(std::shared_ptr<RedisEndpoint> endpoint, std::shared_ptr<ChannelListeners> listeners);
  ~RedisSubscriber();  // joins the thread

  RedisSubscriber(const RedisSubscriber&) = delete;
  RedisSubscriber& operator=(const RedisSubscriber&) = delete;

  // A listener was added: ready runs (unless the listener is gone by then)
  // once the server confirmed its channel, or with kUnavailable when the
  // server cannot be reached now.
  void listenerAdded(const std::string& channel, std::weak_ptr<ChannelListeners::Listener> listener,
                     StatusCallback ready);
  // A channel lost its last listener.
  void listenersChanged();

 private:
  struct Waiter {
    std::weak_ptr<ChannelListeners::Listener> listener;
    StatusCallback ready;
  };
  // What this connection asked the server for one channel.
  struct ChannelState {
    bool intended = false;  // the last command sent was SUBSCRIBE
    int inFlight = 0;       // (UN)SUBSCRIBE commands not answered yet
  };

  void run();
  void serve(RedisConnection& connection);
  bool reconcile(RedisConnection& connection);
  bool handle(const redisReply* reply);
  void fireReady(const std::string& channel, const Status& status);
  void failAllWaiters(const Status& status);
  void wake();

  const std::shared_ptr<RedisEndpoint> endpoint_;
  const std::shared_ptr<ChannelListeners> listeners_;
  const std::string prefix_;
  int wakeFd_ = -1;

  std::mutex mutex_;
  std::map<std::string, std::vector<Waiter>> waiters_;
  bool stopping_ = false;
  std::condition_variable stopped_;

  // Subscriber thread only.
  std::map<std::string, ChannelState> channels_;
  std::uint64_t epoch_ = 0;

  std::thread thread_;
};

}  // namespace streamgate::redis
