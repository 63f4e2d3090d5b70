#include "net/ws_server.h"

#include <future>

namespace streamgate::net {
namespace {

constexpr std::chrono::milliseconds kSweepInterval{1000};

}  // namespace

WsServer::WsServer(EventLoopGroup& loops, WsLimits limits, std::string idPrefix)
    : loops_(loops), limits_(limits), idPrefix_(std::move(idPrefix)) {
  for (const auto& loop : loops_.loops()) {
    auto& state = *perLoop_.emplace_back(std::make_unique<LoopConnections>());
    EventLoop* raw = loop.get();
    raw->runInLoop([raw, &state] {
      state.sweepTimer = raw->runEvery(kSweepInterval, [raw, &state] {
        // Copy: a timeout may close a connection and erase it from the map.
        std::vector<std::shared_ptr<WsConnection>> snapshot;
        snapshot.reserve(state.connections.size());
        for (const auto& [ptr, connection] : state.connections) snapshot.push_back(connection);
        for (const auto& connection : snapshot) connection->checkTimeouts(raw->now());
      });
    });
  }
}

WsServer::~WsServer() {
  // Drop the connections on their own threads (or here, once the loops
  // stopped), then wait for it.
  for (std::size_t i = 0; i < perLoop_.size(); ++i) {
    EventLoop* loop = loops_.loops()[i].get();
    LoopConnections* state = perLoop_[i].get();
    if (!loop->isRunning()) {
      state->connections.clear();
      continue;
    }
    std::promise<void> done;
    loop->runInLoop([loop, state, &done] {
      loop->cancelTimer(state->sweepTimer);
      state->connections.clear();
      done.set_value();
    });
    done.get_future().wait();
  }
}

void WsServer::adopt(Poco::Net::StreamSocket socket, std::string greeting, WsHandler& handler,
                     std::shared_ptr<void> context) {
  const std::uint64_t number = nextId_.fetch_add(1, std::memory_order_relaxed);
  const std::size_t index = number % loops_.loops().size();
  EventLoop& loop = *loops_.loops()[index];
  LoopConnections& state = *perLoop_[index];
  std::string id = idPrefix_ + "-" + std::to_string(number);
  count_.fetch_add(1, std::memory_order_relaxed);
  loop.queueInLoop([this, &loop, &state, &handler, socket = std::move(socket), id = std::move(id),
                    greeting = std::move(greeting), context = std::move(context)]() mutable {
    auto connection = std::make_shared<WsConnection>(loop, std::move(socket), std::move(id), limits_, handler,
                                                     std::move(greeting), [this, &state](WsConnection* gone) {
                                                       if (state.connections.erase(gone) > 0)
                                                         count_.fetch_sub(1, std::memory_order_relaxed);
                                                     });
    connection->setContext(std::move(context));
    state.connections.emplace(connection.get(), connection);
    try {
      connection->start();
    } catch (const Poco::Exception&) {
      // The client went away between the upgrade and now.
      if (state.connections.erase(connection.get()) > 0) count_.fetch_sub(1, std::memory_order_relaxed);
    }
  });
}

void WsServer::closeAll(std::uint16_t code, const std::string& reason) {
  for (std::size_t i = 0; i < perLoop_.size(); ++i) {
    LoopConnections* state = perLoop_[i].get();
    loops_.loops()[i]->runInLoop([state, code, reason] {
      std::vector<std::shared_ptr<WsConnection>> snapshot;
      for (const auto& [ptr, connection] : state->connections) snapshot.push_back(connection);
      for (const auto& connection : snapshot) connection->close(code, reason);
    });
  }
}

}  // namespace streamgate::net
