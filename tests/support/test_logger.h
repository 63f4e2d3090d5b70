// Logger for plugins under test: warnings and errors go to stderr so they
// show up next to a failing test; debug chatter is dropped.
#pragma once

#include <cstdio>
#include <mutex>
#include <string>

#include "streamgate/logger.h"

namespace streamgate::testing {

class TestLogger final : public Logger {
 public:
  void log(LogLevel level, std::string_view message) override {
    if (!enabled(level)) return;
    std::lock_guard lock(mutex_);
    std::fprintf(stderr, "[plugin %s] %.*s\n", level == LogLevel::kError ? "error" : "warning",
                 static_cast<int>(message.size()), message.data());
  }

  bool enabled(LogLevel level) const noexcept override { return level >= LogLevel::kWarning; }

 private:
  std::mutex mutex_;
};

}  // namespace streamgate::testing
