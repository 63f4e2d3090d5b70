#include "streamgate/backoff.h"

#include <algorithm>
#include <limits>

namespace streamgate {

Backoff::Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds cap)
    : initial_(std::max(initial, std::chrono::milliseconds(1))),
      cap_(std::max(cap, initial_)),
      random_(std::random_device{}()) {}

std::chrono::milliseconds Backoff::next() {
  // Double until the cap, never past it: at most ~63 rounds, and no
  // overflow however many attempts or however large the cap.
  std::int64_t ceiling = initial_.count();
  for (std::uint32_t i = 0; i < attempt_ && ceiling < cap_.count(); ++i) {
    ceiling = ceiling > cap_.count() / 2 ? cap_.count() : ceiling * 2;
  }
  if (attempt_ != std::numeric_limits<std::uint32_t>::max()) ++attempt_;
  const auto floor = std::min<std::int64_t>(initial_.count() / 2, ceiling);
  std::uniform_int_distribution<std::int64_t> pick(floor, ceiling);
  return std::chrono::milliseconds(pick(random_));
}

}  // namespace streamgate
