#include "app/streamgate_app.h"

#include <Poco/AutoPtr.h>
#include <Poco/ConsoleChannel.h>
#include <Poco/FormattingChannel.h>
#include <Poco/NumberParser.h>
#include <Poco/PatternFormatter.h>
#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/IntValidator.h>

#include <iostream>

#include "app/poco_logger.h"
#include "net/http_server.h"
#include "plugin/backend_set.h"
#include "plugin/plugin_registry.h"

namespace streamgate {
namespace {

using Poco::Util::Option;
using Poco::Util::OptionCallback;

void setUpLogging(const std::string& level) {
  Poco::AutoPtr<Poco::PatternFormatter> formatter(
      new Poco::PatternFormatter("%Y-%m-%dT%H:%M:%S.%iZ %p %s: %t"));
  Poco::AutoPtr<Poco::FormattingChannel> channel(
      new Poco::FormattingChannel(formatter, new Poco::ConsoleChannel(std::cerr)));
  Poco::Logger::root().setChannel(channel);
  Poco::Logger::root().setLevel(level);
  // Loggers made before this call keep their old settings; reset them all.
  Poco::Logger::setChannel("", channel);
  Poco::Logger::setLevel("", Poco::Logger::parseLevel(level));
}

int configError(const Status& status) {
  std::cerr << "streamgate: " << status.message() << '\n';
  return Poco::Util::Application::EXIT_CONFIG;
}

}  // namespace

StreamgateApp::StreamgateApp() { setUnixOptions(true); }

void StreamgateApp::defineOptions(Poco::Util::OptionSet& options) {
  ServerApplication::defineOptions(options);
  options.addOption(Option("help", "h", "print this help and exit")
                        .callback(OptionCallback<StreamgateApp>(this, &StreamgateApp::onHelp)));
  options.addOption(Option("config", "c", "config file (default etc/streamgate.yaml)")
                        .argument("FILE")
                        .callback(OptionCallback<StreamgateApp>(this, &StreamgateApp::onConfig)));
  options.addOption(Option("port", "p", "listen port, overrides server.listen's port")
                        .argument("N")
                        .validator(new Poco::Util::IntValidator(0, 65535))
                        .callback(OptionCallback<StreamgateApp>(this, &StreamgateApp::onPort)));
  options.addOption(Option("node-id", "", "node id, overrides node.id and NODE_ID")
                        .argument("ID")
                        .callback(OptionCallback<StreamgateApp>(this, &StreamgateApp::onNodeId)));
  options.addOption(Option("validate-config", "", "load plugins, check the config, print a summary and exit")
                        .callback(OptionCallback<StreamgateApp>(this, &StreamgateApp::onValidate)));
}

void StreamgateApp::onHelp(const std::string&, const std::string&) {
  helpRequested_ = true;
  stopOptionsProcessing();
}

void StreamgateApp::onConfig(const std::string&, const std::string& value) { configFile_ = value; }

void StreamgateApp::onPort(const std::string&, const std::string& value) {
  overrides_.port = static_cast<std::uint16_t>(Poco::NumberParser::parse(value));
}

void StreamgateApp::onNodeId(const std::string&, const std::string& value) { overrides_.nodeId = value; }

void StreamgateApp::onValidate(const std::string&, const std::string&) { validateOnly_ = true; }

int StreamgateApp::main(const std::vector<std::string>& args) {
  if (helpRequested_) {
    Poco::Util::HelpFormatter help(options());
    help.setCommand(commandName());
    help.setUsage("[--config FILE] [--port N] [--node-id ID] [--validate-config]");
    help.setHeader("streamgate: a WebSocket gateway that streams AI chat answers, resumable on any node.");
    help.format(std::cout);
    return EXIT_OK;
  }
  if (!args.empty()) {
    std::cerr << "streamgate: unexpected argument '" << args.front() << "' (see --help)\n";
    return EXIT_USAGE;
  }
  auto settings = loadSettings(configFile_, overrides_);
  if (!settings) return configError(settings.error());
  setUpLogging(settings->log.level);
  return validateOnly_ ? validateOnly(*settings) : serve(*settings);
}

int StreamgateApp::validateOnly(const Settings& settings) {
  PluginRegistry registry;
  if (auto status = loadPlugins(settings, registry); !status) return configError(status);
  if (auto status = validatePlugins(settings, registry); !status) return configError(status);

  std::cout << settings.source.string() << ": ok\n"
            << "  node.id        " << settings.node.id << '\n'
            << "  listen         " << settings.server.host << ':' << settings.server.port << '\n'
            << "  io_threads     " << settings.server.ioThreads << '\n'
            << "  plugins.dir    " << settings.plugins.dir.string() << '\n';
  for (const Capability capability : kAllCapabilities) {
    const auto library = registry.find(settings.backends.forCapability(capability));
    std::cout << "  " << capabilityKey(capability) << std::string(15 - capabilityKey(capability).size(), ' ')
              << library->descriptor().name << ' ' << library->descriptor().version << " ("
              << library->path().string() << ")\n";
  }
  return EXIT_OK;
}

int StreamgateApp::serve(const Settings& settings) {
  auto& log = Poco::Logger::get("streamgate");
  PluginRegistry registry;
  if (auto status = loadPlugins(settings, registry); !status) return configError(status);
  if (auto status = validatePlugins(settings, registry); !status) return configError(status);

  PluginContext context;
  context.nodeId = settings.node.id;
  context.clock = steadyClock();
  context.logger = std::make_shared<PocoLogger>("plugin");
  auto backends = createBackends(settings, registry, context);
  if (!backends) return configError(backends.error());

  HttpRoutes routes;
  const std::string nodeId = settings.node.id;
  routes["/health"] = [nodeId] {
    return HttpReply{200, "application/json", R"({"status":"ok","nodeId":")" + nodeId + "\"}"};
  };
  HttpServer http(settings.server, std::move(routes));
  try {
    http.start();
  } catch (const Poco::Exception& error) {
    log.fatal("cannot listen on %s:%hu: %s", settings.server.host, settings.server.port, error.displayText());
    return EXIT_IOERR;
  }
  log.information(
      "node %s listening on %s:%hu (session_store=%s message_bus=%s lock_provider=%s stream_store=%s)",
      settings.node.id, settings.server.host, http.port(), settings.backends.sessionStore,
      settings.backends.messageBus, settings.backends.lockProvider, settings.backends.streamStore);
  waitForTerminationRequest();
  log.information("shutting down");
  http.stop();
  return EXIT_OK;
}

}  // namespace streamgate
