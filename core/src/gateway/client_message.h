// Protocol v1, client to server: parsing and validation of one JSON text frame.
// See docs/protocol.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "streamgate/status.h"

namespace streamgate::gateway {

struct AuthMessage {
  std::string token;
};
struct SubscribeMessage {
  std::string sessionId;
  // "since": resume this message after this chunk index while subscribing.
  std::optional<std::string> sinceMessageId;
  std::int64_t sinceIndex = -1;
};
struct DemoOverride {
  std::optional<std::int64_t> chunks;
  std::optional<std::int64_t> intervalMs;
  bool stamp = false;  // chunks start with the time they were produced (load tests measure latency)
};
struct ChatMessage {
  std::string sessionId;
  std::string requestId;
  std::string content;
  DemoOverride demo;
};
struct ResumeMessage {
  std::string sessionId;
  std::string messageId;
  std::int64_t lastChunkIndex = -1;  // -1: from the start
};
struct CancelMessage {
  std::string sessionId;
  std::string messageId;
};
struct UnsubscribeMessage {
  std::string sessionId;
};
struct PingMessage {};

using ClientMessage = std::variant<AuthMessage, SubscribeMessage, ChatMessage, ResumeMessage, CancelMessage,
                                   UnsubscribeMessage, PingMessage>;

// Ids (sessionId, messageId, requestId) are 1-128 characters of
// [A-Za-z0-9._:-], so they are safe in keys, channels and logs.
bool isValidId(std::string_view id) noexcept;

// kInvalidArgument with a message naming the field at fault. Unknown types
// and unknown fields are errors.
Expected<ClientMessage> parseClientMessage(std::string_view json);

}  // namespace streamgate::gateway
