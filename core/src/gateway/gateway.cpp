#include "gateway/gateway.h"

#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/URI.h>

#include <future>
#include <thread>

#include "gateway/backend_probe.h"
#include "gateway/client_session.h"
#include "gateway/ingest_api.h"
#include "gateway/token_verifier.h"
#include "net/ws_handshake.h"
#include "streamgate/stream_event.h"

namespace streamgate::gateway {
namespace {

// What the upgrade learned about the client, handed to onOpen.
struct UpgradeContext {
  std::string userId;  // empty: must send an auth message
};

std::string tokenFromQuery(const std::string& uri) {
  for (const auto& [name, value] : Poco::URI(uri).getQueryParameters()) {
    if (name == "token") return value;
  }
  return {};
}

}  // namespace

Gateway::Gateway(const Settings& settings, BackendSet backends, net::EventLoopGroup& loops,
                 std::shared_ptr<const TokenVerifier> verifier)
    : settings_(settings),
      backends_(std::move(backends)),
      loops_(loops),
      verifier_(std::move(verifier)),
      hub_(*backends_.messageBus, metrics_),
      writer_(*backends_.streamStore, *backends_.messageBus, metrics_, backends_.storePublishesEvents),
      wsServer_(loops, settings.server.limits, settings.node.id) {
  context_.reset(new GatewayContext{settings.node.id, backends_.sessionStore.get(),
                                    backends_.messageBus.get(), backends_.lockProvider.get(),
                                    backends_.streamStore.get(), settings.gateway, metrics_, hub_, writer_,
                                    nullptr, verifier_.get(), Poco::Logger::get("gateway")});
  streams_ = std::make_unique<StreamService>(*context_);
  context_->streams = streams_.get();
  for (std::size_t i = 0; i < loops_.loops().size(); ++i)
    perLoop_.push_back(std::make_unique<LoopSessions>());
  metrics_.addGauge("connections", "WebSocket connections open on this node",
                    [this] { return static_cast<double>(wsServer_.connectionCount()); });
  metrics_.addGauge("sessions", "sessions this node has a bus subscription for",
                    [this] { return static_cast<double>(hub_.sessionCount()); });
  metrics_.addGauge("active_streams", "streams produced on this node",
                    [this] { return static_cast<double>(streams_->activeStreams()); });
}

Gateway::~Gateway() {
  // The event loops are stopped by now. Destroy the backends first: they
  // join their threads, so no backend callback can run into the parts of
  // the gateway destroyed after this.
  backends_ = BackendSet{};
}

Gateway::LoopSessions& Gateway::loopSessions(net::EventLoop& loop) {
  for (std::size_t i = 0; i < loops_.loops().size(); ++i) {
    if (loops_.loops()[i].get() == &loop) return *perLoop_[i];
  }
  return *perLoop_.front();  // unreachable: every connection lives on one of our loops
}

void Gateway::start() {
  auto& first = *loops_.loops().front();
  first.runInLoop([this, &first] {
    heartbeat();
    heartbeatTimer_ = first.runEvery(settings_.gateway.sessions.heartbeatInterval, [this] { heartbeat(); });
  });
  streams_->startJanitor(first);
  for (std::size_t i = 0; i < loops_.loops().size(); ++i) {
    net::EventLoop* loop = loops_.loops()[i].get();
    LoopSessions* state = perLoop_[i].get();
    loop->runInLoop([this, loop, state] {
      state->stallTimer = loop->runEvery(settings_.gateway.streams.stallCheck, [loop, state] {
        std::vector<std::shared_ptr<ClientSession>> sessions;
        for (ClientSession* session : state->sessions) sessions.push_back(session->shared_from_this());
        for (const auto& session : sessions) session->checkStalled(loop->now());
      });
    });
  }
}

void Gateway::heartbeat() {
  auto& log = Poco::Logger::get("gateway");
  backends_.sessionStore->touchNode(settings_.node.id, settings_.gateway.sessions.nodeTtl,
                                    [this, &log](Status status) {
                                      if (!status) {
                                        metrics_.backendErrors.fetch_add(1, std::memory_order_relaxed);
                                        log.warning("heartbeat: %s", status.toString());
                                      }
                                    });
  // Any node may sweep; the store makes it idempotent.
  backends_.sessionStore->sweep([&log](Expected<SweepResult> swept) {
    if (swept && !swept->nodes.empty()) {
      std::string nodes;
      for (const auto& node : swept->nodes) nodes += (nodes.empty() ? "" : ", ") + node;
      log.information("swept %s connection(s) of dead node(s) %s", std::to_string(swept->connectionsRemoved),
                      nodes);
    }
  });
}

void Gateway::addRoutes(HttpRouter& router) {
  router.add(Poco::Net::HTTPRequest::HTTP_GET, settings_.server.wsPath,
             [this](Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
                    const PathParams&) { upgrade(request, response, *this, true); });
  if (!settings_.server.echoPath.empty()) {
    router.add(Poco::Net::HTTPRequest::HTTP_GET, settings_.server.echoPath,
               [this](Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
                      const PathParams&) { upgrade(request, response, echo_, false); });
  }
  const std::string nodeId = settings_.node.id;
  router.get("/health", [nodeId] {
    std::string body = R"({"status":"ok","nodeId":)";
    appendJsonString(body, nodeId);
    body += '}';
    return HttpReply{200, "application/json", std::move(body)};
  });
  router.get("/ready", [this] { return ready(); });
  router.get("/health/distributed", [this] { return distributedHealth(); });
  router.get("/metrics", [this] { return HttpReply{200, "text/plain; version=0.0.4", metrics_.render()}; });
  addIngestRoutes(router, *context_);
}

void Gateway::upgrade(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
                      net::WsHandler& handler, bool authenticate) {
  if (auto status = net::validateUpgrade(request); !status) {
    if (request.get("Sec-WebSocket-Version", "") != "13") response.set("Sec-WebSocket-Version", "13");
    sendReply(response, errorReply(400, "bad_request", status.message()));
    return;
  }
  if (draining_.load()) {
    sendReply(response, errorReply(503, "unavailable", "node " + settings_.node.id + " is shutting down"));
    return;
  }
  auto context = std::make_shared<UpgradeContext>();
  if (authenticate) {
    if (verifier_ == nullptr) {
      context->userId = std::string(kAnonymousUser);
    } else if (const std::string token = tokenFromQuery(request.getURI()); !token.empty()) {
      auto user = verifier_->verify(token, std::chrono::system_clock::now());
      if (!user) {
        sendReply(response, errorReply(401, "unauthorized", user.error().message()));
        return;
      }
      context->userId = std::move(*user);
    }
  }
  const std::string greeting =
      net::switchingProtocolsResponse(net::acceptKey(request.get("Sec-WebSocket-Key")));
  auto socket = static_cast<Poco::Net::HTTPServerRequestImpl&>(request).detachSocket();
  wsServer_.adopt(std::move(socket), greeting, handler, std::move(context));
}

void Gateway::onOpen(const std::shared_ptr<net::WsConnection>& connection) {
  auto upgrade = std::static_pointer_cast<UpgradeContext>(connection->context());
  auto session = std::make_shared<ClientSession>(*context_, connection, upgrade ? upgrade->userId : "");
  connection->setContext(session);
  loopSessions(connection->loop()).sessions.insert(session.get());
  session->onOpen();
}

void Gateway::onMessage(const std::shared_ptr<net::WsConnection>& connection, net::WsOpcode opcode,
                        std::string_view payload) {
  auto session = std::static_pointer_cast<ClientSession>(connection->context());
  if (!session) return;
  if (opcode != net::WsOpcode::kText) {
    session->onBinary();
    return;
  }
  session->onText(payload);
}

void Gateway::onClosed(const std::shared_ptr<net::WsConnection>& connection, std::uint16_t code) {
  auto session = std::static_pointer_cast<ClientSession>(connection->context());
  if (!session) return;
  if (code == net::ws_close::kTryAgainLater)
    metrics_.slowConsumersClosed.fetch_add(1, std::memory_order_relaxed);
  loopSessions(connection->loop()).sessions.erase(session.get());
  session->onClosed();
  connection->setContext(nullptr);
}

HttpReply Gateway::ready() {
  if (draining_.load()) return errorReply(503, "unavailable", "shutting down");
  const auto results = probeBackends(backends_, std::chrono::milliseconds(1000));
  bool up = true;
  std::string body = R"({"status":)";
  std::string backends;
  for (const auto& result : results) {
    up = up && result.up;
    backends += backends.empty() ? "" : ",";
    appendJsonString(backends, capabilityKey(result.capability));
    backends += result.up ? R"(:"up")" : "";
    if (!result.up) {
      backends += ':';
      appendJsonString(backends, "down: " + result.detail);
    }
  }
  body += up ? R"("ready")" : R"("not_ready")";
  body += R"(,"backends":{)" + backends + "}}";
  return HttpReply{up ? 200 : 503, "application/json", std::move(body)};
}

HttpReply Gateway::distributedHealth() {
  const auto results = probeBackends(backends_, std::chrono::milliseconds(1000));
  std::promise<Expected<std::map<std::string, std::size_t>>> counts;
  auto countsFuture = counts.get_future();
  backends_.sessionStore->connectionCounts(
      [promise = std::make_shared<decltype(counts)>(std::move(counts))](
          Expected<std::map<std::string, std::size_t>> result) { promise->set_value(std::move(result)); });

  bool up = true;
  std::string body = R"({"nodeId":)";
  appendJsonString(body, settings_.node.id);
  body += R"(,"backends":{)";
  bool first = true;
  for (const auto& result : results) {
    up = up && result.up;
    body += first ? "" : ",";
    first = false;
    appendJsonString(body, capabilityKey(result.capability));
    body += R"(:{"plugin":)";
    appendJsonString(body, settings_.backends.forCapability(result.capability));
    body += R"(,"status":)";
    appendJsonString(body, result.up ? "up" : "down: " + result.detail);
    body += '}';
  }
  body += R"(},"localConnections":)" + std::to_string(wsServer_.connectionCount());
  body += R"(,"sessions":)" + std::to_string(hub_.sessionCount());
  body += R"(,"activeStreams":)" + std::to_string(streams_->activeStreams());
  body += R"(,"clusterConnections":)";
  if (countsFuture.wait_for(std::chrono::milliseconds(1000)) == std::future_status::ready) {
    const auto result = countsFuture.get();
    if (result) {
      body += '{';
      bool firstNode = true;
      for (const auto& [node, count] : *result) {
        body += firstNode ? "" : ",";
        firstNode = false;
        appendJsonString(body, node);
        body += ':' + std::to_string(count);
      }
      body += '}';
    } else {
      body += "null";
    }
  } else {
    body += "null";
  }
  body += R"(,"status":)";
  body += up ? R"("ok")" : R"("degraded")";
  body += '}';
  return HttpReply{200, "application/json", std::move(body)};
}

bool Gateway::drain(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  draining_.store(true);
  auto streamsDone = std::make_shared<std::promise<void>>();
  auto streamsFuture = streamsDone->get_future();
  streams_->drain([streamsDone] { streamsDone->set_value(); });
  const bool streamsEnded = streamsFuture.wait_until(deadline) == std::future_status::ready;
  // The terminal events just published still travel bus -> loop -> client;
  // give them a moment before the sockets close.
  std::this_thread::sleep_until(
      std::min(deadline, std::chrono::steady_clock::now() + std::chrono::milliseconds(200)));
  wsServer_.closeAll(net::ws_close::kGoingAway, "server shutting down");
  while (wsServer_.connectionCount() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  // Stop the timers on their loops and wait for that.
  for (std::size_t i = 0; i < loops_.loops().size(); ++i) {
    net::EventLoop* loop = loops_.loops()[i].get();
    LoopSessions* state = perLoop_[i].get();
    std::promise<void> stopped;
    loop->runInLoop([this, loop, state, i, &stopped] {
      loop->cancelTimer(state->stallTimer);
      if (i == 0) loop->cancelTimer(heartbeatTimer_);
      stopped.set_value();
    });
    stopped.get_future().wait();
  }
  return streamsEnded && wsServer_.connectionCount() == 0;
}

}  // namespace streamgate::gateway
