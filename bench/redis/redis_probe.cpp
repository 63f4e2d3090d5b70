#include "redis_probe.h"

#include <hiredis/hiredis.h>

#include <sstream>
#include <stdexcept>

#include "streamgate/host_port.h"

namespace streamgate::bench {
namespace {

redisContext* connect(const std::string& host, std::uint16_t port, const std::string& password) {
  const timeval timeout{1, 0};
  redisContext* context = redisConnectWithTimeout(host.c_str(), port, timeout);
  if (context == nullptr) return nullptr;
  if (context->err != 0) {
    redisFree(context);
    return nullptr;
  }
  redisSetTimeout(context, timeout);
  if (!password.empty()) {
    auto* reply =
        static_cast<redisReply*>(redisCommand(context, "AUTH %b", password.data(), password.size()));
    const bool ok = reply != nullptr && reply->type != REDIS_REPLY_ERROR;
    if (reply != nullptr) freeReplyObject(reply);
    if (!ok) {
      redisFree(context);
      return nullptr;
    }
  }
  return context;
}

// The value of `key` in INFO text ("key:value\r\n" lines).
std::string infoField(const std::string& info, const std::string& key) {
  const std::string wanted = "\n" + key + ":";
  const std::string text = "\n" + info;
  const auto at = text.find(wanted);
  if (at == std::string::npos) return {};
  const auto begin = at + wanted.size();
  return text.substr(begin, text.find_first_of("\r\n", begin) - begin);
}

}  // namespace

bool redisPing(const std::string& host, std::uint16_t port, const std::string& password) {
  redisContext* context = connect(host, port, password);
  if (context == nullptr) return false;
  auto* reply = static_cast<redisReply*>(redisCommand(context, "PING"));
  const bool pong =
      reply != nullptr && reply->type == REDIS_REPLY_STATUS && std::string(reply->str) == "PONG";
  if (reply != nullptr) freeReplyObject(reply);
  redisFree(context);
  return pong;
}

RedisProbe::RedisProbe(const std::string& host, std::uint16_t port, const std::string& password)
    : context_(connect(host, port, password), &redisFree),
      where_("redis " + host + ":" + std::to_string(port)) {
  if (!context_) throw std::runtime_error(where_ + ": cannot connect (or AUTH refused)");
}

RedisProbe::~RedisProbe() = default;

std::string RedisProbe::command(const std::string& line) {
  auto* reply = static_cast<redisReply*>(redisCommand(context_.get(), line.c_str()));
  if (reply == nullptr) throw std::runtime_error(where_ + ": " + line + ": " + context_->errstr);
  std::string text = reply->str != nullptr ? std::string(reply->str, reply->len) : std::string();
  const bool failed = reply->type == REDIS_REPLY_ERROR;
  freeReplyObject(reply);
  if (failed) throw std::runtime_error(where_ + ": " + line + ": " + text);
  return text;
}

double RedisProbe::cpuSeconds() {
  const std::string info = command("INFO cpu");
  const auto value = [&](const char* key) {
    const std::string text = infoField(info, key);
    return text.empty() ? 0.0 : std::stod(text);
  };
  return value("used_cpu_user") + value("used_cpu_sys");
}

std::int64_t RedisProbe::readsProcessed() {
  const std::string text = infoField(command("INFO stats"), "total_reads_processed");
  return text.empty() ? 0 : std::stoll(text);
}

void RedisProbe::resetStats() { command("CONFIG RESETSTAT"); }

CommandStat RedisProbe::commandStat(const std::string& name) {
  // cmdstat_evalsha:calls=10,usec=52,usec_per_call=5.20,rejected_calls=0,failed_calls=0
  const std::string line = infoField(command("INFO commandstats"), "cmdstat_" + name);
  CommandStat stat;
  std::istringstream fields(line);
  for (std::string field; std::getline(fields, field, ',');) {
    const auto equals = field.find('=');
    if (equals == std::string::npos) continue;
    const std::string key = field.substr(0, equals), value = field.substr(equals + 1);
    if (key == "calls") stat.calls = std::stoll(value);
    if (key == "usec_per_call") stat.usecPerCall = std::stod(value);
  }
  return stat;
}

std::optional<UrlAddress> addressOfUrl(const std::string& url) {
  constexpr std::string_view kScheme = "redis://";
  std::string_view rest = url;
  if (rest.substr(0, kScheme.size()) != kScheme) return std::nullopt;
  rest.remove_prefix(kScheme.size());
  if (const auto at = rest.rfind('@'); at != std::string_view::npos) rest.remove_prefix(at + 1);
  if (const auto slash = rest.find('/'); slash != std::string_view::npos) rest = rest.substr(0, slash);
  auto parsed = parseHostPort(rest, 6379);
  if (!parsed) return std::nullopt;
  return UrlAddress{parsed->host, parsed->port};
}

}  // namespace streamgate::bench
