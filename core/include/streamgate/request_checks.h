// The argument checks and refusal messages every plugin shares, so all of
// them reject the same requests with the same words.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "streamgate/status.h"
#include "streamgate/stream_store.h"

namespace streamgate {

// kInvalidArgument "<what> is empty".
Status checkNotEmpty(std::string_view what, const std::string& value);
// kInvalidArgument "<what>: ttl must be positive, got <n>ms".
Status checkTtl(std::string_view what, std::chrono::milliseconds ttl);

// "stream <session>/<message>": how every error names the stream involved.
std::string describeStream(const StreamId& id);

// MessageBus: kInvalidArgument for an empty channel (or, to subscribe, no handler).
Status checkPublish(const std::string& channel);
Status checkSubscribe(const std::string& channel, bool hasHandler);

// kInvalidArgument for empty ids, a negative first index, an empty batch or
// an index range that overflows.
Status checkAppendRequest(const AppendRequest& request);
// kInvalidArgument for empty ids or a terminal that cannot be recorded.
Status checkFinishRequest(const StreamId& id, const Terminal& terminal);
// kInvalidArgument for empty ids or a negative index.
Status checkReadRequest(const StreamId& id, std::int64_t fromIndex);

// The refusals of the StreamStore contract, worded once.
Status fencedError(const StreamId& id, std::uint64_t token, std::uint64_t highest);
Status conflictError(const StreamId& id, std::int64_t index);
Status gapError(const StreamId& id, std::int64_t expected, std::int64_t got);
Status finishedAppendError(const StreamId& id, TerminalKind kind, std::int64_t index);
Status finishedFinishError(const StreamId& id, TerminalKind recorded, TerminalKind requested);
Status completeCountError(const StreamId& id, std::int64_t claimed, std::int64_t stored);
Status unknownStreamError(const StreamId& id);

// Inverse of terminalKindName().
std::optional<TerminalKind> terminalKindFromName(std::string_view name);

}  // namespace streamgate
