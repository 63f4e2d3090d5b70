// The memory plugin under the contract suites: a manual clock, so every TTL
// test runs instantly.
#include <memory>

#include "backend_env.h"
#include "manual_clock.h"

namespace streamgate::contract {
namespace {

class MemoryEnv final : public BackendEnv {
 public:
  std::string pluginName() const override { return "memory"; }
  std::string sectionYaml(std::string_view extraKeys) const override {
    return extraKeys.empty() ? "{}" : std::string(extraKeys);
  }
  std::shared_ptr<const Clock> clock() const override { return clock_; }
  void advance(std::chrono::milliseconds duration) override { clock_->advance(duration); }

 private:
  std::shared_ptr<ManualClock> clock_ = std::make_shared<ManualClock>();
};

STREAMGATE_REGISTER_BACKEND_ENV(MemoryEnv, "memory",
                                kSessionStore | kMessageBus | kLockProvider | kStreamStore)

}  // namespace
}  // namespace streamgate::contract
