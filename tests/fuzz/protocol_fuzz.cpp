// Fuzzes parseClientMessage, the first thing every client frame meets.
//
// Input: the text frame, as is.
//
// Checked on every input:
//   - it never throws (a thrown exception would take down the loop thread);
//   - a refusal is kInvalidArgument with a message, which becomes the
//     bad_request error the client reads;
//   - an accepted message holds only what the protocol allows: ids valid per
//     isValidId, indexes >= -1, demo overrides >= 0, a non-empty auth token;
//   - the same frame parses the same way twice;
//   - an accepted message written back as JSON (with the escaping server
//     frames use) parses to the same message, when its text is valid UTF-8.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

#include "fuzz_check.h"
#include "gateway/client_message.h"
#include "net/utf8_validator.h"
#include "streamgate/stream_event.h"

namespace {

using namespace streamgate;
using namespace streamgate::gateway;

Expected<ClientMessage> parseOrAbort(std::string_view json) {
  try {
    return parseClientMessage(json);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "parseClientMessage threw: %s\n", error.what());
  } catch (...) {
    std::fprintf(stderr, "parseClientMessage threw something that is not a std::exception\n");
  }
  std::abort();
}

void checkValid(const ClientMessage& message) {
  std::visit(
      [](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, AuthMessage>) {
          FUZZ_CHECK(!m.token.empty());
        } else if constexpr (std::is_same_v<T, SubscribeMessage>) {
          FUZZ_CHECK(isValidId(m.sessionId));
          FUZZ_CHECK(!m.sinceMessageId || isValidId(*m.sinceMessageId));
          FUZZ_CHECK(m.sinceIndex >= -1);
          FUZZ_CHECK(m.sinceMessageId || m.sinceIndex == -1);
        } else if constexpr (std::is_same_v<T, ChatMessage>) {
          FUZZ_CHECK(isValidId(m.sessionId));
          FUZZ_CHECK(isValidId(m.requestId));
          FUZZ_CHECK(!m.demo.chunks || *m.demo.chunks >= 0);
          FUZZ_CHECK(!m.demo.intervalMs || *m.demo.intervalMs >= 0);
        } else if constexpr (std::is_same_v<T, ResumeMessage>) {
          FUZZ_CHECK(isValidId(m.sessionId));
          FUZZ_CHECK(isValidId(m.messageId));
          FUZZ_CHECK(m.lastChunkIndex >= -1);
        } else if constexpr (std::is_same_v<T, CancelMessage>) {
          FUZZ_CHECK(isValidId(m.sessionId));
          FUZZ_CHECK(isValidId(m.messageId));
        } else if constexpr (std::is_same_v<T, UnsubscribeMessage>) {
          FUZZ_CHECK(isValidId(m.sessionId));
        } else {
          static_assert(std::is_same_v<T, PingMessage>);
        }
      },
      message);
}

void field(std::string& out, std::string_view name, std::string_view value) {
  out += ",\"";
  out += name;
  out += "\":";
  appendJsonString(out, value);
}
void field(std::string& out, std::string_view name, std::int64_t value) {
  out += ",\"";
  out += name;
  out += "\":";
  out += std::to_string(value);
}

// The message as a client would write it, or "" when a string in it is not
// valid UTF-8 (appendJsonString would replace bytes, so no equality).
std::string toJson(const ClientMessage& message) {
  bool utf8 = true;
  std::string out;
  std::visit(
      [&](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, AuthMessage>) {
          out = R"({"type":"auth")";
          field(out, "token", m.token);
          utf8 = net::isValidUtf8(m.token);
        } else if constexpr (std::is_same_v<T, SubscribeMessage>) {
          out = R"({"type":"subscribe")";
          field(out, "sessionId", m.sessionId);
          if (m.sinceMessageId) {
            out += R"(,"since":{"messageId":)";
            appendJsonString(out, *m.sinceMessageId);
            field(out, "index", m.sinceIndex);
            out += '}';
          }
        } else if constexpr (std::is_same_v<T, ChatMessage>) {
          out = R"({"type":"chat")";
          field(out, "sessionId", m.sessionId);
          field(out, "requestId", m.requestId);
          field(out, "content", m.content);
          utf8 = net::isValidUtf8(m.content);
          out += R"(,"demo":{"stamp":)";
          out += m.demo.stamp ? "true" : "false";
          if (m.demo.chunks) field(out, "chunks", *m.demo.chunks);
          if (m.demo.intervalMs) field(out, "intervalMs", *m.demo.intervalMs);
          out += '}';
        } else if constexpr (std::is_same_v<T, ResumeMessage>) {
          out = R"({"type":"resume")";
          field(out, "sessionId", m.sessionId);
          field(out, "messageId", m.messageId);
          field(out, "lastChunkIndex", m.lastChunkIndex);
        } else if constexpr (std::is_same_v<T, CancelMessage>) {
          out = R"({"type":"cancel")";
          field(out, "sessionId", m.sessionId);
          field(out, "messageId", m.messageId);
        } else if constexpr (std::is_same_v<T, UnsubscribeMessage>) {
          out = R"({"type":"unsubscribe")";
          field(out, "sessionId", m.sessionId);
        } else {
          out = R"({"type":"ping")";
        }
      },
      message);
  out += '}';
  return utf8 ? out : std::string();
}

bool sameMessage(const ClientMessage& a, const ClientMessage& b) {
  if (a.index() != b.index()) return false;
  return std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        const T& y = std::get<T>(b);
        if constexpr (std::is_same_v<T, AuthMessage>) {
          return x.token == y.token;
        } else if constexpr (std::is_same_v<T, SubscribeMessage>) {
          return x.sessionId == y.sessionId && x.sinceMessageId == y.sinceMessageId &&
                 x.sinceIndex == y.sinceIndex;
        } else if constexpr (std::is_same_v<T, ChatMessage>) {
          return x.sessionId == y.sessionId && x.requestId == y.requestId && x.content == y.content &&
                 x.demo.chunks == y.demo.chunks && x.demo.intervalMs == y.demo.intervalMs &&
                 x.demo.stamp == y.demo.stamp;
        } else if constexpr (std::is_same_v<T, ResumeMessage>) {
          return x.sessionId == y.sessionId && x.messageId == y.messageId &&
                 x.lastChunkIndex == y.lastChunkIndex;
        } else if constexpr (std::is_same_v<T, CancelMessage>) {
          return x.sessionId == y.sessionId && x.messageId == y.messageId;
        } else if constexpr (std::is_same_v<T, UnsubscribeMessage>) {
          return x.sessionId == y.sessionId;
        } else {
          return true;
        }
      },
      a);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view json(reinterpret_cast<const char*>(data), size);
  const auto message = parseOrAbort(json);
  const auto again = parseOrAbort(json);
  FUZZ_CHECK(message.hasValue() == again.hasValue());
  if (!message) {
    FUZZ_CHECK(message.error().code() == Code::kInvalidArgument);
    FUZZ_CHECK(!message.error().message().empty());
    FUZZ_CHECK(message.error().message() == again.error().message());
    return 0;
  }
  checkValid(*message);
  FUZZ_CHECK(sameMessage(*message, *again));

  const std::string written = toJson(*message);
  if (!written.empty()) {
    const auto reread = parseOrAbort(written);
    if (!reread) std::fprintf(stderr, "%s\n-> %s\n", written.c_str(), reread.error().message().c_str());
    FUZZ_CHECK(reread.hasValue());
    FUZZ_CHECK(sameMessage(*message, *reread));
  }
  return 0;
}
