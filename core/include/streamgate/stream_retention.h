// How long a StreamStore keeps streams: the `stream_ttl` and `completed_ttl`
// keys every stream store plugin accepts in its section.
#pragma once

#include <chrono>

#include "streamgate/config_section.h"

namespace streamgate {

struct StreamRetention {
  // A stream with no write for this long is dropped (an abandoned producer).
  std::chrono::milliseconds streamTtl = std::chrono::hours(1);
  // A finished stream stays resumable this long after its terminal event.
  std::chrono::milliseconds completedTtl = std::chrono::minutes(10);

  // Reads both keys from section (defaults above); errors land in section.status().
  static StreamRetention read(ConfigSection& section);
};

}  // namespace streamgate
