// Latency distribution of delivered chunks, in microseconds.
//
// Fixed buckets, so recording is one increment and two histograms merge by
// adding: 1 us wide up to 65.536 ms, then 1 ms wide up to 60 s; anything
// slower lands in the last bucket (the exact maximum is kept apart).
// Not thread-safe: one per worker thread, merged at the end.
#pragma once

#include <cstdint>
#include <vector>

namespace streamgate::bench {

class LatencyHistogram {
 public:
  LatencyHistogram();

  void record(std::int64_t micros);
  void merge(const LatencyHistogram& other);

  std::uint64_t count() const noexcept { return count_; }
  std::int64_t max() const noexcept { return max_; }
  double mean() const noexcept;
  // The smallest recorded value v such that at least `quantile` of all values
  // are <= v, at bucket resolution; 0 when empty.
  std::int64_t percentile(double quantile) const;

 private:
  std::vector<std::uint64_t> buckets_;
  std::uint64_t count_ = 0;
  std::int64_t max_ = 0;
  long double sum_ = 0;
};

}  // namespace streamgate::bench
