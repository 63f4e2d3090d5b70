// Deadlines of keyed entries, ordered by time, so expired entries can be
// dropped without scanning the live ones: a store keeps one next to its map
// and entries vanish even if nobody asks for them again, which keeps memory
// bounded. Not thread-safe: the owner's mutex guards it.
#pragma once

#include <set>
#include <utility>
#include <vector>

#include "streamgate/clock.h"

namespace streamgate {

template <class Key>
class ExpiryIndex {
 public:
  using time_point = Clock::time_point;

  void add(const Key& key, time_point expiresAt) { deadlines_.emplace(expiresAt, key); }

  void remove(const Key& key, time_point expiresAt) { deadlines_.erase({expiresAt, key}); }

  void move(const Key& key, time_point from, time_point to) {
    if (from == to) return;
    remove(key, from);
    add(key, to);
  }

  // Removes and returns every key whose deadline is at or before now. Each
  // key is returned once, so the amortised cost per entry is O(log n).
  std::vector<Key> takeExpired(time_point now) {
    std::vector<Key> expired;
    auto it = deadlines_.begin();
    while (it != deadlines_.end() && it->first <= now) {
      expired.push_back(it->second);
      it = deadlines_.erase(it);
    }
    return expired;
  }

  // Calls visit(key) soonest deadline first until it returns false.
  template <class Visit>
  void visitInOrder(Visit&& visit) const {
    for (const auto& [deadline, key] : deadlines_) {
      if (!visit(key)) return;
    }
  }

  bool empty() const noexcept { return deadlines_.empty(); }
  std::size_t size() const noexcept { return deadlines_.size(); }

 private:
  std::set<std::pair<time_point, Key>> deadlines_;
};

}  // namespace streamgate
