#include "streamgate/backoff.h"

#include <algorithm>

namespace streamgate {

Backoff::Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds cap)
    : initial_(std::max(initial, std::chrono::milliseconds(1))),
      cap_(std::max(cap, initial_)),
      random_(std::random_device{}()) {}

std::chrono::milliseconds Backoff::next() {
  // 2^20 times any sane initial delay is past any sane cap; stop doubling there.
  const std::uint32_t doublings = std::min<std::uint32_t>(attempt_, 20);
  ++attempt_;
  const auto ceiling = std::min<std::int64_t>(cap_.count(), initial_.count() << doublings);
  const auto floor = std::min<std::int64_t>(initial_.count() / 2, ceiling);
  std::uniform_int_distribution<std::int64_t> pick(floor, ceiling);
  return std::chrono::milliseconds(pick(random_));
}

}  // namespace streamgate
