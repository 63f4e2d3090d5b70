#include "net/ws_handshake.h"

#include <Poco/Base64Encoder.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/SHA1Engine.h>

#include <sstream>

namespace streamgate::net {
namespace {

constexpr std::string_view kGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
constexpr std::string_view kVersion = "13";
// A 16-byte nonce is 22 base64 characters and "==".
constexpr std::size_t kEncodedKeySize = 24;
// Header values quoted in errors are cut, so a client cannot flood the logs.
constexpr std::size_t kMaxQuoted = 64;

char lowerAscii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lowerAscii(a[i]) != lowerAscii(b[i])) return false;
  }
  return true;
}

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

// Whether a comma-separated header value lists token (case-insensitive).
bool hasToken(std::string_view list, std::string_view token) {
  while (true) {
    const auto comma = list.find(',');
    if (equalsIgnoreCase(trim(list.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) return false;
    list.remove_prefix(comma + 1);
  }
}

bool isBase64Char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

bool isBase64Of16Bytes(std::string_view key) {
  if (key.size() != kEncodedKeySize || key.substr(kEncodedKeySize - 2) != "==") return false;
  for (std::size_t i = 0; i < kEncodedKeySize - 2; ++i) {
    if (!isBase64Char(key[i])) return false;
  }
  return true;
}

std::string quoted(std::string_view value) {
  std::string text = "\"";
  text.append(value.substr(0, kMaxQuoted));
  if (value.size() > kMaxQuoted) text += "...";
  return text + "\"";
}

Status invalid(std::string message) { return {Code::kInvalidArgument, std::move(message)}; }

}  // namespace

std::string acceptKey(std::string_view secWebSocketKey) {
  Poco::SHA1Engine sha1;
  sha1.update(secWebSocketKey.data(), static_cast<unsigned>(secWebSocketKey.size()));
  sha1.update(kGuid.data(), static_cast<unsigned>(kGuid.size()));
  const Poco::DigestEngine::Digest& digest = sha1.digest();
  std::ostringstream out;
  {
    Poco::Base64Encoder encoder(out);
    encoder.rdbuf()->setLineLength(0);
    encoder.write(reinterpret_cast<const char*>(digest.data()), static_cast<std::streamsize>(digest.size()));
    encoder.close();
  }
  return out.str();
}

Status validateUpgrade(const Poco::Net::HTTPRequest& request) {
  if (request.getMethod() != Poco::Net::HTTPRequest::HTTP_GET) {
    return invalid("WebSocket upgrade must use GET, got " + quoted(request.getMethod()));
  }
  if (request.getVersion() != Poco::Net::HTTPMessage::HTTP_1_1) {
    return invalid("WebSocket upgrade must use HTTP/1.1, got " + quoted(request.getVersion()));
  }
  // Copies, not references: for a missing header, get() returns a reference to
  // its default argument, a temporary.
  const std::string upgrade = request.get("Upgrade", std::string());
  if (!hasToken(upgrade, "websocket")) {
    return invalid("Upgrade header must be \"websocket\", got " + quoted(upgrade));
  }
  const std::string connection = request.get("Connection", std::string());
  if (!hasToken(connection, "upgrade")) {
    return invalid("Connection header must contain the token \"upgrade\", got " + quoted(connection));
  }
  if (!request.has("Sec-WebSocket-Version")) {
    return {Code::kUnsupported, "Sec-WebSocket-Version header is missing; this server speaks version 13"};
  }
  const std::string& version = request.get("Sec-WebSocket-Version");
  if (trim(version) != kVersion) {
    return {Code::kUnsupported, "Sec-WebSocket-Version must be 13, got " + quoted(version)};
  }
  if (!request.has("Sec-WebSocket-Key")) return invalid("Sec-WebSocket-Key header is missing");
  const std::string& key = request.get("Sec-WebSocket-Key");
  if (!isBase64Of16Bytes(key)) {
    return invalid("Sec-WebSocket-Key must be 16 bytes in base64 (24 characters), got " + quoted(key));
  }
  return Status::ok();
}

std::string switchingProtocolsResponse(std::string_view acceptValue) {
  std::string response =
      "HTTP/1.1 101 Switching Protocols\r\n"
      "Upgrade: websocket\r\n"
      "Connection: Upgrade\r\n"
      "Sec-WebSocket-Accept: ";
  response.append(acceptValue);
  response += "\r\n\r\n";
  return response;
}

}  // namespace streamgate::net
