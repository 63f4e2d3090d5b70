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

// A request path: starts with '/', no query.
void readPath(ConfigSection& section, std::string_view key, std::string& out) {
  out = section.getString(key, out);
  if (!out.empty() && (out.front() != '/' || out.find_first_of("?# ") != std::string::npos)) {
    section.fail(key, "expected a path like /ws, got \"" + out + "\"");
  }
}

void readServer(ConfigSection& server, ServerSettings& out) {
  readListen(server, out);
  out.ioThreads = static_cast<int>(server.getInt("io_threads", 0, 0, 256));
  out.httpThreads = static_cast<int>(server.getInt("http_threads", out.httpThreads, 1, 256));
  readPath(server, "ws_path", out.wsPath);
  if (out.wsPath.empty()) server.fail("ws_path", "must not be empty");
  readPath(server, "echo_path", out.echoPath);
  if (!out.echoPath.empty() && out.echoPath == out.wsPath)
    server.fail("echo_path", "must differ from ws_path");
  auto& limits = out.limits;
  limits.maxMessageBytes = server.getBytes("max_message_bytes", limits.maxMessageBytes);
  if (limits.maxMessageBytes < 125 || limits.maxMessageBytes > (64u << 20)) {
    server.fail("max_message_bytes", "must be between 125 and 64MiB");
  }
  limits.handshakeTimeout = server.getPositiveDuration("handshake_timeout", limits.handshakeTimeout);
  limits.idleTimeout = server.getPositiveDuration("idle_timeout", limits.idleTimeout);
  limits.pingInterval = server.getPositiveDuration("ping_interval", limits.pingInterval);
  if (limits.pingInterval >= limits.idleTimeout)
    server.fail("ping_interval", "must be shorter than idle_timeout");
  limits.maxSendQueueBytes = server.getBytes("max_send_queue_bytes", limits.maxSendQueueBytes);
  if (limits.maxSendQueueBytes < 4096) server.fail("max_send_queue_bytes", "must be at least 4KiB");
  out.drainTimeout = server.getPositiveDuration("drain_timeout", out.drainTimeout);
}

void readGateway(ConfigSection& root, gateway::GatewaySettings& out) {
  auto sessions = root.child("sessions");
  out.sessions.ownershipTtl = sessions.getPositiveDuration("ownership_ttl", out.sessions.ownershipTtl);
  out.sessions.heartbeatInterval =
      sessions.getPositiveDuration("heartbeat_interval", out.sessions.heartbeatInterval);
  out.sessions.nodeTtl = sessions.getDuration("node_ttl", out.sessions.nodeTtl);
  // Halving rather than doubling: a duration may be near its int64 limit.
  if (out.sessions.nodeTtl / 2 < out.sessions.heartbeatInterval) {
    sessions.fail("node_ttl", "must be at least twice heartbeat_interval");
  }

  auto streams = root.child("streams");
  out.streams.leaseTtl = streams.getDuration("lease_ttl", out.streams.leaseTtl);
  if (out.streams.leaseTtl < std::chrono::milliseconds(300))
    streams.fail("lease_ttl", "must be at least 300ms");
  out.streams.janitorInterval = streams.getPositiveDuration("janitor_interval", out.streams.janitorInterval);
  out.streams.stallCheck = streams.getPositiveDuration("stall_check", out.streams.stallCheck);
  out.streams.readBatch = static_cast<std::size_t>(streams.getInt("read_batch", 512, 1, 100'000));

  auto limits = root.child("limits");
  out.limits.messagesPerSecond = static_cast<double>(limits.getInt("messages_per_second", 50, 1, 1'000'000));
  out.limits.messageBurst = static_cast<double>(limits.getInt("message_burst", 100, 1, 1'000'000));
  out.limits.maxSubscriptions = static_cast<std::size_t>(limits.getInt("max_subscriptions", 64, 1, 100'000));
  out.limits.maxStreamsPerConnection =
      static_cast<std::size_t>(limits.getInt("max_streams", 256, 1, 100'000));

  auto upstream = root.child("upstream");
  auto demo = upstream.child("demo");
  out.demo.chunks = demo.getInt("chunks", out.demo.chunks, 0, 1'000'000);
  out.demo.interval =
      std::chrono::milliseconds(demo.getInt("interval_ms", out.demo.interval.count(), 0, 3'600'000));
  out.demo.chunkBytes = static_cast<std::size_t>(demo.getInt("chunk_bytes", 24, 1, 1 << 20));
  out.demo.maxChunks = demo.getInt("max_chunks", out.demo.maxChunks, 0, 1'000'000);
  out.demo.maxInterval =
      std::chrono::milliseconds(demo.getInt("max_interval_ms", out.demo.maxInterval.count(), 0, 3'600'000));
  if (out.demo.chunks > out.demo.maxChunks) demo.fail("chunks", "is above max_chunks");
  if (out.demo.interval > out.demo.maxInterval) demo.fail("interval_ms", "is above max_interval_ms");

  auto ingest = root.child("ingest");
  out.ingest.apiKeys = ingest.getStringList("api_keys");
  for (std::size_t i = 0; i < out.ingest.apiKeys.size(); ++i) {
    if (out.ingest.apiKeys[i].size() < 16) {
      ingest.fail("api_keys[" + std::to_string(i) + "]", "must be at least 16 characters");
    }
  }
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
  readServer(server, settings.server);

  auto auth = root.child("auth");
  settings.auth = readAuthSettings(auth);
  readGateway(root, settings.gateway);

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
