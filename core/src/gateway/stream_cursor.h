// Where one client stands in one stream, and the rules that keep what it
// receives dense, ordered and without duplicates (DESIGN.md section 5).
//
// Live events arrive from the bus; anything the client has not seen that is
// older than a live event is read from the StreamStore first:
//   - a live chunk at the next index is sent; an older one is a duplicate
//     and dropped; a newer one means the bus lost something: the cursor
//     buffers live events, reads the store from its next index, sends what
//     it reads, then drains the buffer;
//   - a terminal event is sent only after every chunk before it;
//   - resume starts in the reading state from the client's last index.
// Not thread-safe: lives on its connection's loop.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "net/ws_connection.h"
#include "streamgate/stream_event.h"
#include "streamgate/stream_store.h"

namespace streamgate::gateway {

class StreamCursor : public std::enable_shared_from_this<StreamCursor> {
 public:
  // What a cursor needs from its connection.
  class Sink {
   public:
    virtual ~Sink() = default;
    // A ready frame (live events: shared by every recipient).
    virtual void deliverFrame(const net::Frame& frame, bool isChunk) = 0;
    // JSON built for this client only (chunks read from the store).
    virtual void deliverJson(std::string json, bool isChunk) = 0;
    // Reads [from, from + limit) and calls back on the connection's loop,
    // unless the cursor was dropped meanwhile.
    virtual void readStore(const StreamId& stream, std::int64_t from,
                           std::function<void(Expected<StreamSlice>)> done) = 0;
    // The stream cannot be delivered (expired, unavailable): an error frame.
    virtual void cursorFailed(const StreamId& stream, std::string_view code, std::string_view message) = 0;
  };

  StreamCursor(StreamId stream, std::int64_t nextIndex, Sink& sink);

  // A live event for this stream: its kind, its index (see stream_event.h)
  // and the ready frame.
  void onLive(EventKind kind, std::int64_t index, const net::Frame& frame);
  // Reads from the next index (resume, or a check that nothing was missed).
  void catchUp();

  const StreamId& stream() const noexcept { return stream_; }
  std::int64_t nextIndex() const noexcept { return nextIndex_; }
  bool finished() const noexcept { return finished_; }
  bool reading() const noexcept { return reading_; }
  bool startedSent() const noexcept { return startedSent_; }
  void markStartedSent() noexcept { startedSent_ = true; }

 private:
  struct Buffered {
    EventKind kind;
    std::int64_t index;
    net::Frame frame;
  };

  void startRead();
  void onRead(Expected<StreamSlice> slice);
  void drainBuffer();
  void finish();

  StreamId stream_;
  std::int64_t nextIndex_;
  Sink& sink_;
  bool reading_ = false;
  bool finished_ = false;
  bool startedSent_ = false;
  std::vector<Buffered> buffer_;
};

}  // namespace streamgate::gateway
