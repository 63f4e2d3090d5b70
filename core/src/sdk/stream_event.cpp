#include "streamgate/stream_event.h"

#include <charconv>

namespace streamgate {
namespace {

constexpr std::string_view kMagic = "sg1 ";

std::string_view kindName(EventKind kind) {
  switch (kind) {
    case EventKind::kStarted:
      return "started";
    case EventKind::kChunk:
      return "chunk";
    case EventKind::kComplete:
      return "complete";
    case EventKind::kCancelled:
      return "cancelled";
    case EventKind::kFailed:
      return "failed";
    case EventKind::kInterrupted:
      return "interrupted";
    case EventKind::kCancelRequest:
      return "cancel";
  }
  return "unknown";
}

bool parseKind(std::string_view name, EventKind& kind) {
  for (EventKind candidate :
       {EventKind::kStarted, EventKind::kChunk, EventKind::kComplete, EventKind::kCancelled,
        EventKind::kFailed, EventKind::kInterrupted, EventKind::kCancelRequest}) {
    if (kindName(candidate) == name) {
      kind = candidate;
      return true;
    }
  }
  return false;
}

EventKind terminalEventKind(TerminalKind kind) {
  switch (kind) {
    case TerminalKind::kComplete:
      return EventKind::kComplete;
    case TerminalKind::kCancelled:
      return EventKind::kCancelled;
    case TerminalKind::kFailed:
      return EventKind::kFailed;
    case TerminalKind::kInterrupted:
      return EventKind::kInterrupted;
  }
  return EventKind::kFailed;
}

void appendHeader(std::string& out, EventKind kind, std::int64_t index, std::string_view messageId) {
  out += kMagic;
  out += kindName(kind);
  out += ' ';
  out += std::to_string(index);
  out += ' ';
  out += messageId;
  out += '\n';
}

void appendIds(std::string& out, std::string_view type, const StreamId& stream) {
  out += R"({"type":")";
  out += type;
  out += R"(","sessionId":)";
  appendJsonString(out, stream.sessionId);
  out += R"(,"messageId":)";
  appendJsonString(out, stream.messageId);
}

// Length of the valid UTF-8 sequence at text[i], or 0 if it is not one.
std::size_t utf8SequenceLength(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  std::size_t length = 0;
  unsigned char low = 0x80, high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;  // no surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;  // <= U+10FFFF
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  if (byte(i + 1) < low || byte(i + 1) > high) return 0;
  for (std::size_t k = 2; k < length; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return length;
}

}  // namespace

bool isTerminal(EventKind kind) noexcept {
  return kind == EventKind::kComplete || kind == EventKind::kCancelled || kind == EventKind::kFailed ||
         kind == EventKind::kInterrupted;
}

std::string sessionChannel(std::string_view sessionId) { return "session." + std::string(sessionId); }

void appendJsonString(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  std::size_t i = 0;
  while (i < text.size()) {
    // Copy the longest run that needs no escaping in one go.
    std::size_t run = i;
    while (run < text.size()) {
      const auto c = static_cast<unsigned char>(text[run]);
      if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) break;
      ++run;
    }
    out.append(text.data() + i, run - i);
    i = run;
    if (i >= text.size()) break;
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      const std::size_t length = utf8SequenceLength(text, i);
      if (length == 0) {
        out += "\xEF\xBF\xBD";  // U+FFFD
        ++i;
      } else {
        out.append(text.data() + i, length);
        i += length;
      }
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xF];
    }
    ++i;
  }
  out += '"';
}

std::string chunkJson(const StreamId& stream, std::int64_t index, std::string_view content) {
  std::string out;
  out.reserve(96 + stream.sessionId.size() + stream.messageId.size() + content.size());
  appendIds(out, "chunk", stream);
  out += R"(,"index":)";
  out += std::to_string(index);
  out += R"(,"content":)";
  appendJsonString(out, content);
  out += '}';
  return out;
}

std::string terminalJson(const StreamId& stream, const Terminal& terminal) {
  std::string out;
  appendIds(out, terminalKindName(terminal.kind), stream);
  out += R"(,"totalChunks":)";
  out += std::to_string(terminal.totalChunks);
  if (terminal.kind == TerminalKind::kFailed) {
    out += R"(,"code":)";
    appendJsonString(out, terminal.code);
    out += R"(,"message":)";
    appendJsonString(out, terminal.message);
  }
  out += '}';
  return out;
}

std::string startedJson(const StreamId& stream, std::string_view requestId) {
  std::string out;
  appendIds(out, "started", stream);
  out += R"(,"requestId":)";
  appendJsonString(out, requestId);
  out += '}';
  return out;
}

std::string encodeStartedEvent(const StreamId& stream, std::string_view requestId) {
  std::string out;
  appendHeader(out, EventKind::kStarted, -1, stream.messageId);
  out += startedJson(stream, requestId);
  return out;
}

std::string encodeChunkEvent(const StreamId& stream, std::int64_t index, std::string_view content) {
  std::string out;
  out.reserve(128 + 2 * stream.messageId.size() + stream.sessionId.size() + content.size());
  appendHeader(out, EventKind::kChunk, index, stream.messageId);
  out += chunkJson(stream, index, content);
  return out;
}

std::string encodeTerminalEvent(const StreamId& stream, const Terminal& terminal) {
  std::string out;
  appendHeader(out, terminalEventKind(terminal.kind), terminal.totalChunks, stream.messageId);
  out += terminalJson(stream, terminal);
  return out;
}

TerminalEventTemplate terminalEventTemplate(const StreamId& stream, const Terminal& terminal) {
  Terminal zero = terminal;
  zero.totalChunks = 0;
  const std::string full = encodeTerminalEvent(stream, zero);
  // The count stands right after "sg1 <kind> " and right after the JSON's
  // first ,"totalChunks": (ids before it are JSON strings, whose quotes are
  // escaped, so they cannot contain that text).
  constexpr std::string_view kTotal = R"(,"totalChunks":)";
  const std::size_t header = full.find(' ', 4) + 1;
  const std::size_t json = full.find(kTotal, full.find('\n')) + kTotal.size();
  return TerminalEventTemplate{full.substr(0, header), full.substr(header + 1, json - header - 1),
                               full.substr(json + 1)};
}

std::string encodeCancelRequest(const StreamId& stream) {
  std::string out;
  appendHeader(out, EventKind::kCancelRequest, -1, stream.messageId);
  return out;
}

Expected<EventView> decodeEvent(std::string_view payload) {
  const auto bad = [&](std::string_view why) {
    return Status(Code::kInvalidArgument, "bus event: " + std::string(why));
  };
  if (payload.substr(0, kMagic.size()) != kMagic) return bad("unknown format (no sg1 header)");
  const std::size_t newline = payload.find('\n');
  if (newline == std::string_view::npos) return bad("header not terminated");
  std::string_view header = payload.substr(kMagic.size(), newline - kMagic.size());

  const std::size_t kindEnd = header.find(' ');
  if (kindEnd == std::string_view::npos) return bad("header without index");
  EventView view;
  if (!parseKind(header.substr(0, kindEnd), view.kind)) return bad("unknown event kind");
  header.remove_prefix(kindEnd + 1);

  const std::size_t indexEnd = header.find(' ');
  if (indexEnd == std::string_view::npos) return bad("header without message id");
  const auto [end, error] = std::from_chars(header.data(), header.data() + indexEnd, view.index);
  if (error != std::errc() || end != header.data() + indexEnd || view.index < -1) return bad("bad index");
  view.messageId = header.substr(indexEnd + 1);
  if (view.messageId.empty()) return bad("empty message id");
  view.json = payload.substr(newline + 1);
  if (view.kind != EventKind::kCancelRequest && view.json.empty()) return bad("event without a frame");
  if ((view.kind == EventKind::kChunk || isTerminal(view.kind)) && view.index < 0)
    return bad("missing index");
  return view;
}

}  // namespace streamgate
