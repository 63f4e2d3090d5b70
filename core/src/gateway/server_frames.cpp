#include "gateway/server_frames.h"

#include "streamgate/stream_event.h"

namespace streamgate::gateway {
namespace {

void appendField(std::string& out, std::string_view name, std::string_view value) {
  out += ",\"";
  out += name;
  out += "\":";
  appendJsonString(out, value);
}

}  // namespace

std::string welcomeJson(std::string_view connectionId, std::string_view nodeId, std::string_view userId) {
  std::string out = R"({"type":"welcome","protocol":1)";
  appendField(out, "connectionId", connectionId);
  appendField(out, "nodeId", nodeId);
  if (!userId.empty()) appendField(out, "userId", userId);
  out += '}';
  return out;
}

std::string pongJson() { return R"({"type":"pong"})"; }

std::string subscribedJson(std::string_view sessionId) {
  std::string out = R"({"type":"subscribed")";
  appendField(out, "sessionId", sessionId);
  out += '}';
  return out;
}

std::string unsubscribedJson(std::string_view sessionId) {
  std::string out = R"({"type":"unsubscribed")";
  appendField(out, "sessionId", sessionId);
  out += '}';
  return out;
}

std::string authenticatedJson(std::string_view userId) {
  std::string out = R"({"type":"authenticated")";
  appendField(out, "userId", userId);
  out += '}';
  return out;
}

std::string errorJson(std::string_view code, std::string_view message, const ErrorContext& context) {
  std::string out = R"({"type":"error")";
  appendField(out, "code", code);
  appendField(out, "message", message);
  if (!context.sessionId.empty()) appendField(out, "sessionId", context.sessionId);
  if (!context.messageId.empty()) appendField(out, "messageId", context.messageId);
  if (!context.requestId.empty()) appendField(out, "requestId", context.requestId);
  out += '}';
  return out;
}

}  // namespace streamgate::gateway
