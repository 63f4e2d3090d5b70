// A plugin's config section checked through the host loader, as the node
// checks it: the fixture the per-plugin config tests share. validate()
// connects nowhere, so no server is needed.
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>

#include "plugin_harness.h"

namespace streamgate {

class PluginSectionTest : public ::testing::Test {
 protected:
  explicit PluginSectionTest(std::string plugin) : plugin_(std::move(plugin)), path_("plugins." + plugin_) {}

  void SetUp() override {
    auto library = testing::openPlugin(plugin_);
    ASSERT_TRUE(library.hasValue()) << library.status().toString();
    library_ = *library;
  }

  const PluginLibrary& library() const { return *library_; }
  PluginConfig section(const std::string& yaml) const { return PluginConfig{yaml, path_}; }
  Status validate(const std::string& yaml) const { return library_->validate(section(yaml)); }

  ::testing::AssertionResult accepted(const std::string& yaml) const {
    const Status status = validate(yaml);
    if (status.isOk()) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "refused: " << status.toString() << "\n--- config ---\n" << yaml;
  }

  // Refused as kInvalidArgument, the message starting with the key path
  // ("plugins.<name>.<key>: ...") and containing every one of `words`.
  ::testing::AssertionResult refusedAt(const std::string& yaml, const std::string& key,
                                       std::initializer_list<std::string_view> words = {}) const {
    const Status status = validate(yaml);
    if (status.isOk()) return ::testing::AssertionFailure() << "accepted:\n" << yaml;
    const std::string prefix = path_ + "." + key + ": ";
    if (status.code() != Code::kInvalidArgument || status.message().rfind(prefix, 0) != 0) {
      return ::testing::AssertionFailure() << "\"" << status.toString() << "\" does not start with \""
                                           << prefix << "\" (config: " << yaml << ")";
    }
    for (const auto word : words) {
      if (status.message().find(word) == std::string::npos) {
        return ::testing::AssertionFailure() << "\"" << status.message() << "\" lacks \"" << word << "\"";
      }
    }
    return ::testing::AssertionSuccess() << status.message();
  }

 private:
  std::string plugin_;
  std::string path_;
  std::shared_ptr<const PluginLibrary> library_;
};

}  // namespace streamgate
