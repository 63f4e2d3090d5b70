#include "streamgate/clock.h"

namespace streamgate {
namespace {

class SteadyClock final : public Clock {
 public:
  time_point now() const noexcept override { return std::chrono::steady_clock::now(); }
};

}  // namespace

std::shared_ptr<const Clock> steadyClock() {
  static const auto clock = std::make_shared<const SteadyClock>();
  return clock;
}

}  // namespace streamgate
