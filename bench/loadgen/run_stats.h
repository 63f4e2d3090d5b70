// What one worker thread saw; the workers' stats are merged once they stop.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "latency_histogram.h"

namespace streamgate::bench {

using SteadyClock = std::chrono::steady_clock;

struct RunStats {
  // Connecting.
  std::int64_t connected = 0;        // TCP connected
  std::int64_t welcomed = 0;         // upgrade answered 101 and the welcome frame arrived
  std::int64_t connectFailures = 0;  // refused, reset, bad upgrade answer
  // Streaming.
  std::int64_t chatsSent = 0;
  std::int64_t started = 0;
  std::int64_t completed = 0;  // complete frames that ended a correct stream
  std::int64_t chunks = 0;     // chunk frames received
  std::int64_t framesReceived = 0;
  std::int64_t bytesReceived = 0;
  // Violations of the delivery guarantee or the protocol: all must stay 0.
  std::int64_t outOfOrder = 0;     // a chunk whose index is not the next one (gap or duplicate)
  std::int64_t afterTerminal = 0;  // anything about the stream after its terminal
  std::int64_t badTerminal = 0;    // a terminal other than complete{totalChunks=M} after M chunks
  std::int64_t errorFrames = 0;    // {"type":"error"}
  std::int64_t closedEarly = 0;    // the server closed or reset an open connection
  std::int64_t unparsable = 0;     // a chunk without index or stamp
  std::int64_t unfinished = 0;     // connections without a terminal when the run ended
  std::string firstError;          // the first error frame or failure, for the report
  LatencyHistogram latency;        // chunk stamp to receipt, us
  SteadyClock::time_point lastTerminal{};

  std::int64_t violations() const noexcept {
    return outOfOrder + afterTerminal + badTerminal + errorFrames + closedEarly + unparsable + unfinished;
  }
  void noteError(const std::string& what) {
    if (firstError.empty()) firstError = what;
  }
  void merge(const RunStats& other);
};

}  // namespace streamgate::bench
