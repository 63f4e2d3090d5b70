#include "load_options.h"

#include <string_view>

#include "common/command_line.h"

namespace streamgate::bench {
std::string loadOptionsUsage() {
  return R"(usage: streamgate-loadgen [options]
  --host H               server address (default 127.0.0.1)
  --port P               server port (default 8080)
  --path /ws             WebSocket path
  --connections N        connections to open (default 1000)
  --threads T            worker threads, 1 or 2 (default 1)
  --ramp-per-sec R       connections opened per second (default 5000)
  --chunks M             chunks each chat asks for (default 100)
  --interval-ms I        ms between chunks; 0 = as fast as possible (default 0)
  --chat-spread-ms S     start the chats spread over S ms (default: one interval)
  --idle                 only connect and hold: memory per idle connection
  --hold-seconds S       how long --idle holds the connections (default 5)
  --timeout-seconds S    bound of the whole run (default 120)
  --server-pid PID       read the server's CPU time and RSS from /proc
  --run-id ID            session id prefix (default: unique per run)
  --json                 print one JSON line
)";
}

bool parseLoadOptions(int argc, char** argv, LoadOptions& options, std::string& error, bool& help) {
  help = false;
  CommandLine args(argc, argv);
  while (args.next()) {
    const std::string_view name = args.name();
    const auto value = [&] { return args.value(); };
    bool ok = true;
    if (name == "--help" || name == "-h") {
      help = true;
      return true;
    } else if (name == "--idle") {
      options.idle = true;
    } else if (name == "--json") {
      options.json = true;
    } else if (name == "--host") {
      options.host = std::string(value());
      ok = !options.host.empty();
    } else if (name == "--path") {
      options.path = std::string(value());
      ok = !options.path.empty() && options.path.front() == '/';
    } else if (name == "--run-id") {
      options.runId = std::string(value());
      ok = !options.runId.empty();
    } else if (name == "--port") {
      ok = parseNumber(value(), options.port) && options.port > 0;
    } else if (name == "--connections") {
      ok = parseNumber(value(), options.connections) && options.connections > 0;
    } else if (name == "--threads") {
      ok = parseNumber(value(), options.threads) && options.threads >= 1 && options.threads <= 8;
    } else if (name == "--ramp-per-sec") {
      ok = parseNumber(value(), options.rampPerSec) && options.rampPerSec > 0;
    } else if (name == "--chunks") {
      ok = parseNumber(value(), options.chunks) && options.chunks >= 0;
    } else if (name == "--interval-ms") {
      ok = parseNumber(value(), options.intervalMs) && options.intervalMs >= 0;
    } else if (name == "--chat-spread-ms") {
      ok = parseNumber(value(), options.chatSpreadMs) && options.chatSpreadMs >= 0;
    } else if (name == "--hold-seconds") {
      ok = parseNumber(value(), options.holdSeconds) && options.holdSeconds >= 0;
    } else if (name == "--timeout-seconds") {
      ok = parseNumber(value(), options.timeoutSeconds) && options.timeoutSeconds > 0;
    } else if (name == "--server-pid") {
      ok = parseNumber(value(), options.serverPid) && options.serverPid > 0;
    } else {
      return args.fail("unknown option (see --help)", error);
    }
    if (!ok) return args.fail("missing or bad value", error);
  }
  if (options.chatSpreadMs < 0) options.chatSpreadMs = options.intervalMs;
  return true;
}

}  // namespace streamgate::bench
