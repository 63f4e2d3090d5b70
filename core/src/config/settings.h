// Typed host settings: the shape of the YAML config (see README "Configuration").
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "config/auth_settings.h"
#include "gateway/gateway_settings.h"
#include "net/ws_limits.h"
#include "streamgate/plugin.h"

namespace streamgate {

struct NodeSettings {
  std::string id;  // resolved: config, else NODE_ID, else <hostname>-<pid>
};

struct ServerSettings {
  std::string host = "0.0.0.0";
  std::uint16_t port = 8080;
  int ioThreads = 0;  // resolved: 0 in the file means one per core
  std::string wsPath = "/ws";
  std::string echoPath;  // empty: no echo endpoint
  net::WsLimits limits;
  std::chrono::milliseconds drainTimeout{10'000};
  int httpThreads = 8;  // Poco workers for handshakes and HTTP requests
};

struct PluginSettings {
  std::filesystem::path dir;                    // where libstreamgate_<name>.so are looked up
  std::vector<std::filesystem::path> load;      // extra plugin files, loaded first
  std::map<std::string, std::string> sections;  // plugin name -> its section as YAML text
};

// Which plugin serves each capability.
struct BackendChoice {
  std::string sessionStore = "memory";
  std::string messageBus = "memory";
  std::string lockProvider = "memory";
  std::string streamStore = "memory";

  const std::string& forCapability(Capability capability) const;
};

struct LogSettings {
  std::string level = "information";
};

struct Settings {
  std::filesystem::path source;  // the config file, for error messages
  NodeSettings node;
  ServerSettings server;
  PluginSettings plugins;
  BackendChoice backends;
  AuthSettings auth;
  gateway::GatewaySettings gateway;
  LogSettings log;

  // The plugin's section with its key path, for PluginLibrary::validate/create.
  PluginConfig pluginConfig(const std::string& pluginName) const;
};

inline constexpr Capability kAllCapabilities[] = {kSessionStore, kMessageBus, kLockProvider, kStreamStore};

}  // namespace streamgate
