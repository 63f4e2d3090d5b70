// Owning hiredis replies and the few ways the plugin reads them.
#pragma once

#include <hiredis/hiredis.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "streamgate/callback.h"

namespace streamgate::redis {

struct ReplyDeleter {
  void operator()(redisReply* reply) const noexcept { freeReplyObject(reply); }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;

// Completion of one command: the reply, or why there is none (kUnavailable,
// kTimeout). Error replies arrive as kInternal, except those that mean "not
// the master" or "not ready", which are kUnavailable.
using ReplyCallback = std::function<void(Expected<ReplyPtr>)>;

// Views into a reply; null/absent when the shape differs.
inline std::string_view text(const redisReply* reply) {
  if (reply == nullptr) return {};
  if (reply->type == REDIS_REPLY_STRING || reply->type == REDIS_REPLY_STATUS ||
      reply->type == REDIS_REPLY_ERROR) {
    return {reply->str, reply->len};
  }
  return {};
}
inline std::optional<std::int64_t> integer(const redisReply* reply) {
  if (reply == nullptr) return std::nullopt;
  if (reply->type == REDIS_REPLY_INTEGER) return reply->integer;
  if (reply->type == REDIS_REPLY_STRING) {
    try {
      std::size_t used = 0;
      const std::string value(reply->str, reply->len);
      const long long parsed = std::stoll(value, &used);
      if (used == value.size()) return parsed;
    } catch (const std::exception&) {
    }
  }
  return std::nullopt;
}
inline const redisReply* element(const redisReply* reply, std::size_t index) {
  if (reply == nullptr || reply->type != REDIS_REPLY_ARRAY || index >= reply->elements) return nullptr;
  return reply->element[index];
}
inline std::size_t size(const redisReply* reply) {
  return reply != nullptr && reply->type == REDIS_REPLY_ARRAY ? reply->elements : 0;
}

}  // namespace streamgate::redis
