// Strict reader for one YAML mapping of the config, shared by the host and
// every plugin so that all sections behave alike:
//   - every getter marks its key as known; status() reports the first wrong
//     type or value, then any key nobody asked for, by its full key path
//     ("plugins.redis.url: ...");
//   - scalars get ${VAR} and ${VAR:-default} substituted from the environment
//     (an unset VAR without default becomes empty; "$$" is a literal "$");
//   - durations are "250ms", "10s", "5m", "1h" or "2d"; sizes are bytes or
//     "64KiB", "16MiB", "1GiB".
// A getter that fails records the error and returns its default, so a
// section is read top to bottom and checked once at the end.
//
// Not thread-safe: a section and its children belong to one thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "streamgate/status.h"

namespace streamgate {

class ConfigSection {
 public:
  // path is where the section sits in the host config ("" for the root,
  // "plugins.redis" for a plugin section). Empty text is an empty mapping.
  static Expected<ConfigSection> parse(std::string_view yamlText, std::string path);

  ConfigSection(ConfigSection&&) noexcept;
  ConfigSection& operator=(ConfigSection&&) noexcept;
  ~ConfigSection();

  const std::string& path() const noexcept;
  std::string keyPath(std::string_view key) const;  // path + "." + key
  bool has(std::string_view key) const;
  std::vector<std::string> keys() const;

  std::string getString(std::string_view key, std::string fallback);
  std::optional<std::string> optionalString(std::string_view key);
  std::int64_t getInt(std::string_view key, std::int64_t fallback, std::int64_t min, std::int64_t max);
  bool getBool(std::string_view key, bool fallback);
  std::chrono::milliseconds getDuration(std::string_view key, std::chrono::milliseconds fallback);
  // As getDuration, and "must be positive" for zero.
  std::chrono::milliseconds getPositiveDuration(std::string_view key, std::chrono::milliseconds fallback);
  std::uint64_t getBytes(std::string_view key, std::uint64_t fallback);
  std::vector<std::string> getStringList(std::string_view key);

  // A nested mapping (empty when absent); its errors count in status().
  ConfigSection child(std::string_view key);
  // A nested mapping as YAML text, for handing to a plugin ("{}" when absent).
  // Its keys are the consumer's business and are not checked here.
  std::string childYaml(std::string_view key);

  // Records an error found by the caller's own validation of key's value.
  void fail(std::string_view key, std::string_view message);

  // The first recorded error, else the first unknown key of this section or
  // any child taken from it, else ok. Errors are kInvalidArgument.
  Status status() const;

 private:
  struct State;
  struct Node;
  ConfigSection(std::shared_ptr<State> state, std::unique_ptr<Node> node, std::string path);

  std::shared_ptr<State> state_;
  std::unique_ptr<Node> node_;
  std::string path_;
};

// "250ms", "10s", "5m", "1h", "2d" -> milliseconds.
Expected<std::chrono::milliseconds> parseDuration(std::string_view text);
// "4096", "64KiB", "16MiB", "1GiB" -> bytes.
Expected<std::uint64_t> parseBytes(std::string_view text);

}  // namespace streamgate
