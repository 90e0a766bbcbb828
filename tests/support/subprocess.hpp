#pragma once
// Starting a child process with its stdout on a pipe, for tests that kill or race processes.
#include <string>
#include <vector>

namespace memvid::testing {

struct Child {
  int pid = -1;
  int stdout_fd = -1;
};

Child spawn(const std::vector<std::string>& argv);
// Reads everything the child wrote until it closes its stdout.
std::string read_all(int fd);
// Returns the exit status as waitpid reports it.
int wait_for(int pid);

}  // namespace memvid::testing
