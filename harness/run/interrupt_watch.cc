#include "harness/run/interrupt_watch.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>

namespace ra2cert {
namespace {
int pipe_fds[2] = {-1, -1};
int depth = 0;  // watches alive; only the main thread creates them
struct sigaction previous_int {
}, previous_term{};

extern "C" void OnSignal(int) {
  const int saved = errno;
  const char byte = 1;
  [[maybe_unused]] auto ignored = ::write(pipe_fds[1], &byte, 1);
  errno = saved;
}
}  // namespace

InterruptWatch::InterruptWatch() {
  if (depth++ > 0) return;
  if (::pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) != 0) pipe_fds[0] = pipe_fds[1] = -1;
  struct sigaction action {};
  action.sa_handler = OnSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, &previous_int);
  sigaction(SIGTERM, &action, &previous_term);
}

InterruptWatch::~InterruptWatch() {
  if (--depth > 0) return;
  sigaction(SIGINT, &previous_int, nullptr);
  sigaction(SIGTERM, &previous_term, nullptr);
  for (int& fd : pipe_fds) {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
}

int InterruptWatch::fd() const { return pipe_fds[0]; }

int InterruptWatch::Drain() {
  int count = 0;
  char buffer[64];
  ssize_t n;
  while ((n = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0) count += static_cast<int>(n);
  return count;
}

}  // namespace ra2cert
