#include "streamgate/stream_table.h"

#include <algorithm>

#include "streamgate/request_checks.h"

namespace streamgate {

StreamTable::StreamTable(StreamRetention retention, StreamLimits limits)
    : retention_(retention), limits_(limits) {}

void StreamTable::erase(std::map<Key, Stream>::iterator it) {
  for (const auto& chunk : it->second.chunks) bytes_ -= chunk.size();
  expiry_.remove(it->first, it->second.expiresAt);
  streams_.erase(it);
}

void StreamTable::purgeExpired(Clock::time_point now) {
  for (const auto& key : expiry_.takeExpired(now)) {
    const auto it = streams_.find(key);
    for (const auto& chunk : it->second.chunks) bytes_ -= chunk.size();
    streams_.erase(it);
  }
}

StreamTable::Stream& StreamTable::upsert(const Key& key, Clock::time_point expiresAt) {
  auto [it, created] = streams_.try_emplace(key);
  if (created) {
    expiry_.add(key, expiresAt);
  } else {
    expiry_.move(key, it->second.expiresAt, expiresAt);
  }
  it->second.expiresAt = expiresAt;
  return it->second;
}

void StreamTable::enforceLimits(const Key& keep) {
  const auto over = [&] {
    return (limits_.maxStreams != 0 && streams_.size() > limits_.maxStreams) ||
           (limits_.maxBytes != 0 && bytes_ > limits_.maxBytes);
  };
  while (over()) {
    // Nearest deadline first: the stream written longest ago, or finished
    // soonest; never the one just written.
    std::optional<Key> victim;
    expiry_.visitInOrder([&](const Key& key) {
      if (key == keep) return true;
      victim = key;
      return false;
    });
    if (!victim) return;
    erase(streams_.find(*victim));
    ++evicted_;
  }
}

Expected<std::int64_t> StreamTable::append(const AppendRequest& request, Clock::time_point now, bool apply) {
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
  if (request.firstIndex > next) return gapError(id, next, request.firstIndex);
  if (!apply) return std::max(end, next);

  // Validated whole; now write. A finished stream keeps its completed_ttl deadline.
  const bool finished = stream && stream->terminal;
  Stream& target = finished ? found->second : upsert(key, now + retention_.streamTtl);
  target.highestFencingToken = std::max(target.highestFencingToken, request.fencingToken);
  for (std::int64_t index = next; index < end; ++index) {
    const auto& content = request.contents[static_cast<std::size_t>(index - request.firstIndex)];
    bytes_ += content.size();
    target.chunks.push_back(content);
  }
  const auto stored = static_cast<std::int64_t>(target.chunks.size());
  enforceLimits(key);
  return stored;
}

Expected<Terminal> StreamTable::finish(const StreamId& id, const Terminal& terminal,
                                       std::uint64_t fencingToken, Clock::time_point now, bool apply) {
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
    if (apply) stream->highestFencingToken = std::max(stream->highestFencingToken, fencingToken);
    return *stream->terminal;
  }
  Terminal recorded{terminal.kind, next, {}, {}};
  if (terminal.kind == TerminalKind::kFailed) {
    recorded.code = terminal.code;
    recorded.message = terminal.message;
  }
  if (!apply) return recorded;

  Stream& target = upsert(key, now + retention_.completedTtl);
  target.highestFencingToken = std::max(target.highestFencingToken, fencingToken);
  target.terminal = recorded;
  enforceLimits(key);
  return recorded;
}

Expected<StreamSlice> StreamTable::read(const StreamId& id, std::int64_t fromIndex, std::size_t maxChunks,
                                        Clock::time_point now) {
  purgeExpired(now);
  const auto found = streams_.find(Key{id.sessionId, id.messageId});
  if (found == streams_.end()) return unknownStreamError(id);
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
}

std::vector<StreamId> StreamTable::openStreams(std::size_t max, Clock::time_point now) {
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
}

}  // namespace streamgate
