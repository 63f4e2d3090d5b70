// In-process LockProvider: leases live in a map guarded by one mutex and
// expire on the plugin clock. Contract: streamgate/lock_provider.h.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>

#include "streamgate/expiry_index.h"
#include "streamgate/lock_provider.h"

namespace streamgate::memory {

class MemoryLockProvider final : public LockProvider {
 public:
  explicit MemoryLockProvider(std::shared_ptr<const Clock> clock);

  void acquire(const std::string& name, std::chrono::milliseconds ttl, Callback<Lease> done) override;
  void renew(const Lease& lease, std::chrono::milliseconds ttl, Callback<Lease> done) override;
  void release(const Lease& lease, StatusCallback done) override;

 private:
  struct Held {
    std::string token;
    std::uint64_t fencingToken = 0;
    Clock::time_point expiresAt;
  };

  Status checkArguments(const std::string& name, std::chrono::milliseconds ttl) const;
  // Drops leases whose TTL ran out; an expired lease is simply free.
  void purgeExpired(Clock::time_point now);
  // After dropping expired leases: the caller's lease, or kNotOwner.
  Expected<Held*> findOwned(const Lease& lease, Clock::time_point now);
  std::string newToken();

  std::shared_ptr<const Clock> clock_;
  // One counter for all names: strictly greater than any earlier token for
  // any name, so nothing per name has to outlive its lease.
  std::atomic<std::uint64_t> nextFencingToken_{1};

  std::mutex mutex_;
  std::map<std::string, Held, std::less<>> leases_;
  ExpiryIndex<std::string> expiry_;
  std::mt19937_64 random_;
};

}  // namespace streamgate::memory
