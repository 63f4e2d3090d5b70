// One command connection and the thread that drives it. Commands queue from
// any thread; the lane takes everything queued (up to kMaxBatch), writes it
// in one go and reads the replies in order, so commands from many streams
// share one round trip (pipelining) with no per-command lock or wake-up.
// Replies complete their callbacks on the lane thread, in command order.
//
// The lane keeps its connection open, reconnecting through the endpoint
// (and so its circuit breaker) when it breaks or the master moves.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "redis_endpoint.h"
#include "redis_reply.h"
#include "redis_scripts.h"

namespace streamgate::redis {

struct RedisCommand {
  std::optional<Script> script;  // run as EVALSHA with numKeys keys first in args
  std::size_t numKeys = 0;
  std::vector<std::string> args;  // the whole command line when script is empty
  ReplyCallback done;
};

class CommandLane {
 public:
  CommandLane(std::shared_ptr<RedisEndpoint> endpoint, int index);
  ~CommandLane();  // fails what is still queued with kUnavailable and joins

  CommandLane(const CommandLane&) = delete;
  CommandLane& operator=(const CommandLane&) = delete;

  void submit(RedisCommand command);

  static constexpr std::size_t kMaxBatch = 512;

 private:
  void run();
  bool ensureConnected(std::unique_lock<std::mutex>& lock);
  void execute(std::vector<RedisCommand>& batch);
  void send(const RedisCommand& command, bool asEval);
  void failQueued(const Status& status, std::unique_lock<std::mutex>& lock);

  const std::shared_ptr<RedisEndpoint> endpoint_;
  const int index_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<RedisCommand> queue_;
  bool stopping_ = false;

  // Lane thread only.
  std::unique_ptr<RedisConnection> connection_;
  std::uint64_t epoch_ = 0;

  std::thread thread_;
};

}  // namespace streamgate::redis
