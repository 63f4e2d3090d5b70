// Server side of the WebSocket opening handshake (RFC 6455 section 4.2),
// independent of sockets: the HTTP server validates the upgrade request with
// these, writes the 101 response, and hands the socket to an event loop.
//
// Pure functions; safe from any thread.
#pragma once

#include <string>
#include <string_view>

#include "streamgate/status.h"

namespace Poco::Net {
class HTTPRequest;
}

namespace streamgate::net {

// base64(SHA-1(key + the RFC 6455 GUID)): the Sec-WebSocket-Accept value for
// a Sec-WebSocket-Key.
std::string acceptKey(std::string_view secWebSocketKey);

// Checks that request is a WebSocket upgrade this server accepts: GET,
// HTTP/1.1, "Upgrade: websocket", a Connection header listing "upgrade",
// Sec-WebSocket-Version 13 and a Sec-WebSocket-Key of 16 base64-encoded bytes.
// A failure names the offending header. The code is kUnsupported for a
// version other than 13 (answer 426 with "Sec-WebSocket-Version: 13"), and
// kInvalidArgument otherwise (answer 400).
Status validateUpgrade(const Poco::Net::HTTPRequest& request);

// The complete raw 101 response, up to and including the empty line; no
// subprotocol, no extensions.
std::string switchingProtocolsResponse(std::string_view acceptKey);

}  // namespace streamgate::net
