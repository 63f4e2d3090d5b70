#include "gateway/stream_cursor.h"

#include "gateway/server_frames.h"

namespace streamgate::gateway {

StreamCursor::StreamCursor(StreamId stream, std::int64_t nextIndex, Sink& sink)
    : stream_(std::move(stream)), nextIndex_(nextIndex), sink_(sink) {}

void StreamCursor::onLive(EventKind kind, std::int64_t index, const net::Frame& frame) {
  if (finished_) return;
  if (kind == EventKind::kStarted) {
    if (!startedSent_) {
      startedSent_ = true;
      sink_.deliverFrame(frame, false);
    }
    return;
  }
  if (kind == EventKind::kCancelRequest) return;  // for producers, not clients
  if (reading_) {
    buffer_.push_back(Buffered{kind, index, frame});
    return;
  }
  if (kind == EventKind::kChunk) {
    if (index < nextIndex_) return;  // already sent (from the store, or a bus duplicate)
    if (index == nextIndex_) {
      sink_.deliverFrame(frame, true);
      ++nextIndex_;
      return;
    }
  } else if (nextIndex_ >= index) {  // terminal: index is the stream's chunk count
    sink_.deliverFrame(frame, false);
    finish();
    return;
  }
  // Something before this event never arrived: fill from the store first.
  buffer_.push_back(Buffered{kind, index, frame});
  startRead();
}

void StreamCursor::catchUp() {
  if (!reading_ && !finished_) startRead();
}

void StreamCursor::startRead() {
  reading_ = true;
  sink_.readStore(stream_, nextIndex_, [weak = weak_from_this()](Expected<StreamSlice> slice) {
    if (auto self = weak.lock()) self->onRead(std::move(slice));
  });
}

void StreamCursor::onRead(Expected<StreamSlice> result) {
  if (finished_) return;
  if (!result) {
    if (result.error().code() == Code::kNotFound) {
      sink_.cursorFailed(
          stream_, error_code::kStreamExpired,
          "stream " + stream_.sessionId + "/" + stream_.messageId + " is not (or no longer) stored");
    } else {
      sink_.cursorFailed(stream_, error_code::kBackendUnavailable,
                         "cannot read stream " + stream_.sessionId + "/" + stream_.messageId + ": " +
                             result.error().message() + "; resume later");
    }
    finish();
    return;
  }
  const StreamSlice& slice = *result;
  for (const Chunk& chunk : slice.chunks) {
    if (chunk.index != nextIndex_) continue;
    sink_.deliverJson(chunkJson(stream_, chunk.index, chunk.content), true);
    ++nextIndex_;
  }
  if (slice.terminal && nextIndex_ >= slice.terminal->totalChunks) {
    sink_.deliverJson(terminalJson(stream_, *slice.terminal), false);
    finish();
    return;
  }
  if (nextIndex_ < slice.nextIndex) {
    startRead();  // more is stored than one read returns
    return;
  }
  reading_ = false;
  // Caught up with the store. A buffered event still ahead of it means the
  // store lost chunks (e.g. a failover dropped writes): say so and move on
  // rather than wait forever. That holds for a terminal too (its index is the
  // chunk count): reading again for chunks the store no longer has would loop.
  if (!buffer_.empty() && buffer_.front().index > nextIndex_) {
    sink_.cursorFailed(stream_, error_code::kStreamGap,
                       "chunks " + std::to_string(nextIndex_) + ".." +
                           std::to_string(buffer_.front().index - 1) + " of stream " + stream_.sessionId +
                           "/" + stream_.messageId + " are lost");
    nextIndex_ = buffer_.front().index;
  }
  drainBuffer();
}

void StreamCursor::drainBuffer() {
  std::vector<Buffered> pending;
  pending.swap(buffer_);
  for (std::size_t i = 0; i < pending.size(); ++i) {
    onLive(pending[i].kind, pending[i].index, pending[i].frame);
    if (finished_) return;
    if (reading_) {
      // Another hole: keep the rest, in order, behind what onLive buffered.
      buffer_.insert(buffer_.end(),
                     std::make_move_iterator(pending.begin() + static_cast<std::ptrdiff_t>(i) + 1),
                     std::make_move_iterator(pending.end()));
      return;
    }
  }
}

void StreamCursor::finish() {
  finished_ = true;
  reading_ = false;
  buffer_.clear();
}

}  // namespace streamgate::gateway
