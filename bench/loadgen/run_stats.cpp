#include "run_stats.h"

#include <algorithm>

namespace streamgate::bench {

void RunStats::merge(const RunStats& other) {
  connected += other.connected;
  welcomed += other.welcomed;
  connectFailures += other.connectFailures;
  chatsSent += other.chatsSent;
  started += other.started;
  completed += other.completed;
  chunks += other.chunks;
  framesReceived += other.framesReceived;
  bytesReceived += other.bytesReceived;
  outOfOrder += other.outOfOrder;
  afterTerminal += other.afterTerminal;
  badTerminal += other.badTerminal;
  errorFrames += other.errorFrames;
  closedEarly += other.closedEarly;
  unparsable += other.unparsable;
  unfinished += other.unfinished;
  if (firstError.empty()) firstError = other.firstError;
  latency.merge(other.latency);
  lastTerminal = std::max(lastTerminal, other.lastTerminal);
}

}  // namespace streamgate::bench
