#include "streamgate/host_port.h"

#include <charconv>

namespace streamgate {

std::string HostPort::toString() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Expected<HostPort> parseHostPort(std::string_view text, std::uint16_t defaultPort) {
  const auto fail = [&](std::string_view why) {
    return Status(Code::kInvalidArgument, "address '" + std::string(text) + "': " + std::string(why));
  };
  HostPort result;
  std::string_view rest;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos) return fail("missing ']'");
    result.host = std::string(text.substr(1, close - 1));
    rest = text.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return fail("expected ':' after ']'");
  } else {
    const auto colon = text.rfind(':');
    if (colon != std::string_view::npos && text.find(':') != colon) {
      return fail("IPv6 addresses go in brackets, e.g. [::1]:6379");
    }
    result.host = std::string(text.substr(0, colon));
    if (colon != std::string_view::npos) rest = text.substr(colon);
  }
  if (result.host.empty()) return fail("empty host");
  if (rest.empty()) {
    if (defaultPort == 0) return fail("missing port");
    result.port = defaultPort;
    return result;
  }
  const std::string_view digits = rest.substr(1);
  unsigned value = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (digits.empty() || error != std::errc() || end != digits.data() + digits.size() || value == 0 ||
      value > 65535) {
    return fail("port must be a number from 1 to 65535");
  }
  result.port = static_cast<std::uint16_t>(value);
  return result;
}

}  // namespace streamgate
