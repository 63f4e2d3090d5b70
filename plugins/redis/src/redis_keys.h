// Every key and channel name the plugin uses, in one place. Each starts with
// key_prefix and then a type tag, so no two kinds of record can collide
// whatever characters the ids contain:
//
//   <p>node:<node>             string, PX = heartbeat ttl (node is alive)
//   <p>nodes                   set of nodes that registered anything
//   <p>node-conns:<node>       set of the node's connection ids
//   <p>conn:<id>               hash {user, node}
//   <p>conn-subs:<id>          set of session ids the connection watches
//   <p>session-subs:<sid>      set of connection ids watching the session
//   <p>session-owner:<sid>     string user id, PX = claim ttl
//   <p>lock:<name>             string owner token, PX = lease ttl
//   <p>fence                   counter: fencing tokens for every lease
//   <p>chunks:<stream>         list of chunk contents, index = position
//   <p>meta:<stream>           hash {fence, kind, total, code, message}
//   <p>open-streams            sorted set of <stream>, score = last write (ms)
//   <p><channel>               pub/sub channel (e.g. sg:session.<sid>)
//
// where <stream> is "<length of sessionId>:<sessionId>:<messageId>".
#pragma once

#include <string>
#include <string_view>

#include "streamgate/stream_store.h"

namespace streamgate::redis {

class RedisKeys {
 public:
  explicit RedisKeys(std::string prefix) : prefix_(std::move(prefix)) {}

  std::string tag(std::string_view type) const { return prefix_ + std::string(type) + ":"; }
  std::string key(std::string_view type, std::string_view id) const { return tag(type) + std::string(id); }
  std::string key(std::string_view type) const { return prefix_ + std::string(type); }

  static std::string streamMember(const StreamId& stream) {
    return std::to_string(stream.sessionId.size()) + ":" + stream.sessionId + ":" + stream.messageId;
  }
  // Inverse of streamMember; false when member is not one.
  static bool parseStreamMember(std::string_view member, StreamId& stream);

 private:
  std::string prefix_;
};

}  // namespace streamgate::redis
