// The node's HTTP side: a Poco HTTPServer answering short requests from a
// route table. Requests are served on Poco's small thread pool; handlers must
// be quick and must not block on backends for long.
#pragma once

#include <Poco/Net/HTTPServer.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "config/settings.h"

namespace streamgate {

struct HttpReply {
  int status = 200;
  std::string contentType = "application/json";
  std::string body;
};

// Exact-path GET routes.
using HttpRoutes = std::map<std::string, std::function<HttpReply()>, std::less<>>;

class HttpServer {
 public:
  HttpServer(const ServerSettings& settings, HttpRoutes routes);
  ~HttpServer();

  // Binds and starts accepting. Throws Poco::Exception (e.g. address in use).
  void start();
  // Stops accepting and waits for in-flight requests.
  void stop();
  // The bound port (useful when the config said 0).
  std::uint16_t port() const;

 private:
  ServerSettings settings_;
  std::shared_ptr<const HttpRoutes> routes_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
};

}  // namespace streamgate
