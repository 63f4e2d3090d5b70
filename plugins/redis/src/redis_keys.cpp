#include "redis_keys.h"

#include <charconv>

namespace streamgate::redis {

bool RedisKeys::parseStreamMember(std::string_view member, StreamId& stream) {
  const auto colon = member.find(':');
  if (colon == std::string_view::npos) return false;
  std::size_t length = 0;
  const auto [end, error] = std::from_chars(member.data(), member.data() + colon, length);
  if (error != std::errc() || end != member.data() + colon) return false;
  const std::string_view rest = member.substr(colon + 1);
  if (rest.size() < length + 1 || rest[length] != ':') return false;
  stream.sessionId = std::string(rest.substr(0, length));
  stream.messageId = std::string(rest.substr(length + 1));
  return true;
}

}  // namespace streamgate::redis
