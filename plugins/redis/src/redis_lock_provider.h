// LockProvider on Redis: a lease is `SET <p>lock:<name> <token> NX PX ttl`
// and its fencing token an INCR of one counter, both in one Lua script;
// renew and release are compare-on-owner scripts that never re-acquire.
// Contract: streamgate/lock_provider.h.
#pragma once

#include <memory>

#include "redis_client.h"
#include "redis_keys.h"
#include "streamgate/clock.h"
#include "streamgate/lock_provider.h"

namespace streamgate::redis {

class RedisLockProvider final : public LockProvider {
 public:
  RedisLockProvider(std::shared_ptr<RedisClient> client, std::shared_ptr<const Clock> clock);

  void acquire(const std::string& name, std::chrono::milliseconds ttl, Callback<Lease> done) override;
  void renew(const Lease& lease, std::chrono::milliseconds ttl, Callback<Lease> done) override;
  void release(const Lease& lease, StatusCallback done) override;

 private:
  std::string newToken();

  std::shared_ptr<RedisClient> client_;
  std::shared_ptr<const Clock> clock_;
  RedisKeys keys_;
};

}  // namespace streamgate::redis
