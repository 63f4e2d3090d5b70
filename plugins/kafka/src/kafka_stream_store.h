// StreamStore materialized from the topic. Every node folds every store
// record it reads (a chunk, a terminal) into its own StreamTable, by the
// StreamStore rules, so the log decides and every node ends up with the
// same streams; any node can serve a resume, and a node that starts replays
// the recent log to rebuild them.
//
// A write is checked against the table first (a refusal costs no record),
// then produced, and completes when this node has read its own record back
// and folded it: the answer is what the log decided, also when another
// producer's record got in first. The record is also the bus event
// (Backend::storePublishesEvents), so stored and published are one thing.
// Contract: streamgate/stream_store.h.
#pragma once

#include <memory>
#include <string>

#include "kafka_log.h"
#include "streamgate/clock.h"
#include "streamgate/stream_store.h"

namespace streamgate::kafka {

class KafkaStreamStore final : public StreamStore {
 public:
  KafkaStreamStore(std::shared_ptr<KafkaLog> log, std::shared_ptr<const Clock> clock, std::string nodeId);

  void append(const AppendRequest& request, Callback<std::int64_t> done) override;
  void finish(const StreamId& stream, const Terminal& terminal, std::uint64_t fencingToken,
              Callback<Terminal> done) override;
  void openStreams(std::size_t max, Callback<std::vector<StreamId>> done) override;
  void read(const StreamId& stream, std::int64_t fromIndex, std::size_t maxChunks,
            Callback<StreamSlice> done) override;

  // The log reader's part (consumer thread): folds a store record, and
  // completes the write waiting for it.
  void fold(const IncomingRecord& record, bool live);
  // Fails writes whose record did not come back in time.
  void expireWrites();
  // Fails every write still waiting: the log has stopped and nothing will
  // come back.
  void failWrites(const Status& status);

  struct Core;

 private:
  std::shared_ptr<KafkaLog> log_;
  std::shared_ptr<Core> core_;
};

}  // namespace streamgate::kafka
