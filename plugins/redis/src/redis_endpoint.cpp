#include "redis_endpoint.h"

#include <algorithm>

#include "redis_scripts.h"

namespace streamgate::redis {

RedisEndpoint::RedisEndpoint(RedisConfig config, std::shared_ptr<Logger> logger)
    : config_(std::move(config)),
      logger_(std::move(logger)),
      breaker_(config_.describe(), config_.breakerFailures, config_.retryInitial, config_.retryMax, logger_) {
  if (config_.sentinel) sentinels_ = config_.sentinel->addresses;
}

Expected<HostPort> RedisEndpoint::askSentinel(const HostPort& sentinel) {
  ConnectionOptions options;
  options.address = sentinel;
  options.username = config_.sentinel->username;
  options.password = config_.sentinel->password;
  options.connectTimeout = config_.connectTimeout;
  options.commandTimeout = config_.connectTimeout;
  auto connection = RedisConnection::open(options);
  if (!connection) return connection.error();
  auto reply = (*connection)->call({"SENTINEL", "get-master-addr-by-name", config_.sentinel->master});
  if (!reply) return reply.error();
  const std::string_view host = text(element(reply->get(), 0));
  const auto port = integer(element(reply->get(), 1));
  if (host.empty() || !port || *port <= 0 || *port > 65535) {
    return Status(Code::kUnavailable, "sentinel " + sentinel.toString() + " knows no master named '" +
                                          config_.sentinel->master + "'");
  }
  return HostPort{std::string(host), static_cast<std::uint16_t>(*port)};
}

Expected<HostPort> RedisEndpoint::locateMaster() {
  if (!config_.sentinel) return config_.address;
  std::vector<HostPort> sentinels;
  {
    std::lock_guard lock(mutex_);
    sentinels = sentinels_;
  }
  std::string errors;
  for (const auto& sentinel : sentinels) {
    auto master = askSentinel(sentinel);
    if (master) {
      std::lock_guard lock(mutex_);
      const auto it = std::find(sentinels_.begin(), sentinels_.end(), sentinel);
      if (it != sentinels_.end()) std::rotate(sentinels_.begin(), it, it + 1);
      return master;
    }
    errors += (errors.empty() ? "" : "; ") + master.error().message();
  }
  return Status(Code::kUnavailable,
                "no sentinel named the master of '" + config_.sentinel->master + "': " + errors);
}

Expected<RedisEndpoint::Opened> RedisEndpoint::connect(bool withScripts) {
  auto master = locateMaster();
  if (!master) {
    breaker_.failed(master.error());
    return master.error();
  }
  ConnectionOptions options;
  options.address = *master;
  options.username = config_.username;
  options.password = config_.password;
  options.db = config_.db;
  options.connectTimeout = config_.connectTimeout;
  options.commandTimeout = config_.commandTimeout;
  options.requireMaster = config_.sentinel.has_value();
  options.scripts = withScripts ? &allScripts() : nullptr;
  auto connection = RedisConnection::open(options);
  if (!connection) {
    breaker_.failed(connection.error());
    return connection.error();
  }
  breaker_.succeeded();
  std::uint64_t epoch = 0;
  {
    std::lock_guard lock(mutex_);
    if (master_ && !(*master_ == *master)) {
      epoch_.fetch_add(1, std::memory_order_acq_rel);
      logger_->log(LogLevel::kWarning, "redis " + config_.describe() + ": master moved from " +
                                           master_->toString() + " to " + master->toString() +
                                           "; reopening every connection");
    }
    master_ = *master;
    epoch = epoch_.load(std::memory_order_acquire);
  }
  return Opened{std::move(connection).value(), epoch};
}

void RedisEndpoint::masterLost() {
  std::lock_guard lock(mutex_);
  if (!master_) return;
  master_.reset();
  epoch_.fetch_add(1, std::memory_order_acq_rel);
}

}  // namespace streamgate::redis
