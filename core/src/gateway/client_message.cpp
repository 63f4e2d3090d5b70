#include "gateway/client_message.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <initializer_list>

namespace streamgate::gateway {
namespace {

using Poco::JSON::Object;

Status bad(std::string message) { return Status(Code::kInvalidArgument, std::move(message)); }

// Rejects fields the message type does not define (typos must not pass silently).
// "type" belongs to the message itself, not to the objects nested in it.
Status checkFields(const Object& object, std::string_view type,
                   std::initializer_list<std::string_view> allowed, bool nested = false) {
  for (const auto& [name, value] : object) {
    bool known = !nested && name == "type";
    for (auto field : allowed) known = known || name == field;
    if (!known) return bad("unknown field \"" + name + "\" in " + std::string(type));
  }
  return Status::ok();
}

Expected<std::string> stringField(const Object& object, const std::string& name, bool required = true) {
  if (!object.has(name)) {
    if (!required) return std::string();
    return bad("missing \"" + name + "\"");
  }
  const auto value = object.get(name);
  if (!value.isString()) return bad("\"" + name + "\" must be a string");
  return value.extract<std::string>();
}

Expected<std::string> idField(const Object& object, const std::string& name) {
  auto value = stringField(object, name);
  if (!value) return value;
  if (!isValidId(*value)) return bad("\"" + name + "\" must be 1-128 characters of A-Z a-z 0-9 . _ : -");
  return value;
}

Expected<std::int64_t> intField(const Object& object, const std::string& name, std::int64_t min) {
  if (!object.has(name)) return bad("missing \"" + name + "\"");
  const auto value = object.get(name);
  // Poco counts true and false as integers (1 and 0).
  if (!value.isInteger() || value.isBoolean()) return bad("\"" + name + "\" must be an integer");
  // Poco 1.11 keeps a number that does not fit int64 as uint64, but parses
  // 2^64..2^64+3 as 0..3 (its overflow check misses them): unsigned is never
  // in range, whatever value it holds.
  if (value.type() == typeid(Poco::UInt64)) return bad("\"" + name + "\" is out of range");
  std::int64_t number = 0;
  try {
    number = value.convert<std::int64_t>();
  } catch (const Poco::Exception&) {
    return bad("\"" + name + "\" is out of range");
  }
  if (number < min) return bad("\"" + name + "\" must be >= " + std::to_string(min));
  return number;
}

Expected<ClientMessage> parseSubscribe(const Object& object) {
  if (auto status = checkFields(object, "subscribe", {"sessionId", "since"}); !status) return status;
  SubscribeMessage message;
  auto session = idField(object, "sessionId");
  if (!session) return session.error();
  message.sessionId = std::move(*session);
  if (object.has("since")) {
    const auto since = object.getObject("since");
    if (!since) return bad("\"since\" must be an object");
    if (auto status = checkFields(*since, "since", {"messageId", "index"}, true); !status) return status;
    auto messageId = idField(*since, "messageId");
    if (!messageId) return messageId.error().withContext("since");
    auto index = intField(*since, "index", -1);
    if (!index) return index.error().withContext("since");
    message.sinceMessageId = std::move(*messageId);
    message.sinceIndex = *index;
  }
  return ClientMessage(std::move(message));
}

Expected<ClientMessage> parseChat(const Object& object) {
  if (auto status = checkFields(object, "chat", {"sessionId", "requestId", "content", "demo"}); !status) {
    return status;
  }
  ChatMessage message;
  auto session = idField(object, "sessionId");
  if (!session) return session.error();
  auto request = idField(object, "requestId");
  if (!request) return request.error();
  auto content = stringField(object, "content");
  if (!content) return content.error();
  message.sessionId = std::move(*session);
  message.requestId = std::move(*request);
  message.content = std::move(*content);
  if (object.has("demo")) {
    const auto demo = object.getObject("demo");
    if (!demo) return bad("\"demo\" must be an object");
    if (auto status = checkFields(*demo, "demo", {"chunks", "intervalMs", "stamp"}, true); !status)
      return status;
    if (demo->has("chunks")) {
      auto chunks = intField(*demo, "chunks", 0);
      if (!chunks) return chunks.error().withContext("demo");
      message.demo.chunks = *chunks;
    }
    if (demo->has("intervalMs")) {
      auto interval = intField(*demo, "intervalMs", 0);
      if (!interval) return interval.error().withContext("demo");
      message.demo.intervalMs = *interval;
    }
    if (demo->has("stamp")) {
      const auto stamp = demo->get("stamp");
      if (!stamp.isBoolean()) return bad("\"demo.stamp\" must be true or false");
      message.demo.stamp = stamp.extract<bool>();
    }
  }
  return ClientMessage(std::move(message));
}

Expected<ClientMessage> parseResume(const Object& object) {
  if (auto status = checkFields(object, "resume", {"sessionId", "messageId", "lastChunkIndex"}); !status) {
    return status;
  }
  auto session = idField(object, "sessionId");
  if (!session) return session.error();
  auto messageId = idField(object, "messageId");
  if (!messageId) return messageId.error();
  auto last = intField(object, "lastChunkIndex", -1);
  if (!last) return last.error();
  return ClientMessage(ResumeMessage{std::move(*session), std::move(*messageId), *last});
}

Expected<ClientMessage> parseCancel(const Object& object) {
  if (auto status = checkFields(object, "cancel", {"sessionId", "messageId"}); !status) return status;
  auto session = idField(object, "sessionId");
  if (!session) return session.error();
  auto messageId = idField(object, "messageId");
  if (!messageId) return messageId.error();
  return ClientMessage(CancelMessage{std::move(*session), std::move(*messageId)});
}

Expected<ClientMessage> parseUnsubscribe(const Object& object) {
  if (auto status = checkFields(object, "unsubscribe", {"sessionId"}); !status) return status;
  auto session = idField(object, "sessionId");
  if (!session) return session.error();
  return ClientMessage(UnsubscribeMessage{std::move(*session)});
}

Expected<ClientMessage> parseAuth(const Object& object) {
  if (auto status = checkFields(object, "auth", {"token"}); !status) return status;
  auto token = stringField(object, "token");
  if (!token) return token.error();
  if (token->empty()) return bad("\"token\" is empty");
  return ClientMessage(AuthMessage{std::move(*token)});
}

}  // namespace

bool isValidId(std::string_view id) noexcept {
  if (id.empty() || id.size() > 128) return false;
  for (const char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == ':' || c == '-';
    if (!ok) return false;
  }
  return true;
}

Expected<ClientMessage> parseClientMessage(std::string_view json) {
  // Poco's parser refuses a bare scalar ("ping", 42) with "Attempt to set value
  // on an empty stack", which tells a client nothing.
  const auto first = json.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || json[first] != '{') return bad("a message must be a JSON object");
  Poco::Dynamic::Var root;
  try {
    Poco::JSON::Parser parser;
    root = parser.parse(std::string(json));
  } catch (const Poco::Exception& error) {
    return bad("malformed JSON: " + error.message());
  } catch (const std::exception& error) {
    return bad(std::string("malformed JSON: ") + error.what());
  }
  Object::Ptr object;
  try {
    object = root.extract<Object::Ptr>();
  } catch (const Poco::Exception&) {
    return bad("a message must be a JSON object");
  }
  if (!object) return bad("a message must be a JSON object");
  auto type = stringField(*object, "type");
  if (!type) return type.error();
  if (*type == "subscribe") return parseSubscribe(*object);
  if (*type == "chat") return parseChat(*object);
  if (*type == "resume") return parseResume(*object);
  if (*type == "cancel") return parseCancel(*object);
  if (*type == "unsubscribe") return parseUnsubscribe(*object);
  if (*type == "auth") return parseAuth(*object);
  if (*type == "ping") {
    if (auto status = checkFields(*object, "ping", {}); !status) return status;
    return ClientMessage(PingMessage{});
  }
  return bad("unknown message type \"" + *type + "\"");
}

}  // namespace streamgate::gateway
