// streamgate::Logger for plugins, writing to a Poco logger so plugin lines
// share the host's channel, format and level.
#pragma once

#include <Poco/Logger.h>

#include <string>

#include "streamgate/logger.h"

namespace streamgate {

class PocoLogger final : public Logger {
 public:
  explicit PocoLogger(const std::string& name) : logger_(Poco::Logger::get(name)) {}

  void log(LogLevel level, std::string_view message) override;
  bool enabled(LogLevel level) const noexcept override;

 private:
  Poco::Logger& logger_;
};

}  // namespace streamgate
