// The command side of one plugin instance: pool_size lanes (connections)
// to the master, shared by every capability. A command goes to the lane its
// routing key hashes to, so commands about one stream, session or lease keep
// their order (and a bus channel its publish order) while different keys
// spread over the pool.
//
// Never blocks: callbacks complete on lane threads, or inline when the
// circuit is open (fail fast). Thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "redis_command_lane.h"
#include "redis_endpoint.h"

namespace streamgate::redis {

class RedisClient {
 public:
  explicit RedisClient(std::shared_ptr<RedisEndpoint> endpoint);

  const std::shared_ptr<RedisEndpoint>& endpoint() const { return endpoint_; }
  const std::string& keyPrefix() const { return endpoint_->config().keyPrefix; }

  void command(std::string_view routingKey, std::vector<std::string> args, ReplyCallback done);
  void script(Script script, std::string_view routingKey, std::vector<std::string> keys,
              std::vector<std::string> args, ReplyCallback done);

 private:
  CommandLane& laneFor(std::string_view routingKey);

  std::shared_ptr<RedisEndpoint> endpoint_;
  std::vector<std::unique_ptr<CommandLane>> lanes_;
};

}  // namespace streamgate::redis
