// One plugin library loaded the host's way (PluginLibrary) and instances of
// it created as nodes would: a node id, the capabilities chosen for it and
// the plugin's config section. What streamgate-redis-bench and
// streamgate-kafka-bench share. create() blocks as long as the plugin's own
// create() does; the library stays loaded while the object or anything it
// created lives (PluginLibrary's deleters hold it).
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "plugin/plugin_library.h"
#include "streamgate/logger.h"

namespace streamgate::bench {

// Writes messages at `threshold` and above to stderr, prefixed, and keeps
// them so a benchmark can read what the plugin said (e.g. a replay summary).
// Thread-safe.
class BenchLogger final : public Logger {
 public:
  BenchLogger(std::string prefix, LogLevel threshold) : prefix_(std::move(prefix)), threshold_(threshold) {}
  void log(LogLevel level, std::string_view message) override;
  bool enabled(LogLevel level) const noexcept override { return level >= threshold_; }
  // The kept messages that contain `needle`, oldest first.
  std::vector<std::string> messagesWith(std::string_view needle) const;

 private:
  const std::string prefix_;
  const LogLevel threshold_;
  mutable std::mutex mutex_;
  std::vector<std::string> messages_;
};

class PluginInstances {
 public:
  // Opens <pluginDir>/<the file of `name`>; `yaml` is the plugins.<name>
  // section. Throws std::runtime_error with the loader's message.
  PluginInstances(const std::filesystem::path& pluginDir, const std::string& name, std::string yaml,
                  std::shared_ptr<BenchLogger> logger);

  // Throws std::runtime_error with the plugin's message.
  std::shared_ptr<Backend> create(std::string nodeId, std::uint32_t capabilities) const;
  BenchLogger& logger() const { return *logger_; }

 private:
  std::shared_ptr<const PluginLibrary> library_;
  PluginConfig config_;
  std::shared_ptr<BenchLogger> logger_;
};

// `text` as a single-quoted YAML scalar (only a quote needs escaping).
std::string yamlQuoted(const std::string& text);

}  // namespace streamgate::bench
