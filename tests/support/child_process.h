// Starting and stopping the servers that test fixtures run as child processes
// (redis-server, the Kafka test broker), so that none outlives the test binary.
//
// Each child runs in a process group of its own, so stopChild() also reaches
// the processes it forks (a redis-server replication snapshot, say), and asks
// the kernel to SIGKILL it when the thread that spawned it exits: a test binary
// that crashes or is killed by ctest's timeout leaves nothing holding ports.
// That is also why the fixtures are driven from one thread.
//
// Not thread-safe with respect to one child; both calls block (stopChild() for
// at most its timeout plus a SIGKILL'ed child's exit).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace streamgate::testing {

// Forks and execs argv[0] (a path, not searched on PATH) with argv, the child's
// stdin, stdout and stderr being the given descriptors, and returns its pid.
// The descriptors stay the caller's to close; open them O_CLOEXEC so that no
// other child inherits them. A failed exec shows as the child exiting with 127.
// Throws std::runtime_error when fork() fails.
pid_t spawnChild(const std::vector<std::string>& argv, int stdinFd, int stdoutFd, int stderrFd);

// Sends the signal to the child's process group and reaps the child, sending
// SIGKILL to the group after the timeout if it is still there. Returns its exit
// code, or 128+signal when a signal ended it. The child's own children may
// still be exiting when this returns.
int stopChild(pid_t pid, int signal, std::chrono::milliseconds timeout);

}  // namespace streamgate::testing
