#include "streamgate/config_section.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <limits>
#include <set>

namespace streamgate {
namespace {

// Expands ${VAR}, ${VAR:-default} and $$ in one scalar.
Expected<std::string> substituteEnv(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '$' || i + 1 >= text.size()) {
      out += text[i];
      continue;
    }
    if (text[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    if (text[i + 1] != '{') {
      out += text[i];
      continue;
    }
    const std::size_t close = text.find('}', i + 2);
    if (close == std::string_view::npos) {
      return Status(Code::kInvalidArgument, "unterminated ${ in \"" + std::string(text) + "\"");
    }
    std::string_view inner = text.substr(i + 2, close - i - 2);
    std::optional<std::string_view> fallback;
    if (const auto sep = inner.find(":-"); sep != std::string_view::npos) {
      fallback = inner.substr(sep + 2);
      inner = inner.substr(0, sep);
    }
    const bool validName = !inner.empty() && std::all_of(inner.begin(), inner.end(), [](char c) {
      return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    });
    if (!validName) {
      return Status(Code::kInvalidArgument, "bad variable name in \"" + std::string(text) + "\"");
    }
    const char* value = std::getenv(std::string(inner).c_str());
    if (value != nullptr && (*value != '\0' || !fallback)) {
      out += value;
    } else if (fallback) {
      out += *fallback;
    }
    i = close;
  }
  return out;
}

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Null:
      return "null";
    default:
      return "\"" + node.Scalar() + "\"";
  }
}

}  // namespace

// Keys of one mapping and which of them someone asked for.
struct Tracked {
  std::string path;
  std::vector<std::string> keys;
  std::set<std::string, std::less<>> used;
};

struct ConfigSection::State {
  Status firstError;
  std::vector<std::shared_ptr<Tracked>> sections;  // in the order they were taken
};

struct ConfigSection::Node {
  YAML::Node yaml;
  std::shared_ptr<Tracked> tracked;
};

ConfigSection::ConfigSection(std::shared_ptr<State> state, std::unique_ptr<Node> node, std::string path)
    : state_(std::move(state)), node_(std::move(node)), path_(std::move(path)) {
  node_->tracked = std::make_shared<Tracked>();
  node_->tracked->path = path_;
  state_->sections.push_back(node_->tracked);
  if (node_->yaml.IsMap()) {
    for (const auto& entry : node_->yaml) {
      // YAML allows "[a]: b"; as<std::string>() would throw on it, and a list
      // or mapping names no key anyone could ask for.
      if (!entry.first.IsScalar() && !entry.first.IsNull()) {
        fail("[line " + std::to_string(entry.first.Mark().line + 1) + "]",
             "a key must be a single value, not " + describe(entry.first));
        continue;
      }
      std::string key = entry.first.as<std::string>();
      // YAML would silently keep one of the two; the user meant one of them.
      if (has(key)) fail(key, "duplicate key");
      node_->tracked->keys.push_back(std::move(key));
    }
  }
}

ConfigSection::ConfigSection(ConfigSection&&) noexcept = default;
ConfigSection& ConfigSection::operator=(ConfigSection&&) noexcept = default;
ConfigSection::~ConfigSection() = default;

Expected<ConfigSection> ConfigSection::parse(std::string_view yamlText, std::string path) {
  auto node = std::make_unique<Node>();
  try {
    node->yaml = YAML::Load(std::string(yamlText));
  } catch (const YAML::Exception& error) {
    std::string where = path.empty() ? std::string() : path + ": ";
    return Status(Code::kInvalidArgument, where + "YAML syntax error at line " +
                                              std::to_string(error.mark.line + 1) + ", column " +
                                              std::to_string(error.mark.column + 1) + ": " + error.msg);
  }
  if (node->yaml.IsNull()) node->yaml = YAML::Node(YAML::NodeType::Map);
  if (!node->yaml.IsMap()) {
    std::string where = path.empty() ? "top level" : path;
    return Status(Code::kInvalidArgument, where + ": expected a mapping, got " + describe(node->yaml));
  }
  return ConfigSection(std::make_shared<State>(), std::move(node), std::move(path));
}

const std::string& ConfigSection::path() const noexcept { return path_; }

std::string ConfigSection::keyPath(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

bool ConfigSection::has(std::string_view key) const {
  const auto& keys = node_->tracked->keys;
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

std::vector<std::string> ConfigSection::keys() const { return node_->tracked->keys; }

void ConfigSection::fail(std::string_view key, std::string_view message) {
  if (state_->firstError.isOk()) {
    state_->firstError = Status(Code::kInvalidArgument, keyPath(key) + ": " + std::string(message));
  }
}

std::optional<std::string> ConfigSection::optionalString(std::string_view key) {
  if (!has(key)) return std::nullopt;
  node_->tracked->used.emplace(key);
  const YAML::Node value = node_->yaml[std::string(key)];
  if (value.IsNull()) return std::nullopt;
  if (!value.IsScalar()) {
    fail(key, "expected a single value, got " + describe(value));
    return std::nullopt;
  }
  auto substituted = substituteEnv(value.Scalar());
  if (!substituted) {
    fail(key, substituted.error().message());
    return std::nullopt;
  }
  return std::move(substituted).value();
}

std::string ConfigSection::getString(std::string_view key, std::string fallback) {
  auto value = optionalString(key);
  return value ? std::move(*value) : std::move(fallback);
}

std::int64_t ConfigSection::getInt(std::string_view key, std::int64_t fallback, std::int64_t min,
                                   std::int64_t max) {
  const auto text = optionalString(key);
  if (!text || text->empty()) return fallback;
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (error != std::errc() || end != text->data() + text->size()) {
    fail(key, "expected an integer, got \"" + *text + "\"");
    return fallback;
  }
  if (value < min || value > max) {
    fail(key, std::to_string(value) + " is out of range [" + std::to_string(min) + ", " +
                  std::to_string(max) + "]");
    return fallback;
  }
  return value;
}

bool ConfigSection::getBool(std::string_view key, bool fallback) {
  const auto text = optionalString(key);
  if (!text || text->empty()) return fallback;
  if (*text == "true" || *text == "yes" || *text == "on") return true;
  if (*text == "false" || *text == "no" || *text == "off") return false;
  fail(key, "expected true or false, got \"" + *text + "\"");
  return fallback;
}

std::chrono::milliseconds ConfigSection::getDuration(std::string_view key,
                                                     std::chrono::milliseconds fallback) {
  const auto text = optionalString(key);
  if (!text || text->empty()) return fallback;
  auto value = parseDuration(*text);
  if (!value) {
    fail(key, value.error().message());
    return fallback;
  }
  return *value;
}

std::chrono::milliseconds ConfigSection::getPositiveDuration(std::string_view key,
                                                             std::chrono::milliseconds fallback) {
  const auto value = getDuration(key, fallback);
  if (value.count() <= 0) fail(key, "must be positive");
  return value;
}

std::uint64_t ConfigSection::getBytes(std::string_view key, std::uint64_t fallback) {
  const auto text = optionalString(key);
  if (!text || text->empty()) return fallback;
  auto value = parseBytes(*text);
  if (!value) {
    fail(key, value.error().message());
    return fallback;
  }
  return *value;
}

std::vector<std::string> ConfigSection::getStringList(std::string_view key) {
  std::vector<std::string> out;
  if (!has(key)) return out;
  node_->tracked->used.emplace(key);
  const YAML::Node value = node_->yaml[std::string(key)];
  if (value.IsNull()) return out;
  if (!value.IsSequence()) {
    fail(key, "expected a list, got " + describe(value));
    return out;
  }
  for (std::size_t i = 0; i < value.size(); ++i) {
    const std::string itemKey = std::string(key) + "[" + std::to_string(i) + "]";
    if (!value[i].IsScalar()) {
      fail(itemKey, "expected a single value, got " + describe(value[i]));
      return {};
    }
    auto substituted = substituteEnv(value[i].Scalar());
    if (!substituted) {
      fail(itemKey, substituted.error().message());
      return {};
    }
    out.push_back(std::move(substituted).value());
  }
  return out;
}

ConfigSection ConfigSection::child(std::string_view key) {
  auto node = std::make_unique<Node>();
  node->yaml = YAML::Node(YAML::NodeType::Map);
  if (has(key)) {
    node_->tracked->used.emplace(key);
    const YAML::Node value = node_->yaml[std::string(key)];
    if (value.IsMap()) {
      node->yaml = value;
    } else if (!value.IsNull()) {
      fail(key, "expected a mapping, got " + describe(value));
    }
  }
  return ConfigSection(state_, std::move(node), keyPath(key));
}

std::string ConfigSection::childYaml(std::string_view key) {
  if (!has(key)) return "{}";
  node_->tracked->used.emplace(key);
  const YAML::Node value = node_->yaml[std::string(key)];
  if (value.IsNull()) return "{}";
  YAML::Emitter out;
  out << value;
  return out.c_str();
}

Status ConfigSection::status() const {
  if (!state_->firstError.isOk()) return state_->firstError;
  for (const auto& section : state_->sections) {
    for (const auto& key : section->keys) {
      if (section->used.count(key) == 0) {
        const std::string path = section->path.empty() ? key : section->path + "." + key;
        return Status(Code::kInvalidArgument, path + ": unknown key");
      }
    }
  }
  return Status::ok();
}

Expected<std::chrono::milliseconds> parseDuration(std::string_view text) {
  std::int64_t number = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  const std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  const auto bad = [&] {
    return Status(Code::kInvalidArgument,
                  "expected a duration like 250ms, 10s, 5m, 1h or 2d, got \"" + std::string(text) + "\"");
  };
  if (error != std::errc() || number < 0) return bad();
  if (unit.empty() && number == 0) return std::chrono::milliseconds(0);
  std::int64_t unitMs = 0;
  if (unit == "ms") unitMs = 1;
  if (unit == "s") unitMs = 1'000;
  if (unit == "m") unitMs = 60'000;
  if (unit == "h") unitMs = 3'600'000;
  if (unit == "d") unitMs = 86'400'000;
  if (unitMs == 0) return bad();
  // Converting would overflow (undefined behaviour, in practice a wrapped value).
  if (number > std::numeric_limits<std::int64_t>::max() / unitMs) {
    return Status(Code::kInvalidArgument, "duration \"" + std::string(text) + "\" is too long");
  }
  return std::chrono::milliseconds(number * unitMs);
}

Expected<std::uint64_t> parseBytes(std::string_view text) {
  std::uint64_t number = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  const std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  if (error == std::errc()) {
    int shift = -1;
    if (unit.empty() || unit == "B") shift = 0;
    if (unit == "KiB") shift = 10;
    if (unit == "MiB") shift = 20;
    if (unit == "GiB") shift = 30;
    if (shift >= 0) {
      // Bits shifted out are lost silently: (2^54 + 64)KiB would read as 64KiB.
      if (number > (std::numeric_limits<std::uint64_t>::max() >> shift)) {
        return Status(Code::kInvalidArgument, "size \"" + std::string(text) + "\" is too big");
      }
      return number << shift;
    }
  }
  return Status(Code::kInvalidArgument,
                "expected a size like 4096, 64KiB, 16MiB or 1GiB, got \"" + std::string(text) + "\"");
}

}  // namespace streamgate
