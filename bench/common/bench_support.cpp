#include "common/bench_support.h"

#include <algorithm>
#include <fstream>
#include <stdexcept>

namespace streamgate::bench {

std::string chunkContent(std::int64_t index, int bytes) {
  std::string content(1, 'c');
  content.append(std::to_string(index)).push_back(':');
  content.resize(static_cast<std::size_t>(std::max(bytes, 1)), 'x');
  return content;
}

void CountDown::countDown(std::int64_t by) {
  bool reached = false;
  {
    std::lock_guard lock(mutex_);
    left_ -= by;
    reached = left_ <= 0;
  }
  if (reached) zero_.notify_all();
}

bool CountDown::waitUntil(SteadyClock::time_point deadline) {
  std::unique_lock lock(mutex_);
  return zero_.wait_until(lock, deadline, [&] { return left_ <= 0; });
}

std::int64_t CountDown::left() const {
  std::lock_guard lock(mutex_);
  return left_;
}

namespace {

// `ready` of one subscription, seen from the waiting thread.
struct ReadyFlag {
  std::mutex mutex;
  std::condition_variable changed;
  bool done = false;
  Status status = Status::ok();

  void set(Status result) {
    {
      std::lock_guard lock(mutex);
      done = true;
      status = std::move(result);
    }
    changed.notify_all();
  }
  bool waitUntil(SteadyClock::time_point until) {
    std::unique_lock lock(mutex);
    return changed.wait_until(lock, until, [&] { return done; });
  }
};

}  // namespace

Subscribed subscribeAll(MessageBus& bus, std::vector<std::pair<std::string, MessageHandler>> channels,
                        SteadyClock::time_point deadline) {
  const auto subscribe = [&](const std::string& channel, MessageHandler handler) {
    auto flag = std::make_shared<ReadyFlag>();
    auto handle = bus.subscribe(channel, std::move(handler), [flag](Status status) { flag->set(status); });
    return std::pair(std::move(handle), std::move(flag));
  };
  Subscribed out;
  std::vector<std::shared_ptr<ReadyFlag>> flags;
  for (auto& [channel, handler] : channels) {
    auto [handle, flag] = subscribe(channel, std::move(handler));
    out.handles.push_back(std::move(handle));
    flags.push_back(std::move(flag));
  }
  const auto grace = std::min(deadline, SteadyClock::now() + kSubscribeGrace);
  for (std::size_t i = 0; i < channels.size(); ++i) {
    auto flag = flags[i];
    bool ready = flag->waitUntil(grace);
    if (!ready) {
      // Its `ready` was lost. A second listener on the channel, with a
      // handler that does nothing, learns whether the server subscription
      // is confirmed; the first keeps the real handler (dropping it and
      // subscribing again would race the same way).
      ++out.retried;
      auto [extra, extraFlag] = subscribe(channels[i].first, [](std::string_view, std::string_view) {});
      out.handles.push_back(std::move(extra));
      flag = std::move(extraFlag);
      ready = flag->waitUntil(deadline);
    }
    std::lock_guard lock(flag->mutex);
    if (!ready)
      throw std::runtime_error("subscribe " + channels[i].first + ": not ready before the deadline");
    if (!flag->status)
      throw std::runtime_error("subscribe " + channels[i].first + ": " + flag->status.toString());
  }
  return out;
}

JsonObject::JsonObject() {
  text_.setf(std::ios::fixed);
  text_.precision(3);
  text_ << '{';
}

void JsonObject::key(const std::string& name) {
  if (!first_) text_ << ',';
  first_ = false;
  text_ << '"' << name << "\":";
}

JsonObject& JsonObject::add(const std::string& name, double value) {
  key(name);
  text_ << value;
  return *this;
}

JsonObject& JsonObject::add(const std::string& name, std::int64_t value) {
  key(name);
  text_ << value;
  return *this;
}

JsonObject& JsonObject::add(const std::string& name, bool value) {
  key(name);
  text_ << (value ? "true" : "false");
  return *this;
}

JsonObject& JsonObject::add(const std::string& name, const std::string& value) {
  key(name);
  text_ << '"';
  for (const char c : value) {
    if (c == '"' || c == '\\') {
      text_ << '\\' << c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      text_ << ' ';
    } else {
      text_ << c;
    }
  }
  text_ << '"';
  return *this;
}

JsonObject& JsonObject::addRaw(const std::string& name, const std::string& json) {
  key(name);
  text_ << json;
  return *this;
}

double loadAverage() {
  std::ifstream file("/proc/loadavg");
  double oneMinute = 0;
  file >> oneMinute;
  return oneMinute;
}

std::string histogramJson(const LatencyHistogram& histogram) {
  return JsonObject()
      .add("count", static_cast<std::int64_t>(histogram.count()))
      .add("p50", histogram.percentile(0.50))
      .add("p90", histogram.percentile(0.90))
      .add("p99", histogram.percentile(0.99))
      .add("p999", histogram.percentile(0.999))
      .add("max", histogram.max())
      .add("mean", histogram.mean())
      .str();
}

}  // namespace streamgate::bench
