#include "streamgate/request_checks.h"

#include <limits>

namespace streamgate {

Status checkNotEmpty(std::string_view what, const std::string& value) {
  if (value.empty()) return Status(Code::kInvalidArgument, std::string(what) + " is empty");
  return Status::ok();
}

Status checkPublish(const std::string& channel) {
  if (channel.empty()) return Status(Code::kInvalidArgument, "publish: empty channel");
  return Status::ok();
}

Status checkSubscribe(const std::string& channel, bool hasHandler) {
  if (channel.empty()) return Status(Code::kInvalidArgument, "subscribe: empty channel");
  if (!hasHandler) return Status(Code::kInvalidArgument, "channel " + channel + ": no handler");
  return Status::ok();
}

Status checkTtl(std::string_view what, std::chrono::milliseconds ttl) {
  if (ttl.count() <= 0) {
    return Status(Code::kInvalidArgument,
                  std::string(what) + ": ttl must be positive, got " + std::to_string(ttl.count()) + "ms");
  }
  return Status::ok();
}

std::string describeStream(const StreamId& id) { return "stream " + id.sessionId + "/" + id.messageId; }

namespace {

Status checkId(const StreamId& id) {
  if (id.sessionId.empty()) return Status(Code::kInvalidArgument, describeStream(id) + ": empty sessionId");
  if (id.messageId.empty()) return Status(Code::kInvalidArgument, describeStream(id) + ": empty messageId");
  return Status::ok();
}

Status negativeIndex(const StreamId& id, std::int64_t index) {
  return Status(Code::kInvalidArgument, describeStream(id) + ": negative index " + std::to_string(index));
}

}  // namespace

Status checkAppendRequest(const AppendRequest& request) {
  if (Status bad = checkId(request.stream); !bad) return bad;
  if (request.firstIndex < 0) return negativeIndex(request.stream, request.firstIndex);
  if (request.contents.empty())
    return Status(Code::kInvalidArgument, describeStream(request.stream) + ": empty batch");
  const auto size = static_cast<std::int64_t>(request.contents.size());
  if (request.firstIndex > std::numeric_limits<std::int64_t>::max() - size) {
    return Status(Code::kInvalidArgument, describeStream(request.stream) + ": index out of range");
  }
  return Status::ok();
}

Status checkFinishRequest(const StreamId& id, const Terminal& terminal) {
  if (Status bad = checkId(id); !bad) return bad;
  switch (terminal.kind) {
    case TerminalKind::kComplete:
      if (terminal.totalChunks < 0) {
        return Status(Code::kInvalidArgument,
                      describeStream(id) + ": negative totalChunks " + std::to_string(terminal.totalChunks));
      }
      return Status::ok();
    case TerminalKind::kFailed:
      // A failure without a code could not be reported to clients as a stable error.
      if (terminal.code.empty())
        return Status(Code::kInvalidArgument, describeStream(id) + ": failed without a code");
      return Status::ok();
    case TerminalKind::kCancelled:
    case TerminalKind::kInterrupted:
      return Status::ok();
  }
  return Status(Code::kInvalidArgument, describeStream(id) + ": unknown terminal kind " +
                                            std::to_string(static_cast<int>(terminal.kind)));
}

Status checkReadRequest(const StreamId& id, std::int64_t fromIndex) {
  if (Status bad = checkId(id); !bad) return bad;
  if (fromIndex < 0) return negativeIndex(id, fromIndex);
  return Status::ok();
}

Status fencedError(const StreamId& id, std::uint64_t token, std::uint64_t highest) {
  return Status(Code::kFenced, describeStream(id) + ": fencing token " + std::to_string(token) +
                                   " is older than " + std::to_string(highest));
}

Status conflictError(const StreamId& id, std::int64_t index) {
  return Status(Code::kConflict, describeStream(id) + ": chunk " + std::to_string(index) +
                                     " was already stored with other content");
}

Status gapError(const StreamId& id, std::int64_t expected, std::int64_t got) {
  return Status(Code::kGap, describeStream(id) + ": expected index " + std::to_string(expected) + ", got " +
                                std::to_string(got));
}

Status finishedAppendError(const StreamId& id, TerminalKind kind, std::int64_t index) {
  return Status(Code::kFinished, describeStream(id) + ": already finished (" +
                                     std::string(terminalKindName(kind)) + "), cannot append chunk " +
                                     std::to_string(index));
}

Status finishedFinishError(const StreamId& id, TerminalKind recorded, TerminalKind requested) {
  return Status(Code::kFinished, describeStream(id) + ": already finished (" +
                                     std::string(terminalKindName(recorded)) + "), cannot finish as " +
                                     std::string(terminalKindName(requested)));
}

Status completeCountError(const StreamId& id, std::int64_t claimed, std::int64_t stored) {
  return Status(Code::kConflict, describeStream(id) + ": complete with " + std::to_string(claimed) +
                                     " chunks, but " + std::to_string(stored) + " are stored");
}

Status unknownStreamError(const StreamId& id) {
  return Status(Code::kNotFound, describeStream(id) + ": unknown or expired");
}

std::optional<TerminalKind> terminalKindFromName(std::string_view name) {
  for (const auto kind : {TerminalKind::kComplete, TerminalKind::kCancelled, TerminalKind::kFailed,
                          TerminalKind::kInterrupted}) {
    if (terminalKindName(kind) == name) return kind;
  }
  return std::nullopt;
}

}  // namespace streamgate
