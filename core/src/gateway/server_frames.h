// Protocol v1, server to client: the JSON of frames that are not stream
// events (those come ready-made from the bus, see streamgate/stream_event.h).
#pragma once

#include <string>
#include <string_view>

namespace streamgate::gateway {

// Stable error codes clients may switch on.
namespace error_code {
inline constexpr std::string_view kBadRequest = "bad_request";
inline constexpr std::string_view kUnauthorized = "unauthorized";
inline constexpr std::string_view kForbidden = "forbidden";
inline constexpr std::string_view kNotFound = "not_found";
inline constexpr std::string_view kRateLimited = "rate_limited";
inline constexpr std::string_view kBackendUnavailable = "backend_unavailable";
inline constexpr std::string_view kStreamExpired = "stream_expired";
inline constexpr std::string_view kStreamGap = "stream_gap";
inline constexpr std::string_view kLimitExceeded = "limit_exceeded";
inline constexpr std::string_view kInternal = "internal";
}  // namespace error_code

std::string welcomeJson(std::string_view connectionId, std::string_view nodeId, std::string_view userId);
std::string pongJson();
std::string subscribedJson(std::string_view sessionId);
std::string unsubscribedJson(std::string_view sessionId);
std::string authenticatedJson(std::string_view userId);

// Context fields are included when not empty, so a client can tell which of
// its requests failed.
struct ErrorContext {
  std::string_view sessionId;
  std::string_view messageId;
  std::string_view requestId;
};
std::string errorJson(std::string_view code, std::string_view message, const ErrorContext& context = {});

}  // namespace streamgate::gateway
