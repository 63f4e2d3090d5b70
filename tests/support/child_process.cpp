#include "child_process.h"

#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>
#include <thread>

namespace streamgate::testing {
namespace {

int exitCodeOf(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

// fork/exec rather than posix_spawn, which can neither set PDEATHSIG nor check
// that the parent is still there. Everything the child needs is allocated
// before fork(), and only async-signal-safe calls follow it.
pid_t spawnChild(const std::vector<std::string>& argv, int stdinFd, int stdoutFd, int stderrFd) {
  std::vector<std::string> args = argv;
  std::vector<char*> raw;
  for (auto& arg : args) raw.push_back(arg.data());
  raw.push_back(nullptr);

  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid == 0) {
    // Own process group, so stopChild() also reaches the server's forked children.
    setpgid(0, 0);
    // Die with the parent, so a crashed test leaves no server behind.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);  // the parent died before prctl
    dup2(stdinFd, STDIN_FILENO);
    dup2(stdoutFd, STDOUT_FILENO);
    dup2(stderrFd, STDERR_FILENO);
    execv(raw[0], raw.data());
    _exit(127);
  }
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  setpgid(pid, pid);  // also here, so kill(-pid) works even before the child ran
  return pid;
}

int stopChild(pid_t pid, int signal, std::chrono::milliseconds timeout) {
  kill(-pid, signal);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  pid_t reaped = 0;
  while ((reaped = waitpid(pid, &status, WNOHANG)) == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (reaped == 0) {
    kill(-pid, SIGKILL);
    waitpid(pid, &status, 0);
  }
  return exitCodeOf(status);
}

}  // namespace streamgate::testing
