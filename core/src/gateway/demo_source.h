// The `demo` upstream: a deterministic stand-in for an AI endpoint. The
// answer depends only on the prompt and the chunk index, so any node can
// regenerate any chunk, and a stream whose producer died can be taken over
// by the node that retries the chat.
#pragma once

#include <string>

#include "gateway/chunk_source.h"

namespace streamgate::gateway {

struct DemoSettings {
  std::int64_t chunks = 20;
  std::chrono::milliseconds interval{50};
  std::size_t chunkBytes = 24;
  // What a chat's "demo" override may ask for.
  std::int64_t maxChunks = 10'000;
  std::chrono::milliseconds maxInterval{10'000};
};

class DemoSource final : public ChunkSource {
 public:
  // With `stamp`, each chunk starts with the wall-clock time it was made, in
  // microseconds since the epoch, then a space: load generators on the same
  // host measure end-to-end latency with it.
  DemoSource(std::string prompt, std::int64_t chunks, std::chrono::milliseconds interval,
             std::size_t chunkBytes, bool stamp);

  std::int64_t chunkCount() const override { return chunks_; }
  std::string chunk(std::int64_t index) const override;
  std::chrono::milliseconds interval() const override { return interval_; }

 private:
  std::string prompt_;
  std::int64_t chunks_;
  std::chrono::milliseconds interval_;
  std::size_t chunkBytes_;
  bool stamp_;
};

}  // namespace streamgate::gateway
