// Command line of streamgate-loadgen (see --help and docs/benchmarks.md).
#pragma once

#include <cstdint>
#include <string>

namespace streamgate::bench {

struct LoadOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  std::string path = "/ws";
  int connections = 1000;
  int threads = 1;        // worker threads, each with its own epoll set
  int rampPerSec = 5000;  // new connections per second while connecting
  // Streaming: every connection sends one chat asking for `chunks` chunks,
  // `intervalMs` apart, and checks what comes back.
  int chunks = 100;
  int intervalMs = 0;
  // The chats start spread evenly over this many ms (-1: one interval), as
  // independent users would: all timers of a paced run firing in the same
  // millisecond is a burst no real load has.
  int chatSpreadMs = -1;
  // Idle: only connect, wait for every welcome, hold, report memory.
  bool idle = false;
  double holdSeconds = 5;
  double timeoutSeconds = 120;  // the whole run, connecting included
  int serverPid = 0;            // read its CPU time and RSS from /proc when set
  std::string runId;            // prefix of the session ids (default: pid and time)
  bool json = false;            // one JSON line instead of a readable summary
};

// Fills `options` from argv; false with a message in `error` on a bad option.
// Sets `help` when --help was asked for.
bool parseLoadOptions(int argc, char** argv, LoadOptions& options, std::string& error, bool& help);

std::string loadOptionsUsage();

}  // namespace streamgate::bench
