#include "redis_config.h"

#include <charconv>

namespace streamgate::redis {
namespace {

constexpr std::uint16_t kDefaultPort = 6379;
constexpr std::uint16_t kDefaultSentinelPort = 26379;

// Percent-decoding for the user-info part of a URL (passwords often need it).
std::optional<std::string> percentDecode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    unsigned value = 0;
    if (i + 2 >= text.size()) return std::nullopt;
    const auto [end, error] = std::from_chars(text.data() + i + 1, text.data() + i + 3, value, 16);
    if (error != std::errc() || end != text.data() + i + 3) return std::nullopt;
    out += static_cast<char>(value);
    i += 2;
  }
  return out;
}

// redis://[user:password@]host:port[/db]
void readUrl(ConfigSection& section, RedisConfig& config, std::string& urlUser, std::string& urlPassword) {
  const std::string url = section.getString("url", "redis://127.0.0.1:6379");
  constexpr std::string_view kScheme = "redis://";
  if (url.rfind("rediss://", 0) == 0) {
    section.fail("url", "'" + url + "': TLS (rediss://) is not supported by this build; use redis://");
    return;
  }
  if (url.rfind(kScheme, 0) != 0) {
    section.fail("url", "'" + url + "': expected redis://[user:password@]host:port[/db]");
    return;
  }
  std::string_view rest = std::string_view(url).substr(kScheme.size());
  if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
    const std::string_view userInfo = rest.substr(0, at);
    rest = rest.substr(at + 1);
    const auto colon = userInfo.find(':');
    const auto user = percentDecode(userInfo.substr(0, colon));
    const auto password = colon == std::string_view::npos ? std::optional<std::string>("")
                                                          : percentDecode(userInfo.substr(colon + 1));
    if (!user || !password) {
      section.fail("url", "bad percent-encoding in the user or password of the url");
      return;
    }
    urlUser = *user;
    urlPassword = *password;
  }
  std::string_view hostPort = rest;
  if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
    hostPort = rest.substr(0, slash);
    const std::string_view db = rest.substr(slash + 1);
    if (!db.empty()) {
      const auto [end, error] = std::from_chars(db.data(), db.data() + db.size(), config.db);
      if (error != std::errc() || end != db.data() + db.size() || config.db < 0 || config.db > 15) {
        section.fail("url", "'" + url + "': database must be a number from 0 to 15");
        return;
      }
    }
  }
  auto address = parseHostPort(hostPort, kDefaultPort);
  if (!address) {
    section.fail("url", "'" + url + "': " + address.error().message());
    return;
  }
  config.address = *address;
}

// A key that may also come from the url: both may be given only if they agree.
std::string fromKeyOrUrl(ConfigSection& section, std::string_view key, const std::string& fromUrl) {
  const auto value = section.optionalString(key);
  if (!value) return fromUrl;
  if (!fromUrl.empty() && *value != fromUrl) {
    section.fail(key, "contradicts the " + std::string(key) + " given in url; set it in one place");
  }
  return *value;
}

std::optional<SentinelConfig> readSentinel(ConfigSection& section) {
  if (!section.has("sentinel")) return std::nullopt;
  ConfigSection child = section.child("sentinel");
  SentinelConfig sentinel;
  sentinel.master = child.getString("master", "");
  if (sentinel.master.empty()) child.fail("master", "required: the name the sentinels monitor the master by");
  for (const auto& text : child.getStringList("addresses")) {
    auto address = parseHostPort(text, kDefaultSentinelPort);
    if (!address) {
      child.fail("addresses", address.error().message());
      break;
    }
    sentinel.addresses.push_back(*address);
  }
  if (sentinel.addresses.empty()) child.fail("addresses", "required: at least one sentinel host:port");
  sentinel.username = child.getString("username", "");
  sentinel.password = child.getString("password", "");
  return sentinel;
}

}  // namespace

std::string RedisConfig::describe() const {
  return sentinel ? "sentinel master " + sentinel->master : address.toString();
}

Expected<RedisConfig> RedisConfig::read(const PluginConfig& plugin) {
  auto section = ConfigSection::parse(plugin.yaml, plugin.path);
  if (!section) return section.error();
  RedisConfig config;
  std::string urlUser, urlPassword;
  readUrl(*section, config, urlUser, urlPassword);
  config.username = fromKeyOrUrl(*section, "username", urlUser);
  config.password = fromKeyOrUrl(*section, "password", urlPassword);
  if (!config.username.empty() && config.password.empty()) {
    section->fail("username", "an ACL user needs a password");
  }
  config.keyPrefix = section->getString("key_prefix", config.keyPrefix);
  config.poolSize = static_cast<int>(section->getInt("pool_size", config.poolSize, 1, 16));
  config.connectTimeout = section->getPositiveDuration("connect_timeout", config.connectTimeout);
  config.commandTimeout = section->getPositiveDuration("command_timeout", config.commandTimeout);
  {
    ConfigSection breaker = section->child("circuit_breaker");
    config.breakerFailures = static_cast<int>(breaker.getInt("failures", config.breakerFailures, 1, 1000));
    config.retryInitial = breaker.getPositiveDuration("retry_initial", config.retryInitial);
    config.retryMax = breaker.getDuration("retry_max", config.retryMax);
    if (config.retryMax < config.retryInitial) breaker.fail("retry_max", "must not be below retry_initial");
  }
  config.sentinel = readSentinel(*section);
  if (config.sentinel && section->has("url")) {
    section->fail("sentinel", "give either url (one server) or sentinel (which finds the master), not both");
  }
  config.retention = StreamRetention::read(*section);
  if (Status status = section->status(); !status) return status;
  return config;
}

}  // namespace streamgate::redis
