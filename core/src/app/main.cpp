#include <csignal>
#include <iostream>

#include "app/streamgate_app.h"

int main(int argc, char** argv) {
  // Block the termination signals before any thread exists so every thread
  // inherits the mask and only waitForTerminationRequest() receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGQUIT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  streamgate::StreamgateApp app;
  try {
    app.init(argc, argv);
  } catch (const Poco::Exception& error) {
    std::cerr << "streamgate: " << error.displayText() << " (see --help)\n";
    return Poco::Util::Application::EXIT_USAGE;
  }
  // ServerApplication hides run(); Application's public one is the same call.
  return static_cast<Poco::Util::Application&>(app).run();
}
