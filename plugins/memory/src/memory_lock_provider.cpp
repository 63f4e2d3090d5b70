#include "memory_lock_provider.h"

#include <cstdio>
#include <utility>

#include "streamgate/plugin.h"

namespace streamgate::memory {

MemoryLockProvider::MemoryLockProvider(std::shared_ptr<const Clock> clock) : clock_(std::move(clock)) {
  std::random_device seed;
  random_.seed((static_cast<std::uint64_t>(seed()) << 32) ^ seed());
}

Status MemoryLockProvider::checkArguments(const std::string& name, std::chrono::milliseconds ttl) const {
  if (name.empty()) return Status(Code::kInvalidArgument, "lock name is empty");
  if (ttl.count() <= 0) {
    return Status(Code::kInvalidArgument,
                  "lock " + name + ": ttl must be positive, got " + std::to_string(ttl.count()) + "ms");
  }
  return Status::ok();
}

void MemoryLockProvider::purgeExpired(Clock::time_point now) {
  for (const auto& name : expiry_.takeExpired(now)) leases_.erase(name);
}

Expected<MemoryLockProvider::Held*> MemoryLockProvider::findOwned(const Lease& lease, Clock::time_point now) {
  purgeExpired(now);
  const auto it = leases_.find(lease.name);
  if (it == leases_.end() || it->second.token != lease.token) {
    return Status(Code::kNotOwner, "lock " + lease.name + ": lease expired or held by another owner");
  }
  return &it->second;
}

std::string MemoryLockProvider::newToken() {
  char text[33];
  std::snprintf(text, sizeof text, "%016llx%016llx", static_cast<unsigned long long>(random_()),
                static_cast<unsigned long long>(random_()));
  return text;
}

void MemoryLockProvider::acquire(const std::string& name, std::chrono::milliseconds ttl,
                                 Callback<Lease> done) {
  Expected<Lease> result = noThrow([&]() -> Expected<Lease> {
    if (Status bad = checkArguments(name, ttl); !bad) return bad;
    const auto now = clock_->now();
    std::lock_guard lock(mutex_);
    purgeExpired(now);
    if (leases_.count(name) != 0) {
      return Status(Code::kConflict, "lock " + name + ": held by another owner");
    }
    Lease lease{name, newToken(), nextFencingToken_.fetch_add(1), now + ttl};
    leases_.emplace(name, Held{lease.token, lease.fencingToken, lease.expiresAt});
    expiry_.add(name, lease.expiresAt);
    return lease;
  });
  done(std::move(result));
}

void MemoryLockProvider::renew(const Lease& lease, std::chrono::milliseconds ttl, Callback<Lease> done) {
  Expected<Lease> result = noThrow([&]() -> Expected<Lease> {
    if (Status bad = checkArguments(lease.name, ttl); !bad) return bad;
    const auto now = clock_->now();
    std::lock_guard lock(mutex_);
    auto owned = findOwned(lease, now);
    if (!owned) return owned.error();
    Held* held = *owned;
    const auto expiresAt = now + ttl;
    expiry_.move(lease.name, held->expiresAt, expiresAt);
    held->expiresAt = expiresAt;
    return Lease{lease.name, held->token, held->fencingToken, expiresAt};
  });
  done(std::move(result));
}

void MemoryLockProvider::release(const Lease& lease, StatusCallback done) {
  Status result = noThrow([&]() -> Status {
    if (lease.name.empty()) return Status(Code::kInvalidArgument, "lock name is empty");
    const auto now = clock_->now();
    std::lock_guard lock(mutex_);
    auto owned = findOwned(lease, now);
    if (!owned) return owned.error();
    Held* held = *owned;
    expiry_.remove(lease.name, held->expiresAt);
    leases_.erase(lease.name);
    return Status::ok();
  });
  done(std::move(result));
}

}  // namespace streamgate::memory
