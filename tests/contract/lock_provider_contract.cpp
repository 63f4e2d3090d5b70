// The LockProvider contract (streamgate/lock_provider.h), run against every
// plugin that provides leases.
#include <atomic>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "contract_test.h"
#include "streamgate/lock_provider.h"

namespace streamgate::contract {
namespace {

using namespace std::chrono_literals;

class LockProviderContract : public ContractTest {
 protected:
  static constexpr auto kTtl = 1000ms;

  void SetUp() override {
    ContractTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    locks_ = backend().lockProvider();
    ASSERT_NE(locks_, nullptr);
    name_ = uniqueId("lock");
  }

  Expected<Lease> acquire(const std::string& name, std::chrono::milliseconds ttl = kTtl) {
    return awaitValue<Lease>([&](auto done) { locks_->acquire(name, ttl, done); });
  }
  Expected<Lease> renew(const Lease& lease, std::chrono::milliseconds ttl = kTtl) {
    return awaitValue<Lease>([&](auto done) { locks_->renew(lease, ttl, done); });
  }
  Status release(const Lease& lease) {
    return awaitStatus([&](auto done) { locks_->release(lease, done); });
  }

  // The lease, or a default one and a test failure.
  Lease acquireOk(const std::string& name, std::chrono::milliseconds ttl = kTtl) {
    auto lease = acquire(name, ttl);
    if (!lease.hasValue()) {
      ADD_FAILURE() << "acquire " << name << ": " << lease.status().toString();
      return {};
    }
    return *lease;
  }

  std::shared_ptr<LockProvider> locks_;
  std::string name_;
};

TEST_P(LockProviderContract, AcquireYieldsALease) {
  const auto before = env().clock()->now();
  auto lease = acquire(name_);
  ASSERT_OK(lease);
  EXPECT_EQ(lease->name, name_);
  EXPECT_FALSE(lease->token.empty());
  EXPECT_GE(lease->fencingToken, 1u);
  EXPECT_GE(lease->expiresAt, before + kTtl);
}

TEST_P(LockProviderContract, HeldNameConflicts) {
  const Lease held = acquireOk(name_);
  const auto second = acquire(name_);
  EXPECT_CODE(Code::kConflict, second);
  EXPECT_TRUE(hasMessage(second, name_));
  advance(kTtl / 2);
  EXPECT_CODE(Code::kConflict, acquire(name_));
  // Other names are independent.
  ASSERT_OK(acquire(uniqueId("other-lock")));
  ASSERT_OK(release(held));
}

TEST_P(LockProviderContract, ExpiredLeaseCanBeTakenWithAHigherFencingToken) {
  const Lease first = acquireOk(name_);
  advance(kTtl + 500ms);
  auto second = acquire(name_);
  ASSERT_OK(second);
  EXPECT_GT(second->fencingToken, first.fencingToken);
  EXPECT_NE(second->token, first.token);
}

TEST_P(LockProviderContract, RenewByOwnerExtendsTheLease) {
  const Lease lease = acquireOk(name_);
  advance(600ms);
  auto renewed = renew(lease);
  ASSERT_OK(renewed);
  EXPECT_EQ(renewed->fencingToken, lease.fencingToken);
  EXPECT_EQ(renewed->token, lease.token);
  EXPECT_EQ(renewed->name, name_);
  EXPECT_GT(renewed->expiresAt, lease.expiresAt);
  advance(600ms);  // past the original expiry, within the renewed one
  EXPECT_CODE(Code::kConflict, acquire(name_));
  ASSERT_OK(renew(*renewed));
  ASSERT_OK(release(*renewed));
}

TEST_P(LockProviderContract, RenewByNonOwnerIsRefused) {
  const Lease lease = acquireOk(name_);
  Lease impostor = lease;
  impostor.token = "not-the-owner";
  const auto result = renew(impostor);
  EXPECT_CODE(Code::kNotOwner, result);
  EXPECT_TRUE(hasMessage(result, name_));
  // The owner is untouched.
  ASSERT_OK(renew(lease));
}

TEST_P(LockProviderContract, RenewAfterExpiryIsRefusedAndDoesNotReacquire) {
  const Lease lease = acquireOk(name_);
  advance(kTtl + 500ms);
  EXPECT_CODE(Code::kNotOwner, renew(lease));
  // Still free: the failed renew took nothing.
  auto other = acquire(name_);
  ASSERT_OK(other);
  EXPECT_GT(other->fencingToken, lease.fencingToken);
}

TEST_P(LockProviderContract, ExOwnerCannotRenewOrReleaseTheNewOwnersLease) {
  const Lease old = acquireOk(name_);
  advance(kTtl + 500ms);
  const Lease current = acquireOk(name_);
  EXPECT_CODE(Code::kNotOwner, renew(old));
  EXPECT_CODE(Code::kNotOwner, release(old));
  EXPECT_CODE(Code::kConflict, acquire(name_));
  ASSERT_OK(renew(current));
}

TEST_P(LockProviderContract, ReleaseByNonOwnerIsRefusedAndKeepsTheLease) {
  const Lease lease = acquireOk(name_);
  Lease impostor = lease;
  impostor.token = "not-the-owner";
  EXPECT_CODE(Code::kNotOwner, release(impostor));
  EXPECT_CODE(Code::kConflict, acquire(name_));
  ASSERT_OK(release(lease));
}

TEST_P(LockProviderContract, ReleaseAfterExpiryIsNotOwner) {
  const Lease lease = acquireOk(name_);
  advance(kTtl + 500ms);
  EXPECT_CODE(Code::kNotOwner, release(lease));
}

TEST_P(LockProviderContract, ReleaseFreesTheNameOnce) {
  const Lease first = acquireOk(name_);
  ASSERT_OK(release(first));
  EXPECT_CODE(Code::kNotOwner, release(first));
  EXPECT_CODE(Code::kNotOwner, renew(first));
  auto second = acquire(name_);
  ASSERT_OK(second);
  EXPECT_GT(second->fencingToken, first.fencingToken);
}

TEST_P(LockProviderContract, FencingTokensStrictlyIncrease) {
  std::uint64_t previous = 0;
  for (int round = 0; round < 5; ++round) {
    const Lease lease = acquireOk(name_);
    EXPECT_GT(lease.fencingToken, previous) << "round " << round;
    previous = lease.fencingToken;
    if (round % 2 == 0) {
      ASSERT_OK(release(lease));
    } else {
      advance(kTtl + 1ms);  // lost by expiry rather than release
    }
  }
}

TEST_P(LockProviderContract, ConcurrentAcquirersHaveExactlyOneWinner) {
  constexpr int kContenders = 8;
  std::atomic<int> wins{0};
  std::atomic<int> conflicts{0};
  std::vector<std::thread> contenders;
  for (int i = 0; i < kContenders; ++i) {
    contenders.emplace_back([&] {
      const auto lease = acquire(name_);
      if (lease.hasValue()) ++wins;
      if (lease.status().code() == Code::kConflict) ++conflicts;
    });
  }
  for (auto& contender : contenders) contender.join();
  EXPECT_EQ(wins.load(), 1);
  EXPECT_EQ(conflicts.load(), kContenders - 1);
}

TEST_P(LockProviderContract, ConcurrentAcquiresOfManyNamesGetDistinctTokens) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 25;
  std::mutex mutex;
  std::set<std::uint64_t> fencingTokens;
  std::set<std::string> tokens;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const Lease lease = acquireOk(uniqueId("lock-" + std::to_string(t) + "-" + std::to_string(i)));
        std::lock_guard lock(mutex);
        tokens.insert(lease.token);
        fencingTokens.insert(lease.fencingToken);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(tokens.size(), static_cast<std::size_t>(kThreads * kPerThread));
  // Tokens of different names need not differ, but none may be 0.
  EXPECT_EQ(fencingTokens.count(0), 0u);
}

TEST_P(LockProviderContract, InvalidArgumentsAreRefused) {
  EXPECT_CODE(Code::kInvalidArgument, acquire(""));
  EXPECT_CODE(Code::kInvalidArgument, acquire(name_, 0ms));
  EXPECT_CODE(Code::kInvalidArgument, acquire(name_, -5ms));
  const Lease lease = acquireOk(name_);
  EXPECT_CODE(Code::kInvalidArgument, renew(lease, 0ms));
  Lease unnamed = lease;
  unnamed.name.clear();
  EXPECT_CODE(Code::kInvalidArgument, renew(unnamed));
  EXPECT_CODE(Code::kInvalidArgument, release(unnamed));
  // The refused calls changed nothing.
  ASSERT_OK(renew(lease));
}

STREAMGATE_INSTANTIATE_CONTRACT(LockProviderContract, kLockProvider);

}  // namespace
}  // namespace streamgate::contract
