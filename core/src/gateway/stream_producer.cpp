#include "gateway/stream_producer.h"

#include <algorithm>

#include "gateway/metrics.h"
#include "gateway/stream_writer.h"

namespace streamgate::gateway {
namespace {

constexpr int kMaxRetries = 8;
// An unpaced source has its next chunks ready at once: they go to the store
// in one append and reach each client in one write (DESIGN.md section 6).
constexpr std::int64_t kMaxUnpacedBatch = 64;

// Backoff for a backend that is briefly away: 50ms, 100ms, ... capped at 2s.
std::chrono::milliseconds retryDelay(int attempt) {
  return std::min(std::chrono::milliseconds(50) * (1 << std::min(attempt, 6)),
                  std::chrono::milliseconds(2000));
}

bool isTransient(const Status& status) {
  return status.code() == Code::kUnavailable || status.code() == Code::kTimeout;
}

}  // namespace

StreamProducer::StreamProducer(GatewayContext& context, net::EventLoop& loop, StreamId stream, Lease lease,
                               std::unique_ptr<ChunkSource> source, std::int64_t firstIndex,
                               std::string requestId, std::function<void(StreamProducer&)> onDone)
    : context_(context),
      loop_(loop),
      stream_(std::move(stream)),
      lease_(std::move(lease)),
      source_(std::move(source)),
      nextIndex_(firstIndex),
      requestId_(std::move(requestId)),
      onDone_(std::move(onDone)) {}

void StreamProducer::start() {
  loop_.assertInLoopThread();
  context_.metrics.streamsStarted.fetch_add(1, std::memory_order_relaxed);
  const auto renewEvery = std::max(context_.settings.streams.leaseTtl / 3, std::chrono::milliseconds(10));
  renewTimer_ = loop_.runEvery(renewEvery, [weak = weak_from_this()] {
    if (auto self = weak.lock()) self->renewLease();
  });
  // Join the session first: a cancel request must find us.
  joined_ = true;
  context_.hub.join(stream_.sessionId, loop_, this, [weak = weak_from_this()](Status) {
    auto self = weak.lock();
    if (!self || self->stopped_) return;
    if (self->nextIndex_ == 0) self->context_.writer.publishStarted(self->stream_, self->requestId_);
    self->produceNext();
  });
}

void StreamProducer::onSessionEvent(const std::string&, const EventView& event, const net::Frame&) {
  if (event.kind == EventKind::kCancelRequest && event.messageId == stream_.messageId)
    cancelRequested_ = true;
}

void StreamProducer::produceNext() {
  nextTimer_ = 0;
  if (stopped_ || ending_) return;
  if (cancelRequested_) {
    end(Terminal{TerminalKind::kCancelled, nextIndex_, {}, {}});
    return;
  }
  if (nextIndex_ >= source_->chunkCount()) {
    end(Terminal{TerminalKind::kComplete, nextIndex_, {}, {}});
    return;
  }
  const std::int64_t batch =
      source_->interval().count() == 0 ? std::min(kMaxUnpacedBatch, source_->chunkCount() - nextIndex_) : 1;
  AppendRequest request{stream_, nextIndex_, {}, lease_.fencingToken};
  request.contents.reserve(static_cast<std::size_t>(batch));
  for (std::int64_t i = 0; i < batch; ++i) request.contents.push_back(source_->chunk(nextIndex_ + i));
  context_.writer.append(std::move(request),
                         [weak = weak_from_this(), loop = &loop_](Expected<std::int64_t> next) {
                           loop->queueInLoop([weak, next = std::move(next)]() mutable {
                             if (auto self = weak.lock()) self->onAppended(std::move(next));
                           });
                         });
}

void StreamProducer::onAppended(Expected<std::int64_t> result) {
  if (stopped_) return;
  if (!result) {
    const Status& error = result.error();
    if (isTransient(error) && retries_ < kMaxRetries) {
      // The same index again is safe: the store takes identical re-sends.
      nextTimer_ = loop_.runAfter(retryDelay(retries_++), [weak = weak_from_this()] {
        if (auto self = weak.lock()) self->produceNext();
      });
      return;
    }
    context_.log.warning("stream %s/%s: append of chunk %s failed: %s", stream_.sessionId, stream_.messageId,
                         std::to_string(nextIndex_), error.toString());
    if (error.code() == Code::kFenced || error.code() == Code::kFinished) {
      stop();  // someone else owns or ended the stream
    } else {
      end(Terminal{TerminalKind::kFailed, nextIndex_, "backend_unavailable", error.message()});
    }
    return;
  }
  retries_ = 0;
  nextIndex_ = *result;
  const auto interval = source_->interval();
  if (interval.count() == 0) {
    loop_.queueInLoop([weak = weak_from_this()] {
      if (auto self = weak.lock()) self->produceNext();
    });
  } else {
    nextTimer_ = loop_.runAfter(interval, [weak = weak_from_this()] {
      if (auto self = weak.lock()) self->produceNext();
    });
  }
}

void StreamProducer::renewLease() {
  if (stopped_) return;
  context_.lockProvider->renew(
      lease_, context_.settings.streams.leaseTtl,
      [weak = weak_from_this(), loop = &loop_](Expected<Lease> renewed) {
        loop->queueInLoop([weak, renewed = std::move(renewed)]() mutable {
          auto self = weak.lock();
          if (!self || self->stopped_) return;
          if (renewed) {
            self->lease_ = std::move(*renewed);
          } else if (renewed.error().code() == Code::kNotOwner) {
            self->context_.log.warning("stream %s/%s: lease lost, stopping", self->stream_.sessionId,
                                       self->stream_.messageId);
            self->stop();
          } else if (self->loop_.now() >= self->lease_.expiresAt) {
            self->context_.log.warning("stream %s/%s: lease expired while the lock backend was away (%s)",
                                       self->stream_.sessionId, self->stream_.messageId,
                                       renewed.error().toString());
            self->stop();
          }
        });
      });
}

void StreamProducer::interrupt() {
  if (stopped_ || ending_) return;
  end(Terminal{TerminalKind::kInterrupted, nextIndex_, {}, {}});
}

void StreamProducer::end(Terminal terminal) {
  ending_ = true;
  if (nextTimer_ != 0) loop_.cancelTimer(nextTimer_);
  nextTimer_ = 0;
  context_.writer.finish(stream_, terminal, lease_.fencingToken,
                         [weak = weak_from_this(), loop = &loop_](Expected<Terminal> finished) {
                           loop->queueInLoop([weak, finished = std::move(finished)] {
                             auto self = weak.lock();
                             if (!self) return;
                             if (!finished) {
                               self->context_.log.warning("stream %s/%s: finish failed: %s",
                                                          self->stream_.sessionId, self->stream_.messageId,
                                                          finished.error().toString());
                             } else {
                               self->context_.metrics.streamsFinished.fetch_add(1, std::memory_order_relaxed);
                               self->context_.lockProvider->release(self->lease_, [](Status) {});
                             }
                             // Without a recorded terminal the lease simply runs out and the
                             // janitor ends the stream as interrupted.
                             self->stop();
                           });
                         });
}

void StreamProducer::stop() {
  if (stopped_) return;
  stopped_ = true;
  if (renewTimer_ != 0) loop_.cancelTimer(renewTimer_);
  if (nextTimer_ != 0) loop_.cancelTimer(nextTimer_);
  if (joined_) context_.hub.leave(stream_.sessionId, loop_, this);
  joined_ = false;
  if (onDone_) onDone_(*this);
}

}  // namespace streamgate::gateway
