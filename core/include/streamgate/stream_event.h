// The bytes a stream event travels as on the MessageBus, one channel per
// session (sessionChannel()).
//
// A payload is a one-line routing header that receiving nodes read without a
// JSON parser, then the exact JSON text frame clients receive:
//
//   sg1 <kind> <index> <messageId>\n{"type":"chunk","sessionId":...}
//
// so the frame is built once by the producer, for the whole cluster. <index>
// is the chunk index for chunk events, the stream's total chunk count for
// terminal events and -1 otherwise. A plugin that fuses StreamStore::append
// with the publish builds the payload with these same functions.
//
// All functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "streamgate/status.h"
#include "streamgate/stream_store.h"

namespace streamgate {

enum class EventKind {
  kStarted,   // a producer began the message
  kChunk,     // one chunk
  kComplete,  // terminal events...
  kCancelled,
  kFailed,
  kInterrupted,    // ...
  kCancelRequest,  // control: ask the producer, wherever it runs, to stop
};

struct EventView {
  EventKind kind = EventKind::kChunk;
  std::int64_t index = -1;
  std::string_view messageId;
  std::string_view json;  // the client frame; empty for control events
};

bool isTerminal(EventKind kind) noexcept;

// Bus channel of a session's events (the plugin may prefix it).
std::string sessionChannel(std::string_view sessionId);

std::string encodeStartedEvent(const StreamId& stream, std::string_view requestId);
std::string encodeChunkEvent(const StreamId& stream, std::int64_t index, std::string_view content);
std::string encodeTerminalEvent(const StreamId& stream, const Terminal& terminal);
std::string encodeCancelRequest(const StreamId& stream);

// A terminal event whose chunk count is filled in later, by a store that
// learns the count only where it records the terminal (a server-side
// script): the payload is prefix + count + middle + count + suffix, equal to
// encodeTerminalEvent() with that count. terminal.totalChunks is ignored.
struct TerminalEventTemplate {
  std::string prefix;
  std::string middle;
  std::string suffix;
};
TerminalEventTemplate terminalEventTemplate(const StreamId& stream, const Terminal& terminal);

// Views point into payload. kInvalidArgument for anything malformed.
Expected<EventView> decodeEvent(std::string_view payload);

// The client JSON of a chunk or terminal event, as encode*Event embeds it;
// used to replay stored chunks to one client.
std::string chunkJson(const StreamId& stream, std::int64_t index, std::string_view content);
std::string terminalJson(const StreamId& stream, const Terminal& terminal);
std::string startedJson(const StreamId& stream, std::string_view requestId);

// Appends text as a JSON string literal (quotes included). Invalid UTF-8 is
// replaced by U+FFFD so the frame stays a valid text message.
void appendJsonString(std::string& out, std::string_view text);

}  // namespace streamgate
