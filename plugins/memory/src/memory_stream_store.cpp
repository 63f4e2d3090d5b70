#include "memory_stream_store.h"

#include <algorithm>
#include <limits>

#include "streamgate/plugin.h"
#include "streamgate/request_checks.h"

namespace streamgate::memory {

MemoryStreamStore::MemoryStreamStore(std::shared_ptr<const Clock> clock, StreamRetention retention)
    : clock_(std::move(clock)), retention_(retention) {}

void MemoryStreamStore::purgeExpired(Clock::time_point now) {
  for (const auto& key : expiry_.takeExpired(now)) streams_.erase(key);
}

MemoryStreamStore::Stream& MemoryStreamStore::upsert(const Key& key, Clock::time_point expiresAt) {
  auto [it, created] = streams_.try_emplace(key);
  if (created) {
    expiry_.add(key, expiresAt);
  } else {
    expiry_.move(key, it->second.expiresAt, expiresAt);
  }
  it->second.expiresAt = expiresAt;
  return it->second;
}

void MemoryStreamStore::append(const AppendRequest& request, Callback<std::int64_t> done) {
  Expected<std::int64_t> result = noThrow([&]() -> Expected<std::int64_t> {
    if (Status bad = checkAppendRequest(request); !bad) return bad;
    const auto now = clock_->now();
    std::lock_guard lock(mutex_);
    return appendLocked(request, now);
  });
  done(std::move(result));
}

Expected<std::int64_t> MemoryStreamStore::appendLocked(const AppendRequest& request, Clock::time_point now) {
  purgeExpired(now);
  const StreamId& id = request.stream;
  const Key key{id.sessionId, id.messageId};
  const auto found = streams_.find(key);
  const Stream* stream = found == streams_.end() ? nullptr : &found->second;

  // The order of these checks is part of the contract (stream_store.h).
  const std::uint64_t highest = stream ? stream->highestFencingToken : 0;
  if (request.fencingToken < highest) return fencedError(id, request.fencingToken, highest);

  const std::int64_t next = stream ? static_cast<std::int64_t>(stream->chunks.size()) : 0;
  const std::int64_t end = request.firstIndex + static_cast<std::int64_t>(request.contents.size());
  for (std::int64_t index = request.firstIndex; index < std::min(end, next); ++index) {
    if (stream->chunks[static_cast<std::size_t>(index)] !=
        request.contents[static_cast<std::size_t>(index - request.firstIndex)]) {
      return conflictError(id, index);
    }
  }
  const bool writesNewChunks = end > next;
  if (writesNewChunks && stream && stream->terminal) {
    return finishedAppendError(id, stream->terminal->kind, std::max(next, request.firstIndex));
  }
  if (request.firstIndex > next) {
    return gapError(id, next, request.firstIndex);
  }

  // Validated whole; now write. A finished stream keeps its completed_ttl deadline.
  const bool finished = stream && stream->terminal;
  Stream& target = finished ? found->second : upsert(key, now + retention_.streamTtl);
  target.highestFencingToken = std::max(target.highestFencingToken, request.fencingToken);
  for (std::int64_t index = next; index < end; ++index) {
    target.chunks.push_back(request.contents[static_cast<std::size_t>(index - request.firstIndex)]);
  }
  return static_cast<std::int64_t>(target.chunks.size());
}

void MemoryStreamStore::finish(const StreamId& stream, const Terminal& terminal, std::uint64_t fencingToken,
                               Callback<Terminal> done) {
  Expected<Terminal> result = noThrow([&]() -> Expected<Terminal> {
    if (Status bad = checkFinishRequest(stream, terminal); !bad) return bad;
    const auto now = clock_->now();
    std::lock_guard lock(mutex_);
    return finishLocked(stream, terminal, fencingToken, now);
  });
  done(std::move(result));
}

Expected<Terminal> MemoryStreamStore::finishLocked(const StreamId& id, const Terminal& terminal,
                                                   std::uint64_t fencingToken, Clock::time_point now) {
  purgeExpired(now);
  const Key key{id.sessionId, id.messageId};
  const auto found = streams_.find(key);
  Stream* stream = found == streams_.end() ? nullptr : &found->second;

  const std::uint64_t highest = stream ? stream->highestFencingToken : 0;
  if (fencingToken < highest) return fencedError(id, fencingToken, highest);

  if (stream && stream->terminal && stream->terminal->kind != terminal.kind) {
    return finishedFinishError(id, stream->terminal->kind, terminal.kind);
  }
  const std::int64_t next = stream ? static_cast<std::int64_t>(stream->chunks.size()) : 0;
  if (terminal.kind == TerminalKind::kComplete && terminal.totalChunks != next) {
    return completeCountError(id, terminal.totalChunks, next);
  }
  if (stream && stream->terminal) {
    // The same kind again (a producer retrying): the first terminal stands.
    stream->highestFencingToken = std::max(stream->highestFencingToken, fencingToken);
    return *stream->terminal;
  }

  Stream& target = upsert(key, now + retention_.completedTtl);
  target.highestFencingToken = std::max(target.highestFencingToken, fencingToken);
  Terminal stored{terminal.kind, next, {}, {}};
  if (terminal.kind == TerminalKind::kFailed) {
    stored.code = terminal.code;
    stored.message = terminal.message;
  }
  target.terminal = std::move(stored);
  return *target.terminal;
}

void MemoryStreamStore::read(const StreamId& stream, std::int64_t fromIndex, std::size_t maxChunks,
                             Callback<StreamSlice> done) {
  Expected<StreamSlice> result = noThrow([&]() -> Expected<StreamSlice> {
    if (Status bad = checkReadRequest(stream, fromIndex); !bad) return bad;
    const auto now = clock_->now();
    std::lock_guard lock(mutex_);
    purgeExpired(now);
    const auto found = streams_.find(Key{stream.sessionId, stream.messageId});
    if (found == streams_.end()) return unknownStreamError(stream);
    const Stream& source = found->second;
    StreamSlice slice;
    const auto next = static_cast<std::int64_t>(source.chunks.size());
    slice.nextIndex = next;
    slice.terminal = source.terminal;
    if (fromIndex < next) {
      const auto first = static_cast<std::size_t>(fromIndex);
      const std::size_t count = std::min<std::size_t>(maxChunks, source.chunks.size() - first);
      slice.chunks.reserve(count);
      for (std::size_t i = first; i < first + count; ++i) {
        slice.chunks.push_back(Chunk{static_cast<std::int64_t>(i), source.chunks[i]});
      }
    }
    return slice;
  });
  done(std::move(result));
}

void MemoryStreamStore::openStreams(std::size_t max, Callback<std::vector<StreamId>> done) {
  Expected<std::vector<StreamId>> result = noThrow([&]() -> Expected<std::vector<StreamId>> {
    const auto now = clock_->now();
    std::lock_guard lock(mutex_);
    purgeExpired(now);
    // An open stream's deadline is its last write + stream_ttl, so deadline
    // order is least-recently-written order.
    std::vector<StreamId> open;
    expiry_.visitInOrder([&](const Key& key) {
      if (open.size() >= max) return false;
      if (!streams_.at(key).terminal) open.push_back(StreamId{key.first, key.second});
      return true;
    });
    return open;
  });
  done(std::move(result));
}

}  // namespace streamgate::memory
