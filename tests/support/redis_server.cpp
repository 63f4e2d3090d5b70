#include "redis_server.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <hiredis/hiredis.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "child_process.h"
#include "node_process.h"

namespace streamgate::testing {
namespace {

constexpr std::size_t kLogTailLines = 20;

std::filesystem::path findOnPath(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    const auto candidate = std::filesystem::path(dir.empty() ? "." : dir) / program;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return {};
}

std::string readFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string tail(const std::string& text, std::size_t lines) {
  std::size_t start = text.size();
  // Skip a trailing newline so it does not count as an empty last line.
  if (start > 0 && text[start - 1] == '\n') --start;
  for (std::size_t seen = 0; start > 0; --start) {
    if (text[start - 1] == '\n' && ++seen == lines) break;
  }
  return text.substr(start);
}

std::filesystem::path makeTempDir(const std::string& stem) {
  std::string pattern = (std::filesystem::path(::testing::TempDir()) / (stem + "-XXXXXX")).string();
  if (mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("cannot create a temp dir from " + pattern + ": " + std::strerror(errno));
  }
  return pattern;
}

// The server's stdout and stderr go to consoleLog, its stdin is /dev/null.
pid_t spawn(const std::filesystem::path& program, const std::vector<std::string>& args,
            const std::filesystem::path& consoleLog) {
  std::vector<std::string> argv = {program.string()};
  argv.insert(argv.end(), args.begin(), args.end());

  const int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
  const int out = open(consoleLog.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (in < 0 || out < 0) {
    const std::string error = std::strerror(errno);
    if (in >= 0) close(in);
    throw std::runtime_error("cannot open " + consoleLog.string() + ": " + error);
  }
  const auto closeBoth = [&] {
    close(in);
    close(out);
  };
  pid_t pid = -1;
  try {
    pid = spawnChild(argv, in, out, out);
  } catch (...) {
    closeBoth();
    throw;
  }
  closeBoth();
  return pid;
}

void render(const redisReply& reply, std::string& out) {
  switch (reply.type) {
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
    case REDIS_REPLY_ERROR:
      out.append(reply.str, reply.len);
      break;
    case REDIS_REPLY_INTEGER:
      out += std::to_string(reply.integer);
      break;
    case REDIS_REPLY_ARRAY:
      for (std::size_t i = 0; i < reply.elements; ++i) {
        if (i > 0) out += '\n';
        render(*reply.element[i], out);
      }
      break;
    default:  // nil
      break;
  }
}

timeval toTimeval(std::chrono::milliseconds timeout) {
  return {static_cast<time_t>(timeout.count() / 1000),
          static_cast<suseconds_t>(timeout.count() % 1000 * 1000)};
}

// The value of `field` in a flattened field/value array reply, "" if absent.
std::string fieldOf(const std::string& reply, const std::string& field) {
  std::istringstream in(reply);
  for (std::string name, value; std::getline(in, name) && std::getline(in, value);) {
    if (name == field) return value;
  }
  return {};
}

// Polls `ready` (exceptions count as not ready) until the deadline.
bool pollUntil(std::chrono::steady_clock::time_point deadline, const std::function<bool()>& ready) {
  while (true) {
    try {
      if (ready()) return true;
    } catch (const std::runtime_error&) {
    }
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

std::chrono::milliseconds remaining(std::chrono::steady_clock::time_point deadline) {
  return std::max(std::chrono::milliseconds(0), std::chrono::duration_cast<std::chrono::milliseconds>(
                                                    deadline - std::chrono::steady_clock::now()));
}

}  // namespace

std::string runRedisCommand(std::uint16_t port, const std::string& password,
                            const std::vector<std::string>& args, std::chrono::milliseconds timeout) {
  const std::string where = "redis 127.0.0.1:" + std::to_string(port);
  std::unique_ptr<redisContext, decltype(&redisFree)> context(
      redisConnectWithTimeout("127.0.0.1", port, toTimeval(timeout)), &redisFree);
  if (context == nullptr) throw std::runtime_error(where + ": cannot allocate a hiredis context");
  if (context->err != 0) throw std::runtime_error(where + ": " + context->errstr);
  redisSetTimeout(context.get(), toTimeval(timeout));

  const auto run = [&](const std::vector<std::string>& command) {
    std::vector<const char*> argv;
    std::vector<std::size_t> argvlen;
    for (const auto& arg : command) {
      argv.push_back(arg.data());
      argvlen.push_back(arg.size());
    }
    std::unique_ptr<redisReply, decltype(&freeReplyObject)> reply(
        static_cast<redisReply*>(
            redisCommandArgv(context.get(), static_cast<int>(argv.size()), argv.data(), argvlen.data())),
        &freeReplyObject);
    if (reply == nullptr) throw std::runtime_error(where + ": " + command.front() + ": " + context->errstr);
    std::string text;
    render(*reply, text);
    return std::pair(reply->type == REDIS_REPLY_ERROR, text);
  };

  if (!password.empty()) {
    // A refused AUTH is the answer: the command would only fail with NOAUTH.
    auto [failed, text] = run({"AUTH", password});
    if (failed) return text;
  }
  return run(args).second;
}

std::string RedisServer::unavailableReason() {
  if (!findOnPath("redis-server").empty()) return {};
  return "redis-server not found on PATH; run scripts/setup.sh --for-tests";
}

RedisServer::RedisServer(Options options)
    : options_(std::move(options)),
      port_(options_.port != 0 ? options_.port : freePort()),
      dir_(makeTempDir("redis-" + std::to_string(port_))) {}

RedisServer::~RedisServer() {
  stop();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

void RedisServer::start(std::chrono::milliseconds timeout) {
  if (isRunning()) throw std::runtime_error(url() + ": start() while already running");
  // A client in this process writing to a server the test killed must see
  // EPIPE, as it does in the node (which ignores SIGPIPE), not die of it.
  std::signal(SIGPIPE, SIG_IGN);
  const auto program = findOnPath("redis-server");
  if (program.empty()) throw std::runtime_error(unavailableReason());

  std::vector<std::string> args;
  if (!options_.configFile.empty()) args.push_back(options_.configFile.string());
  // A master would otherwise wait 5 s for more replicas before the first
  // (diskless) full sync; tests have no one else to wait for.
  args.insert(args.end(), {"--port", std::to_string(port_), "--bind", "127.0.0.1", "--save", "",
                           "--appendonly", "no", "--repl-diskless-sync-delay", "0", "--dir", dir_.string(),
                           "--logfile", (dir_ / "redis.log").string()});
  if (!options_.password.empty()) {
    args.insert(args.end(), {"--requirepass", options_.password, "--masterauth", options_.password});
  }
  args.insert(args.end(), options_.extraArgs.begin(), options_.extraArgs.end());
  pid_ = spawn(program, args, dir_ / "console.log");

  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const bool ready = pollUntil(deadline, [&] {
    if (!isRunning()) return true;  // nothing left to wait for
    return runRedisCommand(port_, options_.password, {"PING"}, std::chrono::milliseconds(500)) == "PONG";
  });
  if (ready && isRunning()) return;
  const std::string what = isRunning()
                               ? "did not answer PING within " + std::to_string(timeout.count()) + " ms"
                               : "exited during start-up";
  stop();
  throw std::runtime_error("redis-server on 127.0.0.1:" + std::to_string(port_) + " " + what +
                           "; log tail:\n" + tail(log(), kLogTailLines));
}

void RedisServer::stop(int signal, std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return;
  stopChild(pid_, signal, timeout);
  // A forked child (a replication snapshot) may still hold the listening
  // socket for a moment; a restart on this port must not race it. Bounded, as
  // an orphan's zombie is up to whoever reaps it.
  kill(-pid_, SIGKILL);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  while (kill(-pid_, 0) == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  pid_ = -1;
}

bool RedisServer::isRunning() {
  if (pid_ <= 0) return false;
  if (waitpid(pid_, nullptr, WNOHANG) != pid_) return true;
  pid_ = -1;
  return false;
}

std::string RedisServer::url() const { return "redis://127.0.0.1:" + std::to_string(port_); }

std::string RedisServer::command(const std::vector<std::string>& args) const {
  return runRedisCommand(port_, options_.password, args);
}

std::string RedisServer::log() const { return readFile(dir_ / "redis.log") + readFile(dir_ / "console.log"); }

SentinelCluster::SentinelCluster(std::string masterName, std::string password)
    : masterName_(std::move(masterName)),
      password_(std::move(password)),
      master_(RedisServer::Options{.password = password_}),
      replica_(RedisServer::Options{
          .password = password_, .extraArgs = {"--replicaof", "127.0.0.1", std::to_string(master_.port())}}) {
  std::set<std::uint16_t> taken = {master_.port(), replica_.port()};
  for (int i = 0; i < 3; ++i) {
    std::uint16_t port = freePort();
    while (!taken.insert(port).second) port = freePort();
    // Sentinel rewrites this file as it learns the topology, so it must be
    // its own writable copy; port, bind and dir come as flags as well.
    sentinelConfigs_.push_back(
        writeTempFile("sentinel-" + std::to_string(port) + ".conf",
                      "port " + std::to_string(port) + "\nbind 127.0.0.1\nsentinel resolve-hostnames no\n" +
                          "sentinel monitor " + masterName_ + " 127.0.0.1 " + std::to_string(master_.port()) +
                          " 2\n" + "sentinel auth-pass " + masterName_ + " " + password_ + "\n" +
                          "sentinel down-after-milliseconds " + masterName_ + " 1000\n" +
                          "sentinel failover-timeout " + masterName_ + " 5000\n"));
    sentinels_.push_back(std::make_unique<RedisServer>(RedisServer::Options{
        .password = "", .port = port, .extraArgs = {"--sentinel"}, .configFile = sentinelConfigs_.back()}));
  }
}

SentinelCluster::~SentinelCluster() {
  sentinels_.clear();  // first, so they do not fail over while the servers stop
  std::error_code ignored;
  for (const auto& config : sentinelConfigs_) std::filesystem::remove(config, ignored);
}

void SentinelCluster::start(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  master_.start(remaining(deadline));
  replica_.start(remaining(deadline));
  const bool synced = pollUntil(deadline, [&] {
    return master_.command({"INFO", "replication"}).find("connected_slaves:1\r\n") != std::string::npos &&
           replica_.command({"INFO", "replication"}).find("master_link_status:up\r\n") != std::string::npos;
  });
  if (!synced) {
    throw std::runtime_error("replica 127.0.0.1:" + std::to_string(replica_.port()) +
                             " did not sync with master 127.0.0.1:" + std::to_string(master_.port()) +
                             "; replica log tail:\n" + tail(replica_.log(), kLogTailLines));
  }

  // Sentinels only after the sync: the first INFO they take from the master
  // then lists the replica, instead of the next one ten seconds later.
  for (auto& sentinel : sentinels_) sentinel->start(remaining(deadline));
  const std::string masterAddress = "127.0.0.1\n" + std::to_string(master_.port());
  for (std::size_t i = 0; i < sentinels_.size(); ++i) {
    const bool ready = pollUntil(deadline, [&] {
      if (sentinelCommand(i, {"SENTINEL", "get-master-addr-by-name", masterName_}) != masterAddress) {
        return false;
      }
      const auto state = sentinelCommand(i, {"SENTINEL", "master", masterName_});
      return fieldOf(state, "num-slaves") == "1" && fieldOf(state, "num-other-sentinels") == "2";
    });
    if (!ready) {
      throw std::runtime_error("sentinel 127.0.0.1:" + std::to_string(sentinels_[i]->port()) +
                               " did not see master " + masterName_ +
                               ", its replica and two peers; log tail:\n" +
                               tail(sentinels_[i]->log(), kLogTailLines));
    }
  }
}

std::vector<std::string> SentinelCluster::sentinelAddresses() const {
  std::vector<std::string> addresses;
  for (const auto& sentinel : sentinels_)
    addresses.push_back("127.0.0.1:" + std::to_string(sentinel->port()));
  return addresses;
}

std::string SentinelCluster::sentinelCommand(std::size_t index, const std::vector<std::string>& args) const {
  return sentinels_.at(index)->command(args);
}

void SentinelCluster::killMaster() { master_.stop(SIGKILL); }

bool SentinelCluster::waitForFailover(std::chrono::milliseconds timeout) {
  const std::string promoted = "127.0.0.1\n" + std::to_string(replica_.port());
  return pollUntil(std::chrono::steady_clock::now() + timeout, [&] {
    bool reported = false;
    for (std::size_t i = 0; i < sentinels_.size() && !reported; ++i) {
      try {
        reported = sentinelCommand(i, {"SENTINEL", "get-master-addr-by-name", masterName_}) == promoted;
      } catch (const std::runtime_error&) {
      }
    }
    if (!reported) return false;
    const auto role = replica_.command({"ROLE"});
    return role.substr(0, role.find('\n')) == "master";
  });
}

}  // namespace streamgate::testing
