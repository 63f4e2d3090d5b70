// Just enough JSON for the load generator: the server's frames have a fixed
// shape (gateway/server_frames.cpp, stream_event.cpp), so a field is found
// by scanning for its key instead of parsing the document. This keeps the
// load generator's CPU per chunk small; it shares the cores with the server.
//
// Pure functions, thread-safe. They do not unescape strings: the fields read
// here (type, index, totalChunks, the stamp) never contain escapes.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace streamgate::bench {

// The value of "type", which the server always writes first; empty if absent.
std::string_view frameType(std::string_view json);

// The integer after "<key>": somewhere in json.
std::optional<std::int64_t> intField(std::string_view json, std::string_view key);

// The raw text of the string value of "<key>" (without quotes, escapes left as they are).
std::optional<std::string_view> stringField(std::string_view json, std::string_view key);

// The leading decimal number of a string value (the time stamp a chunk's
// content starts with when the chat asked for "stamp":true).
std::optional<std::int64_t> leadingNumber(std::string_view text);

}  // namespace streamgate::bench
