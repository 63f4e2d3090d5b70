#include "streamgate/stream_retention.h"

namespace streamgate {

StreamRetention StreamRetention::read(ConfigSection& section) {
  StreamRetention retention;
  retention.streamTtl = section.getDuration("stream_ttl", retention.streamTtl);
  retention.completedTtl = section.getDuration("completed_ttl", retention.completedTtl);
  if (retention.streamTtl.count() <= 0) section.fail("stream_ttl", "must be positive");
  if (retention.completedTtl.count() <= 0) section.fail("completed_ttl", "must be positive");
  return retention;
}

}  // namespace streamgate
