// Writing a whole stream of benchmark chunks and checking a read of it back:
// what the redis resume scenario and the kafka replay scenario both need.
#pragma once

#include <string>

#include "common/bench_support.h"
#include "streamgate/stream_store.h"

namespace streamgate::bench {

// Appends chunks 0..total-1 (chunkContent, chunkBytes each) to `stream`,
// `batch` chunks per append, one append after the other. Blocks; throws
// std::runtime_error naming the stream on the first failed append or when
// the deadline passes.
void fillStream(StreamStore& store, const StreamId& stream, int total, int batch, int chunkBytes,
                SteadyClock::time_point deadline);

// Empty when `slice` is chunks 0..total-1 as fillStream wrote them (count,
// next index, content at both ends); otherwise what is wrong.
std::string checkWholeStream(const StreamSlice& slice, int total, int chunkBytes);

}  // namespace streamgate::bench
