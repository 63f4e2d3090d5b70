#include "redis_client.h"

#include <functional>

namespace streamgate::redis {

RedisClient::RedisClient(std::shared_ptr<RedisEndpoint> endpoint) : endpoint_(std::move(endpoint)) {
  for (int i = 0; i < endpoint_->config().poolSize; ++i) {
    lanes_.push_back(std::make_unique<CommandLane>(endpoint_, i));
  }
}

CommandLane& RedisClient::laneFor(std::string_view routingKey) {
  return *lanes_[std::hash<std::string_view>{}(routingKey) % lanes_.size()];
}

void RedisClient::command(std::string_view routingKey, std::vector<std::string> args, ReplyCallback done) {
  RedisCommand command;
  command.args = std::move(args);
  command.done = std::move(done);
  laneFor(routingKey).submit(std::move(command));
}

void RedisClient::script(Script script, std::string_view routingKey, std::vector<std::string> keys,
                         std::vector<std::string> args, ReplyCallback done) {
  RedisCommand command;
  command.script = script;
  command.numKeys = keys.size();
  command.args = std::move(keys);
  command.args.insert(command.args.end(), std::make_move_iterator(args.begin()),
                      std::make_move_iterator(args.end()));
  command.done = std::move(done);
  laneFor(routingKey).submit(std::move(command));
}

}  // namespace streamgate::redis
