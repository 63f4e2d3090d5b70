#include "gateway/backend_probe.h"

#include <future>
#include <memory>

namespace streamgate::gateway {
namespace {

constexpr const char* kProbeId = "streamgate-ready-probe";

bool answered(const Status& status) {
  return status.code() != Code::kUnavailable && status.code() != Code::kTimeout &&
         status.code() != Code::kInternal;
}

// One probe: a promise the backend's callback fulfils, whenever it comes.
struct Probe {
  std::shared_ptr<std::promise<Status>> promise = std::make_shared<std::promise<Status>>();
  std::future<Status> future = promise->get_future();

  StatusCallback callback() const {
    return [promise = promise](Status status) { promise->set_value(std::move(status)); };
  }
  template <class T>
  Callback<T> valueCallback() const {
    return [promise = promise](Expected<T> result) { promise->set_value(result.status()); };
  }
};

}  // namespace

std::vector<ProbeResult> probeBackends(const BackendSet& backends, std::chrono::milliseconds timeout) {
  Probe session, bus, lock, store;
  backends.sessionStore->sessionOwner(kProbeId, session.valueCallback<std::string>());
  backends.messageBus->publish(kProbeId, "", bus.callback());
  backends.lockProvider->release(Lease{kProbeId, kProbeId, 0, {}}, lock.callback());
  backends.streamStore->read(StreamId{kProbeId, kProbeId}, 0, 0, store.valueCallback<StreamSlice>());

  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::vector<ProbeResult> results;
  for (auto [capability, probe] : {std::pair{kSessionStore, &session}, std::pair{kMessageBus, &bus},
                                   std::pair{kLockProvider, &lock}, std::pair{kStreamStore, &store}}) {
    ProbeResult result{capability, false, {}};
    if (probe->future.wait_until(deadline) != std::future_status::ready) {
      result.detail = "no answer within " + std::to_string(timeout.count()) + "ms";
    } else {
      const Status status = probe->future.get();
      result.up = answered(status);
      if (!result.up) result.detail = status.toString();
    }
    results.push_back(std::move(result));
  }
  return results;
}

}  // namespace streamgate::gateway
