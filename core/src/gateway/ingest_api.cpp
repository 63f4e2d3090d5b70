#include "gateway/ingest_api.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Random.h>
#include <Poco/StreamCopier.h>

#include <future>
#include <istream>

#include "gateway/client_message.h"
#include "gateway/stream_service.h"
#include "gateway/stream_writer.h"
#include "streamgate/stream_event.h"

namespace streamgate::gateway {
namespace {

using Poco::JSON::Object;

constexpr std::size_t kMaxBodyBytes = 4 << 20;
constexpr std::chrono::seconds kBackendWait{5};

struct HttpError {
  int status;
  std::string code;
  std::string message;
};

HttpReply errorReply(const HttpError& error, std::string_view extraFields = {}) {
  return streamgate::errorReply(error.status, error.code, error.message, extraFields);
}

// What a store or lock error means to an HTTP client.
HttpError fromStatus(const Status& status) {
  switch (status.code()) {
    case Code::kInvalidArgument:
      return {400, "bad_request", status.message()};
    case Code::kNotFound:
      return {404, "not_found", status.message()};
    case Code::kGap:
      return {409, "gap", status.message()};
    case Code::kConflict:
      return {409, "conflict", status.message()};
    case Code::kFenced:
      return {409, "fenced", status.message()};
    case Code::kNotOwner:
      return {409, "lease_lost", status.message()};
    case Code::kFinished:
      return {409, "finished", status.message()};
    case Code::kUnavailable:
    case Code::kTimeout:
      return {503, "backend_unavailable", status.message()};
    default:
      return {500, "internal", status.message()};
  }
}

// Blocks this HTTP worker until the backend answers (bounded).
template <class T, class Start>
Expected<T> await(Start&& start) {
  auto promise = std::make_shared<std::promise<Expected<T>>>();
  auto future = promise->get_future();
  start([promise](Expected<T> result) { promise->set_value(std::move(result)); });
  if (future.wait_for(kBackendWait) != std::future_status::ready) {
    return Status(Code::kTimeout, "backend did not answer within 5s");
  }
  return future.get();
}

bool constantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

class IngestApi {
 public:
  explicit IngestApi(GatewayContext& context) : context_(context) {}

  HttpReply create(Poco::Net::HTTPServerRequest& request, const PathParams& params);
  HttpReply append(Poco::Net::HTTPServerRequest& request, const PathParams& params);
  HttpReply finish(Poco::Net::HTTPServerRequest& request, const PathParams& params);

  // Runs one endpoint: API key, body parsing and error mapping around `body`.
  void serve(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
             const PathParams& params,
             HttpReply (IngestApi::*endpoint)(Poco::Net::HTTPServerRequest&, const PathParams&)) {
    if (auto denied = checkKey(request)) {
      sendReply(response, errorReply(*denied));
      return;
    }
    for (const auto& [name, value] : params) {
      if (!isValidId(value)) {
        sendReply(response, errorReply({400, "bad_request",
                                        name + " must be 1-128 characters of A-Z a-z 0-9 . _ : -"}));
        return;
      }
    }
    sendReply(response, (this->*endpoint)(request, params));
  }

 private:
  std::optional<HttpError> checkKey(Poco::Net::HTTPServerRequest& request) const {
    const auto& keys = context_.settings.ingest.apiKeys;
    if (keys.empty()) return HttpError{403, "forbidden", "the ingest API is off: set ingest.api_keys"};
    const std::string header = request.get("Authorization", "");
    constexpr std::string_view kBearer = "Bearer ";
    if (header.rfind(kBearer, 0) != 0) {
      return HttpError{401, "unauthorized", "send the API key as Authorization: Bearer <key>"};
    }
    const std::string_view key = std::string_view(header).substr(kBearer.size());
    for (const auto& known : keys) {
      if (constantTimeEquals(key, known)) return std::nullopt;
    }
    return HttpError{401, "unauthorized", "unknown API key"};
  }

  static Expected<Object::Ptr> body(Poco::Net::HTTPServerRequest& request) {
    if (request.getContentLength() > static_cast<std::streamsize>(kMaxBodyBytes)) {
      return Status(Code::kInvalidArgument, "body larger than 4MiB");
    }
    std::string text;
    Poco::StreamCopier::copyToString(request.stream(), text, kMaxBodyBytes + 1);
    if (text.size() > kMaxBodyBytes) return Status(Code::kInvalidArgument, "body larger than 4MiB");
    try {
      Poco::JSON::Parser parser;
      auto object = parser.parse(text).extract<Object::Ptr>();
      if (!object) return Status(Code::kInvalidArgument, "body must be a JSON object");
      return object;
    } catch (const Poco::Exception& error) {
      return Status(Code::kInvalidArgument, "body is not a JSON object: " + error.message());
    } catch (const std::exception& error) {
      return Status(Code::kInvalidArgument, std::string("body is not a JSON object: ") + error.what());
    }
  }

  // "<fencing token>.<lease token>", as returned by create.
  static Expected<Lease> producerLease(Poco::Net::HTTPServerRequest& request, const StreamId& stream) {
    const std::string token = request.get("X-Producer-Token", "");
    const auto dot = token.find('.');
    if (dot == std::string::npos || dot == 0 || dot + 1 == token.size()) {
      return Status(Code::kInvalidArgument, "send the producerToken from create as X-Producer-Token");
    }
    Lease lease;
    lease.name = StreamService::leaseName(stream);
    try {
      lease.fencingToken = std::stoull(token.substr(0, dot));
    } catch (const std::exception&) {
      return Status(Code::kInvalidArgument, "malformed X-Producer-Token");
    }
    lease.token = token.substr(dot + 1);
    return lease;
  }

  GatewayContext& context_;
};

HttpReply IngestApi::create(Poco::Net::HTTPServerRequest& request, const PathParams& params) {
  auto object = body(request);
  if (!object) return errorReply(fromStatus(object.error()));
  for (const auto& [name, value] : **object) {
    if (name != "userId" && name != "requestId") {
      return errorReply({400, "bad_request", "unknown field \"" + name + "\""});
    }
  }
  const std::string sessionId = params.at("sessionId");
  const std::string userId = (*object)->optValue<std::string>("userId", "");
  const std::string requestId = (*object)->optValue<std::string>("requestId", "");
  if (!isValidId(userId) || (!requestId.empty() && !isValidId(requestId))) {
    return errorReply({400, "bad_request",
                       "userId (required) and requestId must be 1-128 characters of "
                       "A-Z a-z 0-9 . _ : -"});
  }
  auto owner = await<std::string>([&](auto done) {
    context_.sessionStore->claimSession(sessionId, userId, context_.settings.sessions.ownershipTtl, done);
  });
  if (!owner) return errorReply(fromStatus(owner.error()));
  if (*owner != userId)
    return errorReply({403, "forbidden", "session " + sessionId + " belongs to another user"});

  std::string random;
  if (requestId.empty()) {
    Poco::Random rng;
    rng.seed();
    random = std::to_string(rng.next()) + "-" + std::to_string(rng.next());
  }
  const StreamId stream{sessionId,
                        StreamService::messageIdFor(sessionId, requestId.empty() ? random : requestId)};
  auto lease = await<Lease>([&](auto done) {
    context_.lockProvider->acquire(StreamService::leaseName(stream), context_.settings.streams.leaseTtl,
                                   done);
  });
  if (!lease) {
    if (lease.error().code() == Code::kConflict) {
      return errorReply({409, "conflict", "message " + stream.messageId + " has a producer already"});
    }
    return errorReply(fromStatus(lease.error()));
  }
  context_.writer.publishStarted(stream, requestId);
  std::string reply = R"({"sessionId":)";
  appendJsonString(reply, stream.sessionId);
  reply += R"(,"messageId":)";
  appendJsonString(reply, stream.messageId);
  reply += R"(,"producerToken":)";
  appendJsonString(reply, std::to_string(lease->fencingToken) + "." + lease->token);
  reply += R"(,"leaseTtlMs":)" + std::to_string(context_.settings.streams.leaseTtl.count()) + "}";
  return HttpReply{201, "application/json", std::move(reply)};
}

HttpReply IngestApi::append(Poco::Net::HTTPServerRequest& request, const PathParams& params) {
  const StreamId stream{params.at("sessionId"), params.at("messageId")};
  auto lease = producerLease(request, stream);
  if (!lease) return errorReply(fromStatus(lease.error()));
  auto object = body(request);
  if (!object) return errorReply(fromStatus(object.error()));

  AppendRequest append{stream, 0, {}, lease->fencingToken};
  try {
    if ((*object)->has("chunks")) {
      auto chunks = (*object)->getArray("chunks");
      if (!chunks || chunks->size() == 0)
        return errorReply({400, "bad_request", "\"chunks\" must be a non-empty array"});
      for (std::size_t i = 0; i < chunks->size(); ++i) {
        auto chunk = chunks->getObject(static_cast<unsigned>(i));
        if (!chunk || !chunk->has("index") || !chunk->has("content") || !chunk->get("content").isString() ||
            !chunk->get("index").isInteger()) {
          return errorReply(
              {400, "bad_request",
               "chunks[" + std::to_string(i) + "] needs an integer index and a string content"});
        }
        const auto index = chunk->getValue<std::int64_t>("index");
        if (i == 0) append.firstIndex = index;
        if (index != append.firstIndex + static_cast<std::int64_t>(i)) {
          return errorReply({400, "bad_request", "chunks must have consecutive indexes"});
        }
        append.contents.push_back(chunk->getValue<std::string>("content"));
      }
    } else {
      if (!(*object)->has("index") || !(*object)->get("index").isInteger() || !(*object)->has("content") ||
          !(*object)->get("content").isString()) {
        return errorReply(
            {400, "bad_request", "send {\"index\":N,\"content\":\"...\"} or {\"chunks\":[...]}"});
      }
      append.firstIndex = (*object)->getValue<std::int64_t>("index");
      append.contents.push_back((*object)->getValue<std::string>("content"));
    }
  } catch (const Poco::Exception& error) {
    return errorReply({400, "bad_request", error.message()});
  }
  if (append.firstIndex < 0) return errorReply({400, "bad_request", "index must be >= 0"});

  // Every append keeps the lease alive: a producer that stops appending
  // loses its stream to the janitor after lease_ttl.
  auto renewed = await<Lease>(
      [&](auto done) { context_.lockProvider->renew(*lease, context_.settings.streams.leaseTtl, done); });
  if (!renewed) {
    // A producer that finished (and so released the lease) is told so.
    if (renewed.error().code() == Code::kNotOwner) {
      auto slice = await<StreamSlice>([&](auto done) { context_.streamStore->read(stream, 0, 0, done); });
      if (slice && slice->terminal) {
        return errorReply({409, "finished",
                           "message " + stream.messageId + " already ended as " +
                               std::string(terminalKindName(slice->terminal->kind))});
      }
    }
    return errorReply(fromStatus(renewed.error()));
  }

  auto next = await<std::int64_t>([&](auto done) { context_.writer.append(std::move(append), done); });
  if (!next) {
    std::string extra;
    if (next.error().code() == Code::kGap) {
      auto slice = await<StreamSlice>([&](auto done) { context_.streamStore->read(stream, 0, 0, done); });
      if (slice) extra = R"(,"expectedIndex":)" + std::to_string(slice->nextIndex);
    }
    return errorReply(fromStatus(next.error()), extra);
  }
  return HttpReply{200, "application/json", R"({"nextIndex":)" + std::to_string(*next) + "}"};
}

HttpReply IngestApi::finish(Poco::Net::HTTPServerRequest& request, const PathParams& params) {
  const StreamId stream{params.at("sessionId"), params.at("messageId")};
  auto lease = producerLease(request, stream);
  if (!lease) return errorReply(fromStatus(lease.error()));
  auto object = body(request);
  if (!object) return errorReply(fromStatus(object.error()));
  const std::string status = (*object)->optValue<std::string>("status", "");
  Terminal terminal;
  if (status == "complete") {
    terminal.kind = TerminalKind::kComplete;
    if (!(*object)->has("totalChunks") || !(*object)->get("totalChunks").isInteger()) {
      return errorReply({400, "bad_request", "complete needs an integer totalChunks"});
    }
    terminal.totalChunks = (*object)->getValue<std::int64_t>("totalChunks");
  } else if (status == "failed") {
    terminal.kind = TerminalKind::kFailed;
    terminal.code = (*object)->optValue<std::string>("code", "");
    terminal.message = (*object)->optValue<std::string>("message", "");
    if (terminal.code.empty()) return errorReply({400, "bad_request", "failed needs a code"});
  } else if (status == "cancelled") {
    terminal.kind = TerminalKind::kCancelled;
  } else {
    return errorReply({400, "bad_request", "status must be complete, failed or cancelled"});
  }
  auto finished = await<Terminal>(
      [&](auto done) { context_.writer.finish(stream, terminal, lease->fencingToken, done); });
  if (!finished) return errorReply(fromStatus(finished.error()));
  // The stream is over; the lease would expire by itself, this frees it now.
  context_.lockProvider->release(*lease, [](Status) {});
  std::string reply = R"({"status":)";
  appendJsonString(reply, terminalKindName(finished->kind));
  reply += R"(,"totalChunks":)" + std::to_string(finished->totalChunks) + "}";
  return HttpReply{200, "application/json", std::move(reply)};
}

}  // namespace

void addIngestRoutes(HttpRouter& router, GatewayContext& context) {
  auto api = std::make_shared<IngestApi>(context);
  const auto route = [&router, api](
                         const std::string& pattern,
                         HttpReply (IngestApi::*endpoint)(Poco::Net::HTTPServerRequest&, const PathParams&)) {
    router.add(
        Poco::Net::HTTPRequest::HTTP_POST, pattern,
        [api, endpoint](Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
                        const PathParams& params) { api->serve(request, response, params, endpoint); });
  };
  route("/v1/sessions/{sessionId}/messages", &IngestApi::create);
  route("/v1/sessions/{sessionId}/messages/{messageId}/chunks", &IngestApi::append);
  route("/v1/sessions/{sessionId}/messages/{messageId}/finish", &IngestApi::finish);
}

}  // namespace streamgate::gateway
