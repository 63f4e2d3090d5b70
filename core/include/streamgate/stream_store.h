// StreamStore: the chunk log that makes streams resumable.
//
// A stream is one assistant answer, identified by (sessionId, messageId). Its
// chunks have dense indexes 0,1,2,... and it ends with at most one terminal
// state. The store is the source of truth for resume and gap repair, so its
// append is strict:
//   - a fencing token lower than the highest one seen for the stream is
//     refused (kFenced) before anything else is looked at; a higher one becomes
//     the new highest (a new producer took over);
//   - an index below the next one is a re-send: identical content is a no-op
//     success, other content is kConflict;
//   - an index above the next one is kGap (the message names the expected index);
//   - appending after a terminal state is kFinished (identical re-sends still
//     succeed);
//   - a batch is validated whole before any of it is written; a refused
//     append or finish changes nothing (not even the fencing floor).
// Fencing tokens come from LockProvider leases and start at 1; 0 is lower than
// any of them.
// Streams expire `stream_ttl` after their last write; a finished stream expires
// `completed_ttl` after it finished. Both are the plugin's config keys.
//
// Thread-safety: all methods may be called from any thread concurrently.
// Blocking: never; completion per callback.h.
// Errors beyond the above: kNotFound (read of an unknown or expired stream), kInvalidArgument (empty ids,
// negative index, bad terminal), kUnavailable / kTimeout (backend trouble; an append's outcome is unknown and
// the producer retries the same index, which is safe).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "streamgate/callback.h"

namespace streamgate {

struct StreamId {
  std::string sessionId;
  std::string messageId;

  friend bool operator==(const StreamId&, const StreamId&) = default;
};

struct Chunk {
  std::int64_t index = 0;
  std::string content;

  friend bool operator==(const Chunk&, const Chunk&) = default;
};

enum class TerminalKind { kComplete, kCancelled, kFailed, kInterrupted };

// Stable lower-case wire name: "complete", "cancelled", "failed", "interrupted".
std::string_view terminalKindName(TerminalKind kind) noexcept;

struct Terminal {
  TerminalKind kind = TerminalKind::kComplete;
  std::int64_t totalChunks = 0;  // chunks in the stream when it ended
  std::string code;              // kFailed only: stable error code
  std::string message;           // kFailed only: human text

  friend bool operator==(const Terminal&, const Terminal&) = default;
};

struct AppendRequest {
  StreamId stream;
  std::int64_t firstIndex = 0;        // index of contents[0]
  std::vector<std::string> contents;  // one or more chunks, consecutive indexes
  std::uint64_t fencingToken = 0;
};

// A window of a stream: chunks [from, from + chunks.size()), plus where the
// stream stands now.
struct StreamSlice {
  std::vector<Chunk> chunks;
  std::int64_t nextIndex = 0;        // number of chunks stored so far
  std::optional<Terminal> terminal;  // set once the stream ended
};

class StreamStore {
 public:
  virtual ~StreamStore() = default;

  // On success yields the stream's next index after the append.
  virtual void append(const AppendRequest& request, Callback<std::int64_t> done) = 0;

  // Records the terminal state. totalChunks is taken from the stream; for
  // kComplete the given value must match it, else kConflict. kFailed needs a
  // non-empty code. Finishing again with the same kind is a no-op success; a
  // different kind is kFinished. Fenced like append. Finishing a stream that
  // has no chunks yet creates it (an empty answer, a failure before the first
  // chunk). Yields the terminal as recorded (with the stream's count; the
  // first one when finishing again), which is what subscribers must be told.
  virtual void finish(const StreamId& stream, const Terminal& terminal, std::uint64_t fencingToken,
                      Callback<Terminal> done) = 0;

  // Streams that have no terminal state yet, least recently written first,
  // at most `max`: the candidates a node checks for a producer that died
  // (its lease expired) so the stream can be ended as kInterrupted.
  virtual void openStreams(std::size_t max, Callback<std::vector<StreamId>> done) = 0;

  // Up to maxChunks chunks starting at fromIndex (may be empty when fromIndex
  // >= nextIndex). kNotFound when the stream is unknown or expired.
  virtual void read(const StreamId& stream, std::int64_t fromIndex, std::size_t maxChunks,
                    Callback<StreamSlice> done) = 0;
};

}  // namespace streamgate
