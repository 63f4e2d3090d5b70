// Asks each backend a cheap question and waits briefly for the answer: the
// basis of GET /ready. A backend that answers, even "not found", is up; one
// that says unavailable, times out or does not answer in time is down.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "plugin/backend_set.h"

namespace streamgate::gateway {

struct ProbeResult {
  Capability capability;
  bool up = false;
  std::string detail;  // why it is down
};

// Blocks the calling thread (an HTTP worker, never an event loop) up to `timeout`.
std::vector<ProbeResult> probeBackends(const BackendSet& backends, std::chrono::milliseconds timeout);

}  // namespace streamgate::gateway
