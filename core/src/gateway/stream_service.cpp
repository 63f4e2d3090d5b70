#include "gateway/stream_service.h"

#include <Poco/DigestEngine.h>
#include <Poco/SHA1Engine.h>

#include "gateway/demo_source.h"
#include "gateway/metrics.h"
#include "gateway/stream_producer.h"
#include "gateway/stream_writer.h"

namespace streamgate::gateway {
namespace {

constexpr std::size_t kJanitorBatch = 256;
constexpr const char* kJanitorLease = "janitor";

}  // namespace

StreamService::StreamService(GatewayContext& context) : context_(context) {}

StreamService::~StreamService() = default;

std::string StreamService::messageIdFor(std::string_view sessionId, std::string_view requestId) {
  // Same request, same message, on every node: chat is idempotent on requestId.
  Poco::SHA1Engine sha1;
  sha1.update(sessionId.data(), static_cast<unsigned>(sessionId.size()));
  sha1.update('\n');
  sha1.update(requestId.data(), static_cast<unsigned>(requestId.size()));
  return "m-" + Poco::DigestEngine::digestToHex(sha1.digest()).substr(0, 24);
}

std::string StreamService::leaseName(const StreamId& stream) {
  return "stream:" + stream.sessionId + "/" + stream.messageId;
}

void StreamService::startChat(net::EventLoop& loop, const ChatMessage& chat, const StreamId& stream,
                              Callback<StreamStart> done) {
  const auto& demo = context_.settings.demo;
  if (chat.demo.chunks && *chat.demo.chunks > demo.maxChunks) {
    done(Status(Code::kInvalidArgument, "demo.chunks " + std::to_string(*chat.demo.chunks) +
                                            " is above upstream.demo.max_chunks " +
                                            std::to_string(demo.maxChunks)));
    return;
  }
  if (chat.demo.intervalMs && *chat.demo.intervalMs > demo.maxInterval.count()) {
    done(Status(Code::kInvalidArgument, "demo.intervalMs " + std::to_string(*chat.demo.intervalMs) +
                                            " is above upstream.demo.max_interval " +
                                            std::to_string(demo.maxInterval.count()) + "ms"));
    return;
  }
  {
    std::lock_guard lock(mutex_);
    if (draining_) {
      done(
          Status(Code::kUnavailable, "node " + context_.nodeId + " is shutting down; retry on another node"));
      return;
    }
  }
  context_.lockProvider->acquire(
      leaseName(stream), context_.settings.streams.leaseTtl,
      [this, &loop, chat, stream, done = std::move(done)](Expected<Lease> lease) mutable {
        if (!lease && lease.error().code() != Code::kConflict) {
          done(lease.error());
          return;
        }
        // Whatever happens next depends on what an earlier attempt stored.
        context_.streamStore->read(
            stream, 0, 0,
            [this, &loop, chat, stream, lease, done = std::move(done)](Expected<StreamSlice> slice) mutable {
              if (!slice && slice.error().code() != Code::kNotFound) {
                if (lease) context_.lockProvider->release(*lease, [](Status) {});
                done(slice.error());
                return;
              }
              const bool stored = slice.hasValue();
              if (!lease || (stored && slice->terminal)) {
                // Produced right now by someone else, or already over.
                if (lease) context_.lockProvider->release(*lease, [](Status) {});
                done(StreamStart{stored});
                return;
              }
              // Ours: new, or orphaned by a producer that died (take it over
              // where it stopped; the new lease's fencing token shuts out the
              // old producer should it wake up).
              const std::int64_t first = stored ? slice->nextIndex : 0;
              loop.queueInLoop(
                  [this, &loop, chat, stream, lease = *lease, first, done = std::move(done)]() mutable {
                    produce(loop, stream, std::move(lease), chat, first);
                    done(StreamStart{first > 0});
                  });
            });
      });
}

void StreamService::produce(net::EventLoop& loop, const StreamId& stream, Lease lease,
                            const ChatMessage& chat, std::int64_t firstIndex) {
  const auto& demo = context_.settings.demo;
  auto source = std::make_unique<DemoSource>(
      chat.content, chat.demo.chunks.value_or(demo.chunks),
      chat.demo.intervalMs ? std::chrono::milliseconds(*chat.demo.intervalMs) : demo.interval,
      demo.chunkBytes, chat.demo.stamp);
  auto producer =
      std::make_shared<StreamProducer>(context_, loop, stream, std::move(lease), std::move(source),
                                       firstIndex, chat.requestId, [this](StreamProducer& done) {
                                         std::function<void()> drained;
                                         {
                                           std::lock_guard lock(mutex_);
                                           producers_.erase(&done);
                                           if (draining_ && producers_.empty()) drained.swap(drained_);
                                         }
                                         if (drained) drained();
                                       });
  {
    std::lock_guard lock(mutex_);
    producers_.emplace(producer.get(), Running{&loop, producer});
  }
  producer->start();
}

std::size_t StreamService::activeStreams() const {
  std::lock_guard lock(mutex_);
  return producers_.size();
}

void StreamService::drain(std::function<void()> done) {
  std::vector<Running> running;
  {
    std::lock_guard lock(mutex_);
    draining_ = true;
    for (const auto& [ptr, entry] : producers_) running.push_back(entry);
    if (running.empty()) {
      done();
    } else {
      drained_ = std::move(done);
    }
  }
  if (janitorLoop_ != nullptr) {
    janitorLoop_->runInLoop([this] {
      janitorLoop_->cancelTimer(janitorTimer_);
      if (leadership_) context_.lockProvider->release(*leadership_, [](Status) {});
      leadership_.reset();
    });
  }
  for (auto& entry : running) {
    entry.loop->queueInLoop([producer = entry.producer] { producer->interrupt(); });
  }
}

void StreamService::startJanitor(net::EventLoop& loop) {
  janitorLoop_ = &loop;
  loop.runInLoop([this, &loop] {
    janitorTimer_ = loop.runEvery(context_.settings.streams.janitorInterval, [this] { runJanitor(); });
  });
}

void StreamService::runJanitor() {
  if (janitorBusy_) return;
  janitorBusy_ = true;
  const auto ttl = context_.settings.streams.janitorInterval * 3;
  auto onLeadership = [this](Expected<Lease> lease) {
    janitorLoop_->queueInLoop([this, lease = std::move(lease)]() mutable {
      if (!lease) {
        leadership_.reset();
        janitorBusy_ = false;
        return;
      }
      leadership_ = std::move(*lease);
      context_.streamStore->openStreams(kJanitorBatch, [this](Expected<std::vector<StreamId>> open) {
        janitorLoop_->queueInLoop([this, open = std::move(open)] {
          janitorBusy_ = false;
          if (!open) return;
          for (const auto& stream : *open) endOrphan(stream);
        });
      });
    });
  };
  if (leadership_) {
    context_.lockProvider->renew(*leadership_, ttl, std::move(onLeadership));
  } else {
    context_.lockProvider->acquire(kJanitorLease, ttl, std::move(onLeadership));
  }
}

void StreamService::endOrphan(const StreamId& stream) {
  // A live producer holds the stream's lease: acquiring it proves there is none.
  context_.lockProvider->acquire(
      leaseName(stream), context_.settings.streams.leaseTtl, [this, stream](Expected<Lease> lease) {
        if (!lease) return;
        context_.writer.finish(
            stream, Terminal{TerminalKind::kInterrupted, 0, {}, {}}, lease->fencingToken,
            [this, stream, lease = *lease](Expected<Terminal> finished) {
              if (finished && finished->kind == TerminalKind::kInterrupted) {
                context_.metrics.streamsInterrupted.fetch_add(1, std::memory_order_relaxed);
                context_.log.information("stream %s/%s: producer gone, ended as interrupted",
                                         stream.sessionId, stream.messageId);
              }
              context_.lockProvider->release(lease, [](Status) {});
            });
      });
}

}  // namespace streamgate::gateway
