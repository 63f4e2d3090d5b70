#include "redis_connection.h"

#include <poll.h>
#include <sys/time.h>

#include <cerrno>

#include "redis_scripts.h"

namespace streamgate::redis {
namespace {

timeval toTimeval(std::chrono::milliseconds duration) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(duration.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((duration.count() % 1000) * 1000);
  return tv;
}

std::string prefix(const HostPort& address) { return "redis " + address.toString() + ": "; }

}  // namespace

bool meansNotMaster(std::string_view message) {
  for (std::string_view code : {"READONLY", "MASTERDOWN", "LOADING", "TRYAGAIN", "CLUSTERDOWN"}) {
    if (message.substr(0, code.size()) == code) return true;
  }
  return false;
}

Status errorReply(const HostPort& address, std::string_view message) {
  return Status(meansNotMaster(message) ? Code::kUnavailable : Code::kInternal,
                prefix(address) + "replied " + std::string(message));
}

RedisConnection::RedisConnection(redisContext* context, HostPort address)
    : context_(context), address_(std::move(address)) {}

RedisConnection::~RedisConnection() { redisFree(context_); }

int RedisConnection::fd() const { return context_->fd; }

bool RedisConnection::peerClosed() const {
  pollfd ready{context_->fd, POLLIN | POLLRDHUP, 0};
  return poll(&ready, 1, 0) != 0;
}

Status RedisConnection::failure(std::string_view what) const {
  const bool timedOut = context_->err == REDIS_ERR_IO && (errno == EAGAIN || errno == EWOULDBLOCK);
  if (timedOut) return Status(Code::kTimeout, prefix(address_) + std::string(what) + ": no reply in time");
  return Status(Code::kUnavailable, prefix(address_) + std::string(what) + ": " +
                                        (context_->errstr[0] != '\0' ? context_->errstr : "connection lost"));
}

Expected<std::unique_ptr<RedisConnection>> RedisConnection::open(const ConnectionOptions& options) {
  redisContext* context = redisConnectWithTimeout(options.address.host.c_str(), options.address.port,
                                                  toTimeval(options.connectTimeout));
  if (context == nullptr) return Status(Code::kUnavailable, prefix(options.address) + "out of memory");
  std::unique_ptr<RedisConnection> connection(new RedisConnection(context, options.address));
  if (context->err != 0) {
    return Status(Code::kUnavailable, prefix(options.address) + "connect failed: " + context->errstr);
  }
  // The handshake is bounded by connect_timeout too; commands by command_timeout.
  redisSetTimeout(context, toTimeval(options.connectTimeout));
  redisEnableKeepAlive(context);

  const auto expectOk = [&](const std::vector<std::string_view>& argv, std::string_view what) -> Status {
    auto reply = connection->call(argv);
    if (!reply) return reply.error().withContext(what);
    if ((*reply)->type == REDIS_REPLY_ERROR) {
      return Status(Code::kUnavailable, prefix(options.address) + std::string(what) +
                                            " refused: " + std::string(text(reply->get())));
    }
    return Status::ok();
  };
  if (!options.password.empty()) {
    Status auth = options.username.empty()
                      ? expectOk({"AUTH", options.password}, "AUTH")
                      : expectOk({"AUTH", options.username, options.password}, "AUTH as " + options.username);
    if (!auth) return auth;
  }
  if (options.db != 0) {
    const std::string db = std::to_string(options.db);
    if (Status status = expectOk({"SELECT", db}, "SELECT " + db); !status) return status;
  }
  if (options.requireMaster) {
    auto role = connection->call({"ROLE"});
    if (!role) return role.error();
    const std::string_view kind = text(element(role->get(), 0));
    if (kind != "master") {
      return Status(Code::kUnavailable, prefix(options.address) + "is not the master (ROLE says " +
                                            std::string(kind.empty() ? "nothing" : kind) + ")");
    }
  }
  if (options.scripts != nullptr) {
    if (Status status = connection->loadScripts(*options.scripts); !status) return status;
  }
  redisSetTimeout(context, toTimeval(options.commandTimeout));
  return connection;
}

Status RedisConnection::loadScripts(const std::vector<LuaScript>& scripts) {
  shas_.clear();
  for (const auto& script : scripts) send({"SCRIPT", "LOAD", script.body});
  for (const auto& script : scripts) {
    auto reply = receive();
    if (!reply) return reply.error();
    if ((*reply)->type != REDIS_REPLY_STRING) {
      return Status(Code::kUnavailable, prefix(address_) + "SCRIPT LOAD of " + script.name +
                                            " failed: " + std::string(text(reply->get())));
    }
    shas_.emplace_back(text(reply->get()));
  }
  return Status::ok();
}

Expected<ReplyPtr> RedisConnection::call(const std::vector<std::string_view>& argv) {
  send(argv);
  return receive();
}

void RedisConnection::send(const std::vector<std::string_view>& argv) {
  // Small command lines stay on the stack; the rare long one (a batch) pays for the heap.
  constexpr std::size_t kInline = 16;
  const char* inlineArgs[kInline];
  std::size_t inlineLengths[kInline];
  std::vector<const char*> heapArgs;
  std::vector<std::size_t> heapLengths;
  const char** args = inlineArgs;
  std::size_t* lengths = inlineLengths;
  if (argv.size() > kInline) {
    heapArgs.resize(argv.size());
    heapLengths.resize(argv.size());
    args = heapArgs.data();
    lengths = heapLengths.data();
  }
  for (std::size_t i = 0; i < argv.size(); ++i) {
    args[i] = argv[i].data();
    lengths[i] = argv[i].size();
  }
  redisAppendCommandArgv(context_, static_cast<int>(argv.size()), args, lengths);
}

Status RedisConnection::flush() {
  int done = 0;
  while (done == 0) {
    if (redisBufferWrite(context_, &done) != REDIS_OK) return failure("write");
  }
  return Status::ok();
}

Expected<ReplyPtr> RedisConnection::receive() {
  void* reply = nullptr;
  if (redisGetReply(context_, &reply) != REDIS_OK || reply == nullptr) return failure("read");
  return ReplyPtr(static_cast<redisReply*>(reply));
}

Expected<ReplyPtr> RedisConnection::buffered() {
  void* reply = nullptr;
  if (redisGetReplyFromReader(context_, &reply) != REDIS_OK) return failure("protocol");
  return ReplyPtr(static_cast<redisReply*>(reply));
}

Status RedisConnection::readAvailable() {
  if (redisBufferRead(context_) != REDIS_OK) return failure("read");
  return Status::ok();
}

}  // namespace streamgate::redis
