#include "redis_lock_provider.h"

#include <random>

#include "streamgate/request_checks.h"

namespace streamgate::redis {
namespace {

Status checkLease(const std::string& name, std::chrono::milliseconds ttl) {
  if (Status bad = checkNotEmpty("lock name", name); !bad) return bad;
  return checkTtl("lock " + name, ttl);
}

Status notOwner(const std::string& name) {
  return Status(Code::kNotOwner, "lease " + name + ": expired or held by another owner");
}

}  // namespace

RedisLockProvider::RedisLockProvider(std::shared_ptr<RedisClient> client, std::shared_ptr<const Clock> clock)
    : client_(std::move(client)), clock_(std::move(clock)), keys_(client_->keyPrefix()) {}

std::string RedisLockProvider::newToken() {
  // 128 random bits: owner tokens of different nodes and acquires never meet.
  thread_local std::mt19937_64 random(std::random_device{}());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string token(32, '0');
  for (int half = 0; half < 2; ++half) {
    std::uint64_t bits = random();
    for (int i = 0; i < 16; ++i, bits >>= 4) token[static_cast<std::size_t>(half * 16 + i)] = kHex[bits & 15];
  }
  return token;
}

void RedisLockProvider::acquire(const std::string& name, std::chrono::milliseconds ttl,
                                Callback<Lease> done) {
  if (Status bad = checkLease(name, ttl); !bad) return done(bad);
  Lease lease{name, newToken(), 0, {}};
  const auto started = clock_->now();
  const std::string key = keys_.key("lock", name);
  std::vector<std::string> args = {lease.token, std::to_string(ttl.count())};  // before lease moves below
  client_->script(
      Script::kAcquire, key, {key, keys_.key("fence")}, std::move(args),
      [lease = std::move(lease), started, ttl, done = std::move(done)](Expected<ReplyPtr> reply) mutable {
        if (!reply) return done(reply.error().withContext("lease " + lease.name));
        const auto fencing = integer(element(reply->get(), 0));
        if (!fencing) return done(Status(Code::kInternal, "lease " + lease.name + ": unexpected reply"));
        if (*fencing == 0) {
          const auto left = integer(element(reply->get(), 1)).value_or(0);
          return done(Status(Code::kConflict, "lease " + lease.name + ": held by another owner for " +
                                                  std::to_string(left) + "ms more"));
        }
        lease.fencingToken = static_cast<std::uint64_t>(*fencing);
        // Measured from before the request: the local estimate errs early.
        lease.expiresAt = started + ttl;
        done(std::move(lease));
      });
}

void RedisLockProvider::renew(const Lease& lease, std::chrono::milliseconds ttl, Callback<Lease> done) {
  if (Status bad = checkLease(lease.name, ttl); !bad) return done(bad);
  const auto started = clock_->now();
  const std::string key = keys_.key("lock", lease.name);
  client_->script(
      Script::kRenew, key, {key}, {lease.token, std::to_string(ttl.count())},
      [lease = Lease(lease), started, ttl, done = std::move(done)](Expected<ReplyPtr> reply) mutable {
        if (!reply) return done(reply.error().withContext("lease " + lease.name));
        if (integer(reply->get()) != 1) return done(notOwner(lease.name));
        lease.expiresAt = started + ttl;
        done(std::move(lease));
      });
}

void RedisLockProvider::release(const Lease& lease, StatusCallback done) {
  if (Status bad = checkNotEmpty("lock name", lease.name); !bad) return done(bad);
  const std::string key = keys_.key("lock", lease.name);
  client_->script(Script::kRelease, key, {key}, {lease.token},
                  [name = lease.name, done = std::move(done)](Expected<ReplyPtr> reply) {
                    if (!reply) return done(reply.error().withContext("lease " + name));
                    done(integer(reply->get()) == 1 ? Status::ok() : notOwner(name));
                  });
}

}  // namespace streamgate::redis
