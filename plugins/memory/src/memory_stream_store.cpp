#include "memory_stream_store.h"

#include "streamgate/plugin.h"
#include "streamgate/request_checks.h"

namespace streamgate::memory {

MemoryStreamStore::MemoryStreamStore(std::shared_ptr<const Clock> clock, StreamRetention retention)
    : clock_(std::move(clock)), table_(retention) {}

void MemoryStreamStore::append(const AppendRequest& request, Callback<std::int64_t> done) {
  Expected<std::int64_t> result = noThrow([&]() -> Expected<std::int64_t> {
    if (Status bad = checkAppendRequest(request); !bad) return bad;
    const auto now = clock_->now();
    std::lock_guard lock(mutex_);
    return table_.append(request, now);
  });
  done(std::move(result));
}

void MemoryStreamStore::finish(const StreamId& stream, const Terminal& terminal, std::uint64_t fencingToken,
                               Callback<Terminal> done) {
  Expected<Terminal> result = noThrow([&]() -> Expected<Terminal> {
    if (Status bad = checkFinishRequest(stream, terminal); !bad) return bad;
    const auto now = clock_->now();
    std::lock_guard lock(mutex_);
    return table_.finish(stream, terminal, fencingToken, now);
  });
  done(std::move(result));
}

void MemoryStreamStore::read(const StreamId& stream, std::int64_t fromIndex, std::size_t maxChunks,
                             Callback<StreamSlice> done) {
  Expected<StreamSlice> result = noThrow([&]() -> Expected<StreamSlice> {
    if (Status bad = checkReadRequest(stream, fromIndex); !bad) return bad;
    const auto now = clock_->now();
    std::lock_guard lock(mutex_);
    return table_.read(stream, fromIndex, maxChunks, now);
  });
  done(std::move(result));
}

void MemoryStreamStore::openStreams(std::size_t max, Callback<std::vector<StreamId>> done) {
  Expected<std::vector<StreamId>> result = noThrow([&]() -> Expected<std::vector<StreamId>> {
    const auto now = clock_->now();
    std::lock_guard lock(mutex_);
    return table_.openStreams(max, now);
  });
  done(std::move(result));
}

}  // namespace streamgate::memory
