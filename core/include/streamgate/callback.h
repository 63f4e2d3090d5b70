// Completion callbacks used by every capability interface.
//
// Capability methods never block the calling thread on network I/O. They
// complete by invoking the callback exactly once, either inline (before the
// method returns, e.g. an in-process backend) or later on a thread owned by the
// plugin. A callback must therefore be cheap and thread-agnostic: the host posts
// real work to the event loop that owns the affected connection.
#pragma once

#include <functional>

#include "streamgate/status.h"

namespace streamgate {

using StatusCallback = std::function<void(Status)>;

template <class T>
using Callback = std::function<void(Expected<T>)>;

}  // namespace streamgate
