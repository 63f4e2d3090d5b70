// Streams held in memory under the StreamStore rules (stream_store.h): what
// the memory plugin serves directly, and what a plugin that keeps its
// streams elsewhere (a log, say) can fold its records into to answer reads
// and to check a write before sending it.
//
// Time is passed in, so the owner decides which clock counts. Streams expire
// by stream_ttl / completed_ttl; optional limits on the number of streams and
// on their chunk bytes evict the streams whose deadline is nearest first.
//
// Not thread-safe: the owner serialises calls (a mutex, or one thread).
// Arguments are not checked here (request_checks.h does that once, up front).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "streamgate/clock.h"
#include "streamgate/expiry_index.h"
#include "streamgate/status.h"
#include "streamgate/stream_retention.h"
#include "streamgate/stream_store.h"

namespace streamgate {

struct StreamLimits {
  std::size_t maxStreams = 0;  // 0: no limit
  std::uint64_t maxBytes = 0;  // chunk content bytes; 0: no limit
};

class StreamTable {
 public:
  explicit StreamTable(StreamRetention retention, StreamLimits limits = {});

  // StreamStore::append: the next index, or the refusal. With apply false
  // nothing is written (a check before sending the write elsewhere).
  Expected<std::int64_t> append(const AppendRequest& request, Clock::time_point now, bool apply = true);
  // StreamStore::finish: the terminal as recorded (or as it would be).
  Expected<Terminal> finish(const StreamId& id, const Terminal& terminal, std::uint64_t fencingToken,
                            Clock::time_point now, bool apply = true);
  Expected<StreamSlice> read(const StreamId& id, std::int64_t fromIndex, std::size_t maxChunks,
                             Clock::time_point now);
  std::vector<StreamId> openStreams(std::size_t max, Clock::time_point now);

  std::size_t size() const noexcept { return streams_.size(); }
  std::uint64_t bytes() const noexcept { return bytes_; }
  // Streams dropped to stay within the limits since construction.
  std::uint64_t evicted() const noexcept { return evicted_; }

 private:
  using Key = std::pair<std::string, std::string>;  // sessionId, messageId

  struct Stream {
    std::vector<std::string> chunks;
    std::uint64_t highestFencingToken = 0;
    std::optional<Terminal> terminal;
    Clock::time_point expiresAt;
  };

  // Drops every stream whose TTL ran out, touched or not.
  void purgeExpired(Clock::time_point now);
  // Creates the stream on first write, else moves its deadline.
  Stream& upsert(const Key& key, Clock::time_point expiresAt);
  void erase(std::map<Key, Stream>::iterator it);
  void enforceLimits(const Key& keep);

  const StreamRetention retention_;
  const StreamLimits limits_;
  std::map<Key, Stream> streams_;
  ExpiryIndex<Key> expiry_;
  std::uint64_t bytes_ = 0;
  std::uint64_t evicted_ = 0;
};

}  // namespace streamgate
