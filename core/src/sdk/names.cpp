// Stable wire and config names of SDK enums.
#include "streamgate/plugin.h"
#include "streamgate/stream_store.h"

namespace streamgate {

std::string_view terminalKindName(TerminalKind kind) noexcept {
  switch (kind) {
    case TerminalKind::kComplete:
      return "complete";
    case TerminalKind::kCancelled:
      return "cancelled";
    case TerminalKind::kFailed:
      return "failed";
    case TerminalKind::kInterrupted:
      return "interrupted";
  }
  return "unknown";
}

std::string_view capabilityKey(Capability capability) noexcept {
  switch (capability) {
    case kSessionStore:
      return "session_store";
    case kMessageBus:
      return "message_bus";
    case kLockProvider:
      return "lock_provider";
    case kStreamStore:
      return "stream_store";
  }
  return "unknown";
}

}  // namespace streamgate
