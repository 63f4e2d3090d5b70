// In-process StreamStore: every stream is a vector of chunks in one map
// guarded by one mutex; streams expire on the plugin clock.
// Contract: streamgate/stream_store.h.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "expiry_index.h"
#include "streamgate/clock.h"
#include "streamgate/stream_retention.h"
#include "streamgate/stream_store.h"

namespace streamgate::memory {

class MemoryStreamStore final : public StreamStore {
 public:
  MemoryStreamStore(std::shared_ptr<const Clock> clock, StreamRetention retention);

  void append(const AppendRequest& request, Callback<std::int64_t> done) override;
  void finish(const StreamId& stream, const Terminal& terminal, std::uint64_t fencingToken,
              Callback<Terminal> done) override;
  void read(const StreamId& stream, std::int64_t fromIndex, std::size_t maxChunks,
            Callback<StreamSlice> done) override;
  void openStreams(std::size_t max, Callback<std::vector<StreamId>> done) override;

 private:
  using Key = std::pair<std::string, std::string>;  // sessionId, messageId

  struct Stream {
    std::vector<std::string> chunks;
    std::uint64_t highestFencingToken = 0;
    std::optional<Terminal> terminal;
    Clock::time_point expiresAt;
  };

  Expected<std::int64_t> appendLocked(const AppendRequest& request, Clock::time_point now);
  Expected<Terminal> finishLocked(const StreamId& id, const Terminal& terminal, std::uint64_t fencingToken,
                                  Clock::time_point now);
  // Drops every stream whose TTL ran out, touched or not.
  void purgeExpired(Clock::time_point now);
  // Creates the stream on first write, else moves its deadline.
  Stream& upsert(const Key& key, Clock::time_point expiresAt);

  std::shared_ptr<const Clock> clock_;
  const StreamRetention retention_;

  std::mutex mutex_;
  std::map<Key, Stream> streams_;
  ExpiryIndex<Key> expiry_;
};

}  // namespace streamgate::memory
