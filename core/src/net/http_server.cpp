#include "net/http_server.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/URI.h>

namespace streamgate {
namespace {

void send(Poco::Net::HTTPServerResponse& response, const HttpReply& reply) {
  response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(reply.status));
  response.setContentType(reply.contentType);
  response.setContentLength(static_cast<std::streamsize>(reply.body.size()));
  response.send() << reply.body;
}

class RouteHandler final : public Poco::Net::HTTPRequestHandler {
 public:
  explicit RouteHandler(std::shared_ptr<const HttpRoutes> routes) : routes_(std::move(routes)) {}

  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    const std::string path = Poco::URI(request.getURI()).getPath();
    const auto route = routes_->find(path);
    if (route == routes_->end()) {
      send(response,
           {404, "application/json", R"({"error":"not_found","message":"no route )" + path + "\"}"});
      return;
    }
    if (request.getMethod() != Poco::Net::HTTPRequest::HTTP_GET &&
        request.getMethod() != Poco::Net::HTTPRequest::HTTP_HEAD) {
      response.set("Allow", "GET, HEAD");
      send(response, {405, "application/json", R"({"error":"method_not_allowed","message":"use GET"})"});
      return;
    }
    send(response, route->second());
  }

 private:
  std::shared_ptr<const HttpRoutes> routes_;
};

class RouteFactory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit RouteFactory(std::shared_ptr<const HttpRoutes> routes) : routes_(std::move(routes)) {}

  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    return new RouteHandler(routes_);
  }

 private:
  std::shared_ptr<const HttpRoutes> routes_;
};

}  // namespace

HttpServer::HttpServer(const ServerSettings& settings, HttpRoutes routes)
    : settings_(settings), routes_(std::make_shared<const HttpRoutes>(std::move(routes))) {}

HttpServer::~HttpServer() { stop(); }

void HttpServer::start() {
  // SO_REUSEADDR for quick restarts, but not SO_REUSEPORT: a second node on
  // the same port must fail loudly instead of sharing it.
  Poco::Net::ServerSocket socket;
  socket.bind(Poco::Net::SocketAddress(settings_.host, settings_.port), true, false);
  socket.listen(1024);
  auto params = Poco::AutoPtr<Poco::Net::HTTPServerParams>(new Poco::Net::HTTPServerParams);
  params->setMaxThreads(8);
  params->setMaxQueued(1024);
  params->setKeepAlive(true);
  server_ = std::make_unique<Poco::Net::HTTPServer>(new RouteFactory(routes_), socket, params);
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
