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
#include "gateway/gateway.h"
#include "gateway/token_verifier.h"
#include "net/event_loop.h"
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

// Null when auth is off.
Expected<std::shared_ptr<const TokenVerifier>> makeVerifier(const Settings& settings) {
  if (settings.auth.mode == AuthMode::kNone) return std::shared_ptr<const TokenVerifier>();
  auto verifier = TokenVerifier::create(settings.auth.jwt);
  if (!verifier) return verifier.error().withContext(settings.source.string());
  return verifier;
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
  if (auto verifier = makeVerifier(settings); !verifier) return configError(verifier.error());

  std::cout << settings.source.string() << ": ok\n"
            << "  node.id        " << settings.node.id << '\n'
            << "  listen         " << settings.server.host << ':' << settings.server.port << '\n'
            << "  io_threads     " << settings.server.ioThreads << '\n'
            << "  plugins.dir    " << settings.plugins.dir.string() << '\n'
            << "  auth           " << (settings.auth.mode == AuthMode::kNone ? "none" : "jwt") << '\n';
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

  auto verifier = makeVerifier(settings);
  if (!verifier) return configError(verifier.error());
  if (settings.auth.mode == AuthMode::kNone) {
    log.warning(
        "AUTH IS OFF (auth.mode: none): every client is user \"anonymous\" and may use every session. "
        "For local development only.");
  }

  PluginContext context;
  context.nodeId = settings.node.id;
  context.clock = steadyClock();
  context.logger = std::make_shared<PocoLogger>("plugin");
  auto backends = createBackends(settings, registry, context);
  if (!backends) return configError(backends.error());

  net::EventLoopGroup loops("io-", settings.server.ioThreads);
  loops.start();
  auto gateway = std::make_unique<gateway::Gateway>(settings, std::move(backends).value(), loops,
                                                    std::move(verifier).value());
  // The loops stop before the gateway goes: nothing runs on them during its destruction.
  const auto teardown = [&] {
    loops.stop();
    gateway.reset();
  };
  auto router = std::make_shared<HttpRouter>();
  gateway->addRoutes(*router);
  HttpServer http(settings.server, router);
  try {
    http.start();
  } catch (const Poco::Exception& error) {
    log.fatal("cannot listen on %s:%hu: %s", settings.server.host, settings.server.port, error.displayText());
    teardown();
    return EXIT_IOERR;
  }
  gateway->start();
  log.information(
      "node %s listening on %s:%hu (session_store=%s message_bus=%s lock_provider=%s stream_store=%s)",
      settings.node.id, settings.server.host, http.port(), settings.backends.sessionStore,
      settings.backends.messageBus, settings.backends.lockProvider, settings.backends.streamStore);
  waitForTerminationRequest();
  log.information("shutting down: draining for at most %s ms",
                  std::to_string(settings.server.drainTimeout.count()));
  http.stop();
  if (!gateway->drain(settings.server.drainTimeout)) {
    log.warning("drain did not finish within server.drain_timeout; closing what is left");
  }
  teardown();
  return EXIT_OK;
}

}  // namespace streamgate
