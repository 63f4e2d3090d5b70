#include "redis_stream_store.h"

#include "streamgate/plugin.h"
#include "streamgate/request_checks.h"
#include "streamgate/stream_event.h"

namespace streamgate::redis {
namespace {

Status unexpected(const StreamId& stream, std::string_view operation) {
  return Status(Code::kInternal, describeStream(stream) + ": unexpected reply to " + std::string(operation));
}

// {'ok', kind, total, code, message} from the finish and read scripts.
std::optional<Terminal> terminalAt(const redisReply* reply, std::size_t first) {
  const auto kind = terminalKindFromName(text(element(reply, first)));
  const auto total = integer(element(reply, first + 1));
  if (!kind || !total) return std::nullopt;
  Terminal terminal{*kind, *total, {}, {}};
  if (*kind == TerminalKind::kFailed) {
    terminal.code = std::string(text(element(reply, first + 2)));
    terminal.message = std::string(text(element(reply, first + 3)));
  }
  return terminal;
}

}  // namespace

RedisStreamStore::RedisStreamStore(std::shared_ptr<RedisClient> client, StreamRetention retention,
                                   bool publishEvents)
    : client_(std::move(client)),
      keys_(client_->keyPrefix()),
      retention_(retention),
      publishEvents_(publishEvents) {}

std::vector<std::string> RedisStreamStore::streamKeys(const StreamId& stream) const {
  const std::string member = RedisKeys::streamMember(stream);
  return {keys_.key("chunks", member), keys_.key("meta", member), keys_.key("open-streams")};
}

void RedisStreamStore::append(const AppendRequest& request, Callback<std::int64_t> done) {
  if (Status bad = checkAppendRequest(request); !bad) return done(bad);
  const StreamId& stream = request.stream;
  const std::size_t n = request.contents.size();
  std::vector<std::string> args;
  args.reserve(6 + 2 * n);
  args.push_back(std::to_string(request.firstIndex));
  args.push_back(std::to_string(request.fencingToken));
  args.push_back(std::to_string(retention_.streamTtl.count()));
  args.push_back(RedisKeys::streamMember(stream));
  const std::string channel = sessionChannel(stream.sessionId);
  args.push_back(publishEvents_ ? client_->keyPrefix() + channel : "");
  args.push_back(std::to_string(n));
  args.insert(args.end(), request.contents.begin(), request.contents.end());
  if (publishEvents_) {
    for (std::size_t i = 0; i < n; ++i) {
      args.push_back(
          encodeChunkEvent(stream, request.firstIndex + static_cast<std::int64_t>(i), request.contents[i]));
    }
  }
  client_->script(Script::kAppend, channel, streamKeys(stream), std::move(args),
                  [stream, first = request.firstIndex, token = request.fencingToken,
                   done = std::move(done)](Expected<ReplyPtr> reply) {
                    if (!reply) return done(reply.error().withContext(describeStream(stream)));
                    const redisReply* r = reply->get();
                    const std::string_view outcome = text(element(r, 0));
                    const auto value = integer(element(r, 1));
                    if (outcome == "ok" && value) return done(*value);
                    if (outcome == "fenced" && value) {
                      return done(fencedError(stream, token, static_cast<std::uint64_t>(*value)));
                    }
                    if (outcome == "conflict" && value) return done(conflictError(stream, *value));
                    if (outcome == "gap" && value) return done(gapError(stream, *value, first));
                    if (outcome == "finished") {
                      const auto kind = terminalKindFromName(text(element(r, 1)));
                      const auto index = integer(element(r, 2));
                      if (kind && index) return done(finishedAppendError(stream, *kind, *index));
                    }
                    done(unexpected(stream, "append"));
                  });
}

void RedisStreamStore::finish(const StreamId& stream, const Terminal& terminal, std::uint64_t fencingToken,
                              Callback<Terminal> done) {
  if (Status bad = checkFinishRequest(stream, terminal); !bad) return done(bad);
  const bool failed = terminal.kind == TerminalKind::kFailed;
  std::vector<std::string> args = {
      std::to_string(fencingToken),         std::string(terminalKindName(terminal.kind)),
      std::to_string(terminal.totalChunks), failed ? terminal.code : "",
      failed ? terminal.message : "",       std::to_string(retention_.completedTtl.count()),
      RedisKeys::streamMember(stream)};
  const std::string channel = sessionChannel(stream.sessionId);
  const auto event = terminalEventTemplate(stream, terminal);
  args.push_back(publishEvents_ ? client_->keyPrefix() + channel : "");
  args.push_back(event.prefix);
  args.push_back(event.middle);
  args.push_back(event.suffix);
  // The callback holds nothing of the client: it may be the last thing
  // alive when it runs, on one of the client's own threads.
  client_->script(Script::kFinish, channel, streamKeys(stream), std::move(args),
                  [stream, terminal, fencingToken, done = std::move(done)](Expected<ReplyPtr> reply) {
                    if (!reply) return done(reply.error().withContext(describeStream(stream)));
                    const redisReply* r = reply->get();
                    const std::string_view outcome = text(element(r, 0));
                    if (outcome == "ok") {
                      auto recorded = terminalAt(r, 1);
                      if (!recorded) return done(unexpected(stream, "finish"));
                      return done(*std::move(recorded));
                    }
                    const auto value = integer(element(r, 1));
                    if (outcome == "fenced" && value) {
                      return done(fencedError(stream, fencingToken, static_cast<std::uint64_t>(*value)));
                    }
                    if (outcome == "conflict" && value) {
                      return done(completeCountError(stream, terminal.totalChunks, *value));
                    }
                    if (outcome == "finished") {
                      if (const auto kind = terminalKindFromName(text(element(r, 1)))) {
                        return done(finishedFinishError(stream, *kind, terminal.kind));
                      }
                    }
                    done(unexpected(stream, "finish"));
                  });
}

void RedisStreamStore::openStreams(std::size_t max, Callback<std::vector<StreamId>> done) {
  if (max == 0) return done(std::vector<StreamId>{});
  const std::string openKey = keys_.key("open-streams");
  client_->script(Script::kOpenStreams, openKey, {openKey},
                  {std::to_string(max), keys_.tag("chunks"), keys_.tag("meta")},
                  [done = std::move(done)](Expected<ReplyPtr> reply) {
                    if (!reply) return done(reply.error());
                    std::vector<StreamId> open;
                    for (std::size_t i = 0; i < size(reply->get()); ++i) {
                      StreamId stream;
                      if (RedisKeys::parseStreamMember(text(element(reply->get(), i)), stream)) {
                        open.push_back(std::move(stream));
                      }
                    }
                    done(std::move(open));
                  });
}

void RedisStreamStore::read(const StreamId& stream, std::int64_t fromIndex, std::size_t maxChunks,
                            Callback<StreamSlice> done) {
  if (Status bad = checkReadRequest(stream, fromIndex); !bad) return done(bad);
  auto keys = streamKeys(stream);
  keys.pop_back();
  client_->script(Script::kRead, sessionChannel(stream.sessionId), std::move(keys),
                  {std::to_string(fromIndex), std::to_string(maxChunks)},
                  [stream, fromIndex, done = std::move(done)](Expected<ReplyPtr> reply) {
                    if (!reply) return done(reply.error().withContext(describeStream(stream)));
                    const redisReply* r = reply->get();
                    if (text(element(r, 0)) == "missing") return done(unknownStreamError(stream));
                    const auto next = integer(element(r, 1));
                    if (text(element(r, 0)) != "ok" || !next) return done(unexpected(stream, "read"));
                    StreamSlice slice;
                    slice.nextIndex = *next;
                    if (!text(element(r, 2)).empty()) {
                      slice.terminal = terminalAt(r, 2);
                      if (!slice.terminal) return done(unexpected(stream, "read"));
                    }
                    const redisReply* chunks = element(r, 6);
                    slice.chunks.reserve(size(chunks));
                    for (std::size_t i = 0; i < size(chunks); ++i) {
                      slice.chunks.push_back(Chunk{fromIndex + static_cast<std::int64_t>(i),
                                                   std::string(text(element(chunks, i)))});
                    }
                    done(std::move(slice));
                  });
}

}  // namespace streamgate::redis
