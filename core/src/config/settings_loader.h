// Reads and validates the host config file. Every error is one line that
// starts with the file name and names the key: "etc/x.yaml: server.port: ...".
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "config/settings.h"

namespace streamgate {

// Command-line values that win over the file.
struct SettingsOverrides {
  std::optional<std::uint16_t> port;
  std::optional<std::string> nodeId;
};

Expected<Settings> loadSettings(const std::filesystem::path& file, const SettingsOverrides& overrides = {});

// Parses already-read config text; `source` only names it in errors.
Expected<Settings> parseSettings(std::string_view yamlText, const std::filesystem::path& source,
                                 const SettingsOverrides& overrides = {});

}  // namespace streamgate
