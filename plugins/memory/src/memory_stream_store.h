// In-process StreamStore: a StreamTable behind one mutex; streams expire on
// the plugin clock. Contract: streamgate/stream_store.h.
#pragma once

#include <memory>
#include <mutex>

#include "streamgate/clock.h"
#include "streamgate/stream_retention.h"
#include "streamgate/stream_store.h"
#include "streamgate/stream_table.h"

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
  std::shared_ptr<const Clock> clock_;
  std::mutex mutex_;
  StreamTable table_;
};

}  // namespace streamgate::memory
