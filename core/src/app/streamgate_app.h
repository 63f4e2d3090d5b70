// The streamgate process: command line, config, plugins, HTTP, signals.
#pragma once

#include <Poco/Util/ServerApplication.h>

#include <optional>
#include <string>

#include "config/settings_loader.h"

namespace streamgate {

class StreamgateApp final : public Poco::Util::ServerApplication {
 public:
  StreamgateApp();

 protected:
  void defineOptions(Poco::Util::OptionSet& options) override;
  int main(const std::vector<std::string>& args) override;

 private:
  void onHelp(const std::string& name, const std::string& value);
  void onConfig(const std::string& name, const std::string& value);
  void onPort(const std::string& name, const std::string& value);
  void onNodeId(const std::string& name, const std::string& value);
  void onValidate(const std::string& name, const std::string& value);

  int serve(const Settings& settings);
  int validateOnly(const Settings& settings);

  bool helpRequested_ = false;
  bool validateOnly_ = false;
  std::string configFile_ = "etc/streamgate.yaml";
  SettingsOverrides overrides_;
};

}  // namespace streamgate
