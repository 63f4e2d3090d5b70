#include "gateway/demo_source.h"

#include <algorithm>
#include <array>
#include <string_view>

namespace streamgate::gateway {
namespace {

constexpr std::array<std::string_view, 16> kWords = {
    "stream",  "token", "answer",  "gateway", "resume",  "chunk", "index", "node",
    "session", "order", "exactly", "once",    "cluster", "reply", "model", "text"};

// FNV-1a: unlike std::hash, fixed across builds, so every node agrees.
std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t hash = 0xcbf29ce484222325ull;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ull;
  }
  return hash;
}

}  // namespace

DemoSource::DemoSource(std::string prompt, std::int64_t chunks, std::chrono::milliseconds interval,
                       std::size_t chunkBytes, bool stamp)
    : prompt_(std::move(prompt)),
      chunks_(chunks),
      interval_(interval),
      chunkBytes_(chunkBytes),
      stamp_(stamp) {}

std::string DemoSource::chunk(std::int64_t index) const {
  // Words picked by a hash of (prompt, index): varied text, same on every node.
  std::uint64_t state = fnv1a(prompt_) ^ (static_cast<std::uint64_t>(index) * 0x9E3779B97F4A7C15ull);
  std::string text;
  text.reserve(chunkBytes_ + 32);
  if (stamp_) {
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    text.append(std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(now).count()));
    text.push_back(' ');
  } else if (index > 0) {
    text.push_back(' ');
  }
  // The stamp is never cut; the words fill up to chunk_bytes.
  const std::size_t size = std::max(chunkBytes_, text.size());
  while (text.size() < size) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    text += kWords[(state >> 33) % kWords.size()];
    text += ' ';
  }
  text.resize(size);
  return text;
}

}  // namespace streamgate::gateway
