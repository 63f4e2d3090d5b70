#include "streamgate/stream_retention.h"

namespace streamgate {

StreamRetention StreamRetention::read(ConfigSection& section) {
  StreamRetention retention;
  retention.streamTtl = section.getPositiveDuration("stream_ttl", retention.streamTtl);
  retention.completedTtl = section.getPositiveDuration("completed_ttl", retention.completedTtl);
  return retention;
}

}  // namespace streamgate
