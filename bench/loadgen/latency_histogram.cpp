#include "latency_histogram.h"

#include <algorithm>
#include <cmath>

namespace streamgate::bench {
namespace {

constexpr std::int64_t kFineLimit = 65'536;   // us, 1 us buckets below
constexpr std::int64_t kCoarseWidth = 1'000;  // us
constexpr std::int64_t kCoarseLimit = 60'000'000;
constexpr std::size_t kBuckets = kFineLimit + (kCoarseLimit - kFineLimit) / kCoarseWidth + 1;

std::size_t bucketOf(std::int64_t micros) {
  if (micros < kFineLimit) return static_cast<std::size_t>(micros);
  const std::int64_t coarse = (std::min(micros, kCoarseLimit) - kFineLimit) / kCoarseWidth;
  return static_cast<std::size_t>(kFineLimit + coarse);
}

// Upper edge of a bucket: a percentile never reads lower than the truth.
std::int64_t valueOf(std::size_t bucket) {
  const auto index = static_cast<std::int64_t>(bucket);
  if (index < kFineLimit) return index;
  return kFineLimit + (index - kFineLimit + 1) * kCoarseWidth - 1;
}

}  // namespace

LatencyHistogram::LatencyHistogram() : buckets_(kBuckets, 0) {}

void LatencyHistogram::record(std::int64_t micros) {
  micros = std::max<std::int64_t>(micros, 0);
  ++buckets_[bucketOf(micros)];
  ++count_;
  max_ = std::max(max_, micros);
  sum_ += micros;
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  for (std::size_t i = 0; i < buckets_.size(); ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  max_ = std::max(max_, other.max_);
  sum_ += other.sum_;
}

double LatencyHistogram::mean() const noexcept {
  return count_ == 0 ? 0.0 : static_cast<double>(sum_ / static_cast<long double>(count_));
}

std::int64_t LatencyHistogram::percentile(double quantile) const {
  if (count_ == 0) return 0;
  const auto wanted = static_cast<std::uint64_t>(std::ceil(quantile * static_cast<double>(count_)));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    seen += buckets_[i];
    if (seen >= std::max<std::uint64_t>(wanted, 1)) return std::min(valueOf(i), max_);
  }
  return max_;
}

}  // namespace streamgate::bench
