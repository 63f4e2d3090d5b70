// The SessionStore contract (streamgate/session_store.h), run against every
// plugin that provides a session store.
//
// A shared backend may hold other tests' nodes, so node lists and counts are
// checked for this test's own ids only.
#include <algorithm>
#include <atomic>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "contract_test.h"
#include "streamgate/session_store.h"

namespace streamgate::contract {
namespace {

using namespace std::chrono_literals;

class SessionStoreContract : public ContractTest {
 protected:
  static constexpr auto kHeartbeatTtl = 1000ms;
  static constexpr auto kOwnershipTtl = 1000ms;

  void SetUp() override {
    ContractTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    sessions_ = backend().sessionStore();
    ASSERT_NE(sessions_, nullptr);
    nodeA_ = uniqueId("node-a");
    nodeB_ = uniqueId("node-b");
    nodeC_ = uniqueId("node-c");
    session_ = uniqueId("session");
  }

  ConnectionInfo info(std::string_view connection, const std::string& node,
                      std::string user = "alice") const {
    return ConnectionInfo{uniqueId(connection), std::move(user), node};
  }

  Status touch(const std::string& node, std::chrono::milliseconds ttl = kHeartbeatTtl) {
    return awaitStatus([&](auto done) { sessions_->touchNode(node, ttl, done); });
  }
  Status add(const ConnectionInfo& connection) {
    return awaitStatus([&](auto done) { sessions_->registerConnection(connection, done); });
  }
  Status remove(const std::string& connectionId) {
    return awaitStatus([&](auto done) { sessions_->unregisterConnection(connectionId, done); });
  }
  Expected<ConnectionInfo> lookup(const std::string& connectionId) {
    return awaitValue<ConnectionInfo>([&](auto done) { sessions_->connection(connectionId, done); });
  }
  Expected<std::string> claim(const std::string& session, const std::string& user,
                              std::chrono::milliseconds ttl = kOwnershipTtl) {
    return awaitValue<std::string>([&](auto done) { sessions_->claimSession(session, user, ttl, done); });
  }
  Expected<std::string> owner(const std::string& session) {
    return awaitValue<std::string>([&](auto done) { sessions_->sessionOwner(session, done); });
  }
  Status subscribe(const std::string& connectionId, const std::string& session) {
    return awaitStatus([&](auto done) { sessions_->addSubscription(connectionId, session, done); });
  }
  Status unsubscribe(const std::string& connectionId, const std::string& session) {
    return awaitStatus([&](auto done) { sessions_->removeSubscription(connectionId, session, done); });
  }
  Expected<std::vector<ConnectionInfo>> subscribersOf(const std::string& session) {
    return awaitValue<std::vector<ConnectionInfo>>([&](auto done) { sessions_->subscribers(session, done); });
  }
  Expected<SweepResult> sweep() {
    return awaitValue<SweepResult>([&](auto done) { sessions_->sweep(done); });
  }
  Expected<std::map<std::string, std::size_t>> counts() {
    return awaitValue<std::map<std::string, std::size_t>>(
        [&](auto done) { sessions_->connectionCounts(done); });
  }

  // Connection ids subscribed to the session, sorted; empty and a failure on error.
  std::vector<std::string> subscriberIds(const std::string& session) {
    auto subscribers = subscribersOf(session);
    if (!subscribers.hasValue()) {
      ADD_FAILURE() << "subscribers " << session << ": " << subscribers.status().toString();
      return {};
    }
    std::vector<std::string> ids;
    for (const auto& connection : *subscribers) ids.push_back(connection.connectionId);
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  std::shared_ptr<SessionStore> sessions_;
  std::string nodeA_, nodeB_, nodeC_, session_;
};

bool contains(const std::vector<std::string>& values, const std::string& value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

std::vector<std::string> sorted(std::vector<std::string> values) {
  std::sort(values.begin(), values.end());
  return values;
}

// --- connections -----------------------------------------------------------------

TEST_P(SessionStoreContract, RegisteredConnectionCanBeLookedUp) {
  const ConnectionInfo c1 = info("c1", nodeA_);
  ASSERT_OK(add(c1));
  auto found = lookup(c1.connectionId);
  ASSERT_OK(found);
  EXPECT_EQ(*found, c1);
}

TEST_P(SessionStoreContract, UnknownConnectionIsNotFound) {
  const auto result = lookup(uniqueId("nobody"));
  EXPECT_CODE(Code::kNotFound, result);
  EXPECT_TRUE(hasMessage(result, uniqueId("nobody")));
}

TEST_P(SessionStoreContract, UnregisterRemovesTheConnectionAndIsIdempotent) {
  const ConnectionInfo c1 = info("c1", nodeA_);
  ASSERT_OK(add(c1));
  ASSERT_OK(remove(c1.connectionId));
  EXPECT_CODE(Code::kNotFound, lookup(c1.connectionId));
  ASSERT_OK(remove(c1.connectionId));
  ASSERT_OK(remove(uniqueId("never-registered")));
}

TEST_P(SessionStoreContract, UnregisterAlsoRemovesSubscriptions) {
  const ConnectionInfo c1 = info("c1", nodeA_);
  const ConnectionInfo c2 = info("c2", nodeA_);
  const std::string other = uniqueId("other-session");
  ASSERT_OK(add(c1));
  ASSERT_OK(add(c2));
  ASSERT_OK(subscribe(c1.connectionId, session_));
  ASSERT_OK(subscribe(c1.connectionId, other));
  ASSERT_OK(subscribe(c2.connectionId, session_));
  ASSERT_OK(remove(c1.connectionId));
  EXPECT_EQ(subscriberIds(session_), std::vector<std::string>{c2.connectionId});
  EXPECT_TRUE(subscriberIds(other).empty());
}

TEST_P(SessionStoreContract, RegisteringAgainReplacesTheRecord) {
  ASSERT_OK(touch(nodeA_, 10s));
  ASSERT_OK(touch(nodeB_, 10s));
  const ConnectionInfo first = info("c1", nodeA_, "alice");
  const ConnectionInfo second = info("c1", nodeB_, "bob");
  ASSERT_OK(add(first));
  ASSERT_OK(add(second));
  auto found = lookup(first.connectionId);
  ASSERT_OK(found);
  EXPECT_EQ(*found, second);
  auto perNode = counts();
  ASSERT_OK(perNode);
  EXPECT_EQ(perNode->at(nodeA_), 0u);
  EXPECT_EQ(perNode->at(nodeB_), 1u);
}

// --- session ownership -------------------------------------------------------------

TEST_P(SessionStoreContract, FirstClaimWins) {
  EXPECT_EQ(claim(session_, "alice").value(), "alice");
  EXPECT_EQ(claim(session_, "bob").value(), "alice");
  EXPECT_EQ(claim(session_, "alice").value(), "alice");
  EXPECT_EQ(owner(session_).value(), "alice");
  EXPECT_EQ(claim(uniqueId("other-session"), "bob").value(), "bob");
}

TEST_P(SessionStoreContract, UnownedSessionIsNotFound) {
  const auto result = owner(session_);
  EXPECT_CODE(Code::kNotFound, result);
  EXPECT_TRUE(hasMessage(result, session_));
}

TEST_P(SessionStoreContract, OwnershipLastsTtlAfterTheLastClaim) {
  ASSERT_OK(claim(session_, "alice"));
  advance(600ms);
  ASSERT_OK(claim(session_, "alice"));
  advance(600ms);  // past the first claim's ttl, within the second's
  EXPECT_EQ(owner(session_).value(), "alice");
  EXPECT_EQ(claim(session_, "bob").value(), "alice");
  advance(kOwnershipTtl);
  EXPECT_CODE(Code::kNotFound, owner(session_));
  EXPECT_EQ(claim(session_, "bob").value(), "bob");
}

TEST_P(SessionStoreContract, ConcurrentClaimsAgreeOnOneOwner) {
  constexpr int kClaimers = 8;
  std::mutex mutex;
  std::set<std::string> owners;
  std::vector<std::thread> claimers;
  for (int i = 0; i < kClaimers; ++i) {
    claimers.emplace_back([&, i] {
      auto result = claim(session_, "user" + std::to_string(i));
      std::lock_guard lock(mutex);
      owners.insert(result.hasValue() ? *result : "error: " + result.status().toString());
    });
  }
  for (auto& claimer : claimers) claimer.join();
  ASSERT_EQ(owners.size(), 1u);
  EXPECT_EQ(owner(session_).value(), *owners.begin());
}

// --- subscriptions ------------------------------------------------------------------

TEST_P(SessionStoreContract, SubscriptionsCanBeAddedAndRemoved) {
  const ConnectionInfo c1 = info("c1", nodeA_);
  const ConnectionInfo c2 = info("c2", nodeA_);
  ASSERT_OK(add(c1));
  ASSERT_OK(add(c2));
  EXPECT_TRUE(subscriberIds(session_).empty());
  ASSERT_OK(subscribe(c1.connectionId, session_));
  ASSERT_OK(subscribe(c2.connectionId, session_));
  EXPECT_EQ(subscriberIds(session_), sorted({c1.connectionId, c2.connectionId}));
  ASSERT_OK(unsubscribe(c1.connectionId, session_));
  EXPECT_EQ(subscriberIds(session_), std::vector<std::string>{c2.connectionId});
}

TEST_P(SessionStoreContract, SubscriptionChangesAreIdempotent) {
  const ConnectionInfo c1 = info("c1", nodeA_);
  ASSERT_OK(add(c1));
  ASSERT_OK(subscribe(c1.connectionId, session_));
  ASSERT_OK(subscribe(c1.connectionId, session_));
  EXPECT_EQ(subscriberIds(session_), std::vector<std::string>{c1.connectionId});
  ASSERT_OK(unsubscribe(c1.connectionId, session_));
  ASSERT_OK(unsubscribe(c1.connectionId, session_));
  ASSERT_OK(unsubscribe(uniqueId("never-registered"), session_));
  EXPECT_TRUE(subscriberIds(session_).empty());
}

TEST_P(SessionStoreContract, SubscribingAnUnknownConnectionIsNotFound) {
  const std::string ghost = uniqueId("ghost");
  const Status result = subscribe(ghost, session_);
  EXPECT_CODE(Code::kNotFound, result);
  EXPECT_TRUE(hasMessage(result, ghost));
  EXPECT_TRUE(subscriberIds(session_).empty());
}

TEST_P(SessionStoreContract, SubscribersSpanNodes) {
  const ConnectionInfo onA = info("c1", nodeA_, "alice");
  const ConnectionInfo onB = info("c2", nodeB_, "alice");
  ASSERT_OK(add(onA));
  ASSERT_OK(add(onB));
  ASSERT_OK(subscribe(onA.connectionId, session_));
  ASSERT_OK(subscribe(onB.connectionId, session_));
  auto subscribers = subscribersOf(session_);
  ASSERT_OK(subscribers);
  std::vector<ConnectionInfo> found = *subscribers;
  std::sort(found.begin(), found.end(),
            [](const auto& left, const auto& right) { return left.connectionId < right.connectionId; });
  EXPECT_EQ(found, (std::vector<ConnectionInfo>{onA, onB}));
}

// --- liveness --------------------------------------------------------------------

TEST_P(SessionStoreContract, SweepRemovesOnlyDeadNodes) {
  ASSERT_OK(touch(nodeA_, 1000ms));
  ASSERT_OK(touch(nodeB_, 3000ms));
  const ConnectionInfo onA1 = info("a1", nodeA_);
  const ConnectionInfo onA2 = info("a2", nodeA_);
  const ConnectionInfo onB = info("b1", nodeB_);
  const ConnectionInfo onC = info("c1", nodeC_);  // node C never touches
  for (const auto& connection : {onA1, onA2, onB, onC}) {
    ASSERT_OK(add(connection));
    ASSERT_OK(subscribe(connection.connectionId, session_));
  }
  advance(1500ms);

  auto swept = sweep();
  ASSERT_OK(swept);
  EXPECT_TRUE(contains(swept->nodes, nodeA_));
  EXPECT_TRUE(contains(swept->nodes, nodeC_));
  EXPECT_FALSE(contains(swept->nodes, nodeB_));
  EXPECT_GE(swept->connectionsRemoved, 3u);

  EXPECT_CODE(Code::kNotFound, lookup(onA1.connectionId));
  EXPECT_CODE(Code::kNotFound, lookup(onA2.connectionId));
  EXPECT_CODE(Code::kNotFound, lookup(onC.connectionId));
  ASSERT_OK(lookup(onB.connectionId));
  EXPECT_EQ(subscriberIds(session_), std::vector<std::string>{onB.connectionId});

  // Reported once: they are gone now.
  auto again = sweep();
  ASSERT_OK(again);
  EXPECT_FALSE(contains(again->nodes, nodeA_));
  EXPECT_FALSE(contains(again->nodes, nodeC_));
  EXPECT_FALSE(contains(again->nodes, nodeB_));
}

TEST_P(SessionStoreContract, TouchKeepsANodeAlive) {
  const ConnectionInfo c1 = info("c1", nodeA_);
  ASSERT_OK(touch(nodeA_));
  ASSERT_OK(add(c1));
  for (int beat = 0; beat < 3; ++beat) {
    advance(600ms);
    ASSERT_OK(touch(nodeA_));
  }
  auto swept = sweep();
  ASSERT_OK(swept);
  EXPECT_FALSE(contains(swept->nodes, nodeA_));
  ASSERT_OK(lookup(c1.connectionId));
}

TEST_P(SessionStoreContract, ConnectionCountsCoverLiveNodesOnly) {
  ASSERT_OK(touch(nodeA_, 1000ms));
  ASSERT_OK(touch(nodeB_, 3000ms));
  ASSERT_OK(add(info("a1", nodeA_)));
  ASSERT_OK(add(info("a2", nodeA_)));
  ASSERT_OK(add(info("c1", nodeC_)));  // never touched: not live

  auto perNode = counts();
  ASSERT_OK(perNode);
  EXPECT_EQ(perNode->count(nodeA_), 1u);
  EXPECT_EQ(perNode->count(nodeB_), 1u);
  EXPECT_EQ(perNode->count(nodeC_), 0u);
  if (perNode->count(nodeA_) != 0) {
    EXPECT_EQ(perNode->at(nodeA_), 2u);
  }
  if (perNode->count(nodeB_) != 0) {
    EXPECT_EQ(perNode->at(nodeB_), 0u);
  }

  ASSERT_OK(remove(uniqueId("a1")));
  EXPECT_EQ(counts()->at(nodeA_), 1u);

  advance(1500ms);  // A's heartbeat ran out; no sweep needed to stop counting it
  perNode = counts();
  ASSERT_OK(perNode);
  EXPECT_EQ(perNode->count(nodeA_), 0u);
  EXPECT_EQ(perNode->count(nodeB_), 1u);
}

// --- arguments ---------------------------------------------------------------------

TEST_P(SessionStoreContract, InvalidArgumentsAreRefused) {
  const ConnectionInfo c1 = info("c1", nodeA_);
  ASSERT_OK(add(c1));
  EXPECT_CODE(Code::kInvalidArgument, touch(""));
  EXPECT_CODE(Code::kInvalidArgument, touch(nodeA_, 0ms));
  EXPECT_CODE(Code::kInvalidArgument, touch(nodeA_, -1ms));
  EXPECT_CODE(Code::kInvalidArgument, add(ConnectionInfo{"", "alice", nodeA_}));
  EXPECT_CODE(Code::kInvalidArgument, add(ConnectionInfo{uniqueId("c2"), "", nodeA_}));
  EXPECT_CODE(Code::kInvalidArgument, add(ConnectionInfo{uniqueId("c2"), "alice", ""}));
  EXPECT_CODE(Code::kInvalidArgument, remove(""));
  EXPECT_CODE(Code::kInvalidArgument, lookup(""));
  EXPECT_CODE(Code::kInvalidArgument, claim("", "alice"));
  EXPECT_CODE(Code::kInvalidArgument, claim(session_, ""));
  EXPECT_CODE(Code::kInvalidArgument, claim(session_, "alice", 0ms));
  EXPECT_CODE(Code::kInvalidArgument, owner(""));
  EXPECT_CODE(Code::kInvalidArgument, subscribe("", session_));
  EXPECT_CODE(Code::kInvalidArgument, subscribe(c1.connectionId, ""));
  EXPECT_CODE(Code::kInvalidArgument, unsubscribe("", session_));
  EXPECT_CODE(Code::kInvalidArgument, unsubscribe(c1.connectionId, ""));
  EXPECT_CODE(Code::kInvalidArgument, subscribersOf(""));
  // None of it changed anything.
  EXPECT_CODE(Code::kNotFound, lookup(uniqueId("c2")));
  EXPECT_CODE(Code::kNotFound, owner(session_));
  EXPECT_EQ(lookup(c1.connectionId).value(), c1);
}

STREAMGATE_INSTANTIATE_CONTRACT(SessionStoreContract, kSessionStore);

}  // namespace
}  // namespace streamgate::contract
