// LockProvider: named leases with fencing tokens.
//
// A lease is held by exactly one owner until it is released or its TTL runs
// out. Every successful acquire of a name returns a fencing token strictly
// greater than any token handed out for that name before, so a store that
// remembers the highest token it saw can refuse writes from a paused ex-owner.
//
// Thread-safety: all methods may be called from any thread concurrently.
// Blocking: never; completion per callback.h.
// Errors:
//   acquire  kConflict    the name is held by someone else (not expired)
//   renew    kNotOwner    the lease expired or another owner holds the name;
//                         the caller must stop acting as owner. Never re-acquires.
//   release  kNotOwner    as for renew; releasing is then a no-op
//   any      kInvalidArgument  empty name or non-positive ttl
//   any      kUnavailable / kTimeout  backend trouble, outcome of a write unknown
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "streamgate/callback.h"
#include "streamgate/clock.h"

namespace streamgate {

struct Lease {
  std::string name;
  std::string token;               // opaque owner token, unique per acquire
  std::uint64_t fencingToken = 0;  // monotonic per name, starts at 1
  Clock::time_point expiresAt;     // local estimate; the backend's view is authoritative
};

class LockProvider {
 public:
  virtual ~LockProvider() = default;

  virtual void acquire(const std::string& name, std::chrono::milliseconds ttl, Callback<Lease> done) = 0;

  // Extends the lease to now + ttl. The result carries the new expiry; the
  // fencing token stays the same.
  virtual void renew(const Lease& lease, std::chrono::milliseconds ttl, Callback<Lease> done) = 0;

  virtual void release(const Lease& lease, StatusCallback done) = 0;
};

}  // namespace streamgate
