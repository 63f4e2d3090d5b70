// Where a built-in producer gets its chunks from.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace streamgate::gateway {

class ChunkSource {
 public:
  virtual ~ChunkSource() = default;
  // Total chunks of the answer.
  virtual std::int64_t chunkCount() const = 0;
  // Content of chunk `index` (< chunkCount()).
  virtual std::string chunk(std::int64_t index) const = 0;
  // Pause between two chunks; zero streams unpaced.
  virtual std::chrono::milliseconds interval() const = 0;
};

}  // namespace streamgate::gateway
