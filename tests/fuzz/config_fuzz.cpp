// Fuzzes parseSettings: the host config, YAML text through ConfigSection into
// typed Settings.
//
// Input: the YAML text, as is.
//
// Checked on every input:
//   - it never throws (a config mistake must be an error line, not a crash);
//   - an error is kInvalidArgument and its message starts with the source
//     name, so the operator knows which file to fix;
//   - accepted settings keep the invariants the loader promises: a node id,
//     at least one I/O thread, a ws path, ping before idle timeout, a plugin
//     named for every capability.
// The source name is the one thing the loader prepends; everything after it
// comes from ConfigSection and the section readers.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>

#include "config/settings_loader.h"
#include "fuzz_check.h"

namespace {

using namespace streamgate;

constexpr std::string_view kSource = "fuzz/streamgate.yaml";

Expected<Settings> parseOrAbort(std::string_view yaml) {
  try {
    return parseSettings(yaml, std::string(kSource));
  } catch (const std::exception& error) {
    std::fprintf(stderr, "parseSettings threw: %s\n", error.what());
  } catch (...) {
    std::fprintf(stderr, "parseSettings threw something that is not a std::exception\n");
  }
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view yaml(reinterpret_cast<const char*>(data), size);
  const auto settings = parseOrAbort(yaml);
  if (!settings) {
    const std::string& message = settings.error().message();
    if (message.rfind(std::string(kSource) + ": ", 0) != 0) {
      std::fprintf(stderr, "error without the source name: %s\n", message.c_str());
    }
    FUZZ_CHECK(settings.error().code() == Code::kInvalidArgument);
    FUZZ_CHECK(message.size() > kSource.size() + 2);
    FUZZ_CHECK(message.rfind(std::string(kSource) + ": ", 0) == 0);
    return 0;
  }
  FUZZ_CHECK(settings->source == kSource);
  FUZZ_CHECK(!settings->node.id.empty());
  FUZZ_CHECK(settings->server.ioThreads >= 1);
  FUZZ_CHECK(!settings->server.wsPath.empty() && settings->server.wsPath.front() == '/');
  FUZZ_CHECK(settings->server.limits.pingInterval < settings->server.limits.idleTimeout);
  for (const Capability capability : kAllCapabilities) {
    FUZZ_CHECK(!settings->backends.forCapability(capability).empty());
  }
  return 0;
}
