#include "plugin/library_pin.h"

namespace streamgate {
namespace {

// Subscriptions are objects the plugin makes after creation; pin them as well.
class PinnedMessageBus final : public MessageBus {
 public:
  PinnedMessageBus(std::shared_ptr<MessageBus> inner, LibraryHandle library)
      : inner_(std::move(inner)), library_(std::move(library)) {}

  void publish(const std::string& channel, std::string payload, StatusCallback done) override {
    inner_->publish(channel, std::move(payload), std::move(done));
  }

  std::shared_ptr<Subscription> subscribe(const std::string& channel, MessageHandler handler,
                                          StatusCallback ready) override {
    return pinLibrary(inner_->subscribe(channel, std::move(handler), std::move(ready)), library_);
  }

 private:
  std::shared_ptr<MessageBus> inner_;
  LibraryHandle library_;
};

class PinnedBackend final : public Backend {
 public:
  PinnedBackend(std::shared_ptr<Backend> inner, LibraryHandle library)
      : inner_(std::move(inner)),
        library_(library),
        sessionStore_(pinLibrary(inner_->sessionStore(), library)),
        lockProvider_(pinLibrary(inner_->lockProvider(), library)),
        streamStore_(pinLibrary(inner_->streamStore(), library)) {
    if (auto bus = inner_->messageBus()) {
      messageBus_ = std::make_shared<PinnedMessageBus>(pinLibrary(std::move(bus), library), library);
    }
  }

  ~PinnedBackend() override {
    // Drop every plugin object before the library handle goes.
    sessionStore_.reset();
    messageBus_.reset();
    lockProvider_.reset();
    streamStore_.reset();
    inner_.reset();
  }

  std::shared_ptr<SessionStore> sessionStore() override { return sessionStore_; }
  std::shared_ptr<MessageBus> messageBus() override { return messageBus_; }
  std::shared_ptr<LockProvider> lockProvider() override { return lockProvider_; }
  std::shared_ptr<StreamStore> streamStore() override { return streamStore_; }
  bool storePublishesEvents() const override { return inner_->storePublishesEvents(); }

 private:
  std::shared_ptr<Backend> inner_;
  LibraryHandle library_;
  std::shared_ptr<SessionStore> sessionStore_;
  std::shared_ptr<MessageBus> messageBus_;
  std::shared_ptr<LockProvider> lockProvider_;
  std::shared_ptr<StreamStore> streamStore_;
};

}  // namespace

std::shared_ptr<Backend> pinBackend(std::shared_ptr<Backend> backend, LibraryHandle library) {
  if (!backend) return nullptr;
  return std::make_shared<PinnedBackend>(std::move(backend), std::move(library));
}

}  // namespace streamgate
