#include "redis_command_lane.h"

#include <exception>

namespace streamgate::redis {
namespace {

void complete(const ReplyCallback& done, Expected<ReplyPtr> result) {
  // A throwing callback must not take the lane (and every other caller) down.
  try {
    done(std::move(result));
  } catch (...) {
  }
}

}  // namespace

CommandLane::CommandLane(std::shared_ptr<RedisEndpoint> endpoint, int index)
    : endpoint_(std::move(endpoint)), index_(index), thread_([this] { run(); }) {}

CommandLane::~CommandLane() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.get_id() == std::this_thread::get_id()) {
    thread_.detach();  // destroyed from one of our own callbacks: run() sees stopping_ and returns
  } else {
    thread_.join();
  }
}

void CommandLane::submit(RedisCommand command) {
  if (Status open = endpoint_->breaker().admit(); !open) {
    complete(command.done, open);
    return;
  }
  bool queued = false;
  bool wasEmpty = false;
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      wasEmpty = queue_.empty();
      queue_.push_back(std::move(command));
      queued = true;
    }
  }
  if (queued) {
    if (wasEmpty) wake_.notify_one();
    return;
  }
  // Completed off the lock: the callback may submit again.
  complete(command.done, Status(Code::kUnavailable,
                                "redis " + endpoint_->config().describe() + ": plugin is shutting down"));
}

void CommandLane::failQueued(const Status& status, std::unique_lock<std::mutex>& lock) {
  std::deque<RedisCommand> failed;
  failed.swap(queue_);
  lock.unlock();
  for (auto& command : failed) complete(command.done, status);
  lock.lock();
}

bool CommandLane::ensureConnected(std::unique_lock<std::mutex>& lock) {
  if (connection_ && epoch_ == endpoint_->epoch()) return true;
  connection_.reset();
  if (const auto delay = endpoint_->breaker().attemptDelay()) {
    failQueued(endpoint_->breaker().unavailable(), lock);
    wake_.wait_for(lock, *delay, [&] { return stopping_; });
    return false;
  }
  lock.unlock();
  auto opened = endpoint_->connect(true);
  lock.lock();
  if (!opened) {
    failQueued(opened.error(), lock);
    return false;
  }
  connection_ = std::move(opened->connection);
  epoch_ = opened->epoch;
  if (endpoint_->logger().enabled(LogLevel::kDebug)) {
    endpoint_->logger().log(LogLevel::kDebug, "redis lane " + std::to_string(index_) + ": connected to " +
                                                  connection_->address().toString());
  }
  return true;
}

void CommandLane::run() {
  std::vector<RedisCommand> batch;
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (!ensureConnected(lock)) continue;
    wake_.wait(lock, [&] { return stopping_ || !queue_.empty() || epoch_ != endpoint_->epoch(); });
    // The master may have moved while we slept (nothing wakes us for that):
    // reconnect first, never send a batch down a connection of an older epoch.
    if (stopping_ || queue_.empty() || epoch_ != endpoint_->epoch()) continue;
    if (connection_->peerClosed()) {
      connection_.reset();
      continue;
    }
    const std::size_t count = std::min(queue_.size(), kMaxBatch);
    batch.clear();
    for (std::size_t i = 0; i < count; ++i) {
      batch.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    lock.unlock();
    execute(batch);
    batch.clear();  // callbacks' captures are released off the lock
    lock.lock();
  }
  failQueued(
      Status(Code::kUnavailable, "redis " + endpoint_->config().describe() + ": plugin is shutting down"),
      lock);
}

void CommandLane::send(const RedisCommand& command, bool asEval) {
  std::vector<std::string_view> argv;
  argv.reserve(command.args.size() + 3);
  std::string numKeys;
  if (command.script) {
    const auto index = static_cast<std::size_t>(*command.script);
    numKeys = std::to_string(command.numKeys);
    argv.push_back(asEval ? "EVAL" : "EVALSHA");
    argv.push_back(asEval ? std::string_view(allScripts()[index].body) : connection_->scriptSha(index));
    argv.push_back(numKeys);
  }
  for (const auto& arg : command.args) argv.push_back(arg);
  connection_->send(argv);
}

void CommandLane::execute(std::vector<RedisCommand>& batch) {
  for (const auto& command : batch) send(command, false);
  std::vector<RedisCommand*> retry;  // scripts the server forgot (SCRIPT FLUSH)
  bool masterLost = false;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    auto reply = connection_->receive();
    if (!reply) {
      // The connection is broken and the fate of everything unanswered is
      // unknown; the callers retry (appends are idempotent).
      connection_.reset();
      endpoint_->breaker().failed(reply.error());
      for (std::size_t j = i; j < batch.size(); ++j) complete(batch[j].done, reply.error());
      for (auto* command : retry) complete(command->done, reply.error());
      return;
    }
    if ((*reply)->type == REDIS_REPLY_ERROR) {
      const std::string_view message = text(reply->get());
      if (message.substr(0, 8) == "NOSCRIPT" && batch[i].script) {
        retry.push_back(&batch[i]);
        continue;
      }
      masterLost = masterLost || meansNotMaster(message);
      complete(batch[i].done, errorReply(connection_->address(), message));
      continue;
    }
    complete(batch[i].done, std::move(reply));
  }
  if (masterLost) {
    endpoint_->logger().log(LogLevel::kWarning, "redis " + connection_->address().toString() +
                                                    " is no longer the master; locating it again");
    endpoint_->masterLost();
    connection_.reset();
  }
  if (retry.empty() || !connection_) {
    for (auto* command : retry) {
      complete(command->done, Status(Code::kUnavailable, "redis: script cache lost during failover"));
    }
    return;
  }
  // Send the bodies this time (EVAL); the server caches them again.
  for (auto* command : retry) send(*command, true);
  for (std::size_t i = 0; i < retry.size(); ++i) {
    auto reply = connection_->receive();
    if (!reply) {
      connection_.reset();
      endpoint_->breaker().failed(reply.error());
      for (std::size_t j = i; j < retry.size(); ++j) complete(retry[j]->done, reply.error());
      return;
    }
    if ((*reply)->type == REDIS_REPLY_ERROR) {
      complete(retry[i]->done, errorReply(connection_->address(), text(reply->get())));
    } else {
      complete(retry[i]->done, std::move(reply));
    }
  }
}

}  // namespace streamgate::redis
