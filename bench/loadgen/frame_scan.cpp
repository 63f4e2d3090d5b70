#include "frame_scan.h"

#include <charconv>

namespace streamgate::bench {
namespace {

// Position just after `"key":` or npos.
std::size_t valueStart(std::string_view json, std::string_view key) {
  std::size_t from = 0;
  while (true) {
    const std::size_t at = json.find(key, from);
    if (at == std::string_view::npos) return at;
    const std::size_t end = at + key.size();
    // The key must be a whole quoted key followed by a colon, not text inside a value.
    if (at > 0 && json[at - 1] == '"' && end + 1 < json.size() && json[end] == '"' && json[end + 1] == ':')
      return end + 2;
    from = at + 1;
  }
}

}  // namespace

std::string_view frameType(std::string_view json) {
  constexpr std::string_view kPrefix = R"({"type":")";
  if (json.substr(0, kPrefix.size()) != kPrefix) {
    return stringField(json, "type").value_or(std::string_view());
  }
  const std::size_t end = json.find('"', kPrefix.size());
  if (end == std::string_view::npos) return {};
  return json.substr(kPrefix.size(), end - kPrefix.size());
}

std::optional<std::int64_t> intField(std::string_view json, std::string_view key) {
  const std::size_t start = valueStart(json, key);
  if (start == std::string_view::npos) return std::nullopt;
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(json.data() + start, json.data() + json.size(), value);
  if (error != std::errc() || end == json.data() + start) return std::nullopt;
  return value;
}

std::optional<std::string_view> stringField(std::string_view json, std::string_view key) {
  const std::size_t start = valueStart(json, key);
  if (start == std::string_view::npos || start >= json.size() || json[start] != '"') return std::nullopt;
  std::size_t end = start + 1;
  while (end < json.size() && json[end] != '"') end += json[end] == '\\' ? 2 : 1;
  if (end >= json.size()) return std::nullopt;
  return json.substr(start + 1, end - start - 1);
}

std::optional<std::int64_t> leadingNumber(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end == text.data()) return std::nullopt;
  return value;
}

}  // namespace streamgate::bench
