#include "app/poco_logger.h"

#include <Poco/Message.h>

namespace streamgate {
namespace {

Poco::Message::Priority priorityOf(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return Poco::Message::PRIO_DEBUG;
    case LogLevel::kInfo:
      return Poco::Message::PRIO_INFORMATION;
    case LogLevel::kWarning:
      return Poco::Message::PRIO_WARNING;
    case LogLevel::kError:
      return Poco::Message::PRIO_ERROR;
  }
  return Poco::Message::PRIO_INFORMATION;
}

}  // namespace

void PocoLogger::log(LogLevel level, std::string_view message) {
  const auto priority = priorityOf(level);
  if (logger_.is(priority)) logger_.log(Poco::Message(logger_.name(), std::string(message), priority));
}

bool PocoLogger::enabled(LogLevel level) const noexcept { return logger_.is(priorityOf(level)); }

}  // namespace streamgate
