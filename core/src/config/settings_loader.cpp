#include "config/settings_loader.h"

#include <unistd.h>

#include <array>
#include <charconv>
#include <fstream>
#include <sstream>
#include <thread>

#include "streamgate/config_section.h"

namespace streamgate {
namespace {

constexpr std::array kLogLevels = {"none",   "fatal",       "critical", "error", "warning",
                                   "notice", "information", "debug",    "trace"};

std::string defaultNodeId() {
  if (const char* env = std::getenv("NODE_ID"); env != nullptr && *env != '\0') return env;
  std::array<char, 256> host{};
  if (gethostname(host.data(), host.size() - 1) != 0 || host[0] == '\0')
    return "node-" + std::to_string(getpid());
  return std::string(host.data()) + "-" + std::to_string(getpid());
}

std::filesystem::path defaultPluginDir() {
  std::error_code error;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", error);
  return error ? std::filesystem::path("plugins") : exe.parent_path() / "plugins";
}

// "host:port", "[v6]:port" or ":port".
void readListen(ConfigSection& server, ServerSettings& out) {
  const auto listen = server.optionalString("listen");
  if (!listen) return;
  const auto colon = listen->rfind(':');
  if (colon == std::string::npos) {
    server.fail("listen", "expected host:port, got \"" + *listen + "\"");
    return;
  }
  std::string host = listen->substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const std::string portText = listen->substr(colon + 1);
  unsigned port = 0;
  const auto [end, error] = std::from_chars(portText.data(), portText.data() + portText.size(), port);
  if (portText.empty() || error != std::errc() || end != portText.data() + portText.size() || port > 65535) {
    server.fail("listen", "bad port in \"" + *listen + "\"");
    return;
  }
  out.host = host.empty() ? "0.0.0.0" : host;
  out.port = static_cast<std::uint16_t>(port);
}

void readPlugins(ConfigSection& plugins, PluginSettings& out) {
  const auto dir = plugins.getString("dir", "");
  out.dir = dir.empty() ? defaultPluginDir() : std::filesystem::path(dir);
  for (auto& file : plugins.getStringList("load")) out.load.emplace_back(std::move(file));
  for (const auto& name : plugins.keys()) {
    if (name == "dir" || name == "load") continue;
    out.sections[name] = plugins.childYaml(name);
  }
}

void readBackends(ConfigSection& backends, BackendChoice& out) {
  out.sessionStore = backends.getString("session_store", out.sessionStore);
  out.messageBus = backends.getString("message_bus", out.messageBus);
  out.lockProvider = backends.getString("lock_provider", out.lockProvider);
  out.streamStore = backends.getString("stream_store", out.streamStore);
  for (const Capability capability : kAllCapabilities) {
    if (out.forCapability(capability).empty()) backends.fail(capabilityKey(capability), "must name a plugin");
  }
}

}  // namespace

const std::string& BackendChoice::forCapability(Capability capability) const {
  switch (capability) {
    case kSessionStore:
      return sessionStore;
    case kMessageBus:
      return messageBus;
    case kLockProvider:
      return lockProvider;
    case kStreamStore:
      return streamStore;
  }
  return sessionStore;
}

PluginConfig Settings::pluginConfig(const std::string& pluginName) const {
  const auto it = plugins.sections.find(pluginName);
  return PluginConfig{it == plugins.sections.end() ? "{}" : it->second, "plugins." + pluginName};
}

Expected<Settings> parseSettings(std::string_view yamlText, const std::filesystem::path& source,
                                 const SettingsOverrides& overrides) {
  auto parsed = ConfigSection::parse(yamlText, "");
  if (!parsed) return parsed.error().withContext(source.string());
  ConfigSection& root = *parsed;

  Settings settings;
  settings.source = source;

  auto node = root.child("node");
  settings.node.id = node.getString("id", "");

  auto server = root.child("server");
  readListen(server, settings.server);
  settings.server.ioThreads = static_cast<int>(server.getInt("io_threads", 0, 0, 256));

  auto plugins = root.child("plugins");
  readPlugins(plugins, settings.plugins);

  auto backends = root.child("backends");
  readBackends(backends, settings.backends);

  auto log = root.child("log");
  settings.log.level = log.getString("level", settings.log.level);
  if (std::find(kLogLevels.begin(), kLogLevels.end(), settings.log.level) == kLogLevels.end()) {
    log.fail("level", "unknown level \"" + settings.log.level +
                          "\" (none, fatal, critical, error, warning, notice, information, debug, trace)");
  }

  if (auto status = root.status(); !status) return status.withContext(source.string());

  if (overrides.port) settings.server.port = *overrides.port;
  if (overrides.nodeId) settings.node.id = *overrides.nodeId;
  if (settings.node.id.empty()) settings.node.id = defaultNodeId();
  if (settings.server.ioThreads == 0) {
    settings.server.ioThreads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  }
  return settings;
}

Expected<Settings> loadSettings(const std::filesystem::path& file, const SettingsOverrides& overrides) {
  std::ifstream in(file);
  if (!in) {
    return Status(Code::kNotFound, file.string() + ": cannot open config file: " + std::strerror(errno));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parseSettings(text.str(), file, overrides);
}

}  // namespace streamgate
