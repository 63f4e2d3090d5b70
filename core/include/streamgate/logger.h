// Logging sink the host hands to plugins, so plugin messages land in the same
// log with the same format and level filter. Thread-safe; never blocks on I/O
// for long (the host's channel is buffered by the OS).
#pragma once

#include <string_view>

namespace streamgate {

enum class LogLevel { kDebug, kInfo, kWarning, kError };

class Logger {
 public:
  virtual ~Logger() = default;
  virtual void log(LogLevel level, std::string_view message) = 0;
  virtual bool enabled(LogLevel level) const noexcept = 0;
};

}  // namespace streamgate
