// StreamStore on Redis: per stream a list of chunk contents and a small meta
// hash, written only by Lua scripts that validate the whole request (fencing
// token, dense index, identical re-sends, terminal state) and write it in
// one round trip with no lock. Contract: streamgate/stream_store.h.
//
// With publishEvents (the same instance is the message bus), the append
// script PUBLISHes each chunk's event and the finish script the terminal it
// records, in the same atomic step (Backend::storePublishesEvents).
#pragma once

#include <memory>

#include "redis_client.h"
#include "redis_keys.h"
#include "streamgate/stream_retention.h"
#include "streamgate/stream_store.h"

namespace streamgate::redis {

class RedisStreamStore final : public StreamStore {
 public:
  RedisStreamStore(std::shared_ptr<RedisClient> client, StreamRetention retention, bool publishEvents);

  void append(const AppendRequest& request, Callback<std::int64_t> done) override;
  void finish(const StreamId& stream, const Terminal& terminal, std::uint64_t fencingToken,
              Callback<Terminal> done) override;
  void openStreams(std::size_t max, Callback<std::vector<StreamId>> done) override;
  void read(const StreamId& stream, std::int64_t fromIndex, std::size_t maxChunks,
            Callback<StreamSlice> done) override;

 private:
  std::vector<std::string> streamKeys(const StreamId& stream) const;

  std::shared_ptr<RedisClient> client_;
  RedisKeys keys_;
  StreamRetention retention_;
  bool publishEvents_;
};

}  // namespace streamgate::redis
