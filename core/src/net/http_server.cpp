#include "net/http_server.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/URI.h>

#include "streamgate/stream_event.h"

namespace streamgate {
namespace {

std::vector<std::string> splitPath(const std::string& path) {
  std::vector<std::string> segments;
  std::size_t start = 1;
  while (start <= path.size()) {
    const std::size_t end = path.find('/', start);
    segments.push_back(path.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return segments;
}

class RouteHandler final : public Poco::Net::HTTPRequestHandler {
 public:
  explicit RouteHandler(std::shared_ptr<const HttpRouter> router) : router_(std::move(router)) {}

  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    router_->dispatch(request, response);
  }

 private:
  std::shared_ptr<const HttpRouter> router_;
};

class RouteFactory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit RouteFactory(std::shared_ptr<const HttpRouter> router) : router_(std::move(router)) {}

  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    return new RouteHandler(router_);
  }

 private:
  std::shared_ptr<const HttpRouter> router_;
};

}  // namespace

HttpReply errorReply(int status, std::string_view code, std::string_view message, std::string_view extraFields) {
  std::string body = R"({"error":)";
  appendJsonString(body, code);
  body += R"(,"message":)";
  appendJsonString(body, message);
  body += extraFields;
  body += '}';
  return HttpReply{status, "application/json", std::move(body)};
}

void sendReply(Poco::Net::HTTPServerResponse& response, const HttpReply& reply) {
  response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(reply.status));
  response.setContentType(reply.contentType);
  response.setContentLength(static_cast<std::streamsize>(reply.body.size()));
  response.send() << reply.body;
}

void HttpRouter::add(std::string method, std::string pattern, HttpHandler handler) {
  routes_.push_back(Route{std::move(method), splitPath(pattern), std::move(handler)});
}

void HttpRouter::get(std::string pattern, std::function<HttpReply()> reply) {
  auto handler = [reply = std::move(reply)](Poco::Net::HTTPServerRequest&,
                                            Poco::Net::HTTPServerResponse& response,
                                            const PathParams&) { sendReply(response, reply()); };
  add(Poco::Net::HTTPRequest::HTTP_GET, pattern, handler);
  add(Poco::Net::HTTPRequest::HTTP_HEAD, std::move(pattern), std::move(handler));
}

void HttpRouter::dispatch(Poco::Net::HTTPServerRequest& request,
                          Poco::Net::HTTPServerResponse& response) const {
  const std::string path = Poco::URI(request.getURI()).getPath();
  const auto segments = splitPath(path.empty() ? "/" : path);
  std::string allowed;
  for (const auto& route : routes_) {
    if (route.segments.size() != segments.size()) continue;
    PathParams params;
    bool match = true;
    for (std::size_t i = 0; i < segments.size() && match; ++i) {
      const std::string& pattern = route.segments[i];
      if (pattern.size() > 2 && pattern.front() == '{' && pattern.back() == '}') {
        if (segments[i].empty()) match = false;
        params.emplace(pattern.substr(1, pattern.size() - 2), segments[i]);
      } else {
        match = pattern == segments[i];
      }
    }
    if (!match) continue;
    if (route.method != request.getMethod()) {
      allowed += (allowed.empty() ? "" : ", ") + route.method;
      continue;
    }
    route.handler(request, response, params);
    return;
  }
  if (!allowed.empty()) {
    response.set("Allow", allowed);
    sendReply(response, errorReply(405, "method_not_allowed", "allowed: " + allowed));
    return;
  }
  sendReply(response, errorReply(404, "not_found", "no route " + path));
}

HttpServer::HttpServer(const ServerSettings& settings, std::shared_ptr<const HttpRouter> router)
    : settings_(settings), router_(std::move(router)) {}

HttpServer::~HttpServer() { stop(); }

void HttpServer::start() {
  // SO_REUSEADDR for quick restarts, but not SO_REUSEPORT: a second node on
  // the same port must fail loudly instead of sharing it.
  Poco::Net::ServerSocket socket;
  socket.bind(Poco::Net::SocketAddress(settings_.host, settings_.port), true, false);
  socket.listen(1024);
  auto params = Poco::AutoPtr<Poco::Net::HTTPServerParams>(new Poco::Net::HTTPServerParams);
  params->setMaxThreads(settings_.httpThreads);
  params->setMaxQueued(1024);
  params->setKeepAlive(true);
  // Bounds the wait for a request, the upgrade request included.
  params->setTimeout(Poco::Timespan(settings_.limits.handshakeTimeout.count() * 1000));
  server_ = std::make_unique<Poco::Net::HTTPServer>(new RouteFactory(router_), socket, params);
  server_->start();
}

void HttpServer::stop() {
  if (server_) {
    server_->stopAll(true);
    server_.reset();
  }
}

std::uint16_t HttpServer::port() const { return server_ ? server_->port() : 0; }

}  // namespace streamgate
