// The node's HTTP side: a Poco HTTPServer that does the WebSocket handshake
// and serves short requests from a route table. Requests run on Poco's small
// worker pool, never on an event loop; a handler may wait briefly for a
// backend answer.
#pragma once

#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "config/settings.h"

namespace streamgate {

struct HttpReply {
  int status = 200;
  std::string contentType = "application/json";
  std::string body;
};

// Values of the {name} segments of a matched pattern.
using PathParams = std::map<std::string, std::string, std::less<>>;

// Handlers write the response themselves (an upgrade detaches the socket).
using HttpHandler =
    std::function<void(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse&, const PathParams&)>;

class HttpRouter {
 public:
  // pattern: "/v1/sessions/{sessionId}/messages"; segments match exactly or bind a {name}.
  void add(std::string method, std::string pattern, HttpHandler handler);
  // A GET (and HEAD) route answering with a reply.
  void get(std::string pattern, std::function<HttpReply()> reply);

  // 404 for an unknown path, 405 (with Allow) for a known path and another method.
  void dispatch(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) const;

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;
    HttpHandler handler;
  };
  std::vector<Route> routes_;
};

void sendReply(Poco::Net::HTTPServerResponse& response, const HttpReply& reply);

// {"error":code,"message":message<extraFields>}: the body of every HTTP error.
// extraFields, when given, starts with a comma (`,"expectedIndex":3`).
HttpReply errorReply(int status, std::string_view code, std::string_view message,
                     std::string_view extraFields = {});

class HttpServer {
 public:
  HttpServer(const ServerSettings& settings, std::shared_ptr<const HttpRouter> router);
  ~HttpServer();

  // Binds and starts accepting. Throws Poco::Exception (e.g. address in use).
  void start();
  // Stops accepting and waits for in-flight requests.
  void stop();
  // The bound port (useful when the config said 0).
  std::uint16_t port() const;

 private:
  ServerSettings settings_;
  std::shared_ptr<const HttpRouter> router_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
};

}  // namespace streamgate
