#include "common/stream_fill.h"

#include <algorithm>
#include <stdexcept>

namespace streamgate::bench {

void fillStream(StreamStore& store, const StreamId& stream, int total, int batch, int chunkBytes,
                SteadyClock::time_point deadline) {
  for (int first = 0; first < total; first += batch) {
    AppendRequest request{stream, first, {}, 1};
    for (int i = first; i < std::min(total, first + batch); ++i)
      request.contents.push_back(chunkContent(i, chunkBytes));
    auto written = await<std::int64_t>(
        [&](Callback<std::int64_t> done) { store.append(request, std::move(done)); }, deadline);
    if (!written.result)
      throw std::runtime_error("writing stream " + stream.sessionId + ": " +
                               written.result.status().toString());
  }
}

std::string checkWholeStream(const StreamSlice& slice, int total, int chunkBytes) {
  if (slice.chunks.size() != static_cast<std::size_t>(total))
    return "read returned " + std::to_string(slice.chunks.size()) + " of " + std::to_string(total) +
           " chunks";
  if (total == 0) return {};
  if (slice.nextIndex != total || slice.chunks.back().index != total - 1)
    return "read ended at index " + std::to_string(slice.chunks.back().index);
  if (slice.chunks.front().content != chunkContent(0, chunkBytes) ||
      slice.chunks.back().content != chunkContent(total - 1, chunkBytes))
    return "read returned other contents";
  return {};
}

}  // namespace streamgate::bench
