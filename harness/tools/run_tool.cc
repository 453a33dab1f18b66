#include "harness/tools/run_tool.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/process.hpp>
#include <boost/process/extend.hpp>
#include <cerrno>

namespace bp = boost::process;

namespace ra2cert {
namespace {
void CloseOurEnd(bp::pipe& pipe) {
  ::close(pipe.native_sink());
  pipe.assign_sink(-1);
}
}  // namespace

Result<ToolResult> RunTool(const ToolCommand& command) {
  boost::filesystem::path program = command.program;
  if (command.program.find('/') == std::string::npos) program = bp::search_path(command.program);
  if (program.empty() || ::access(program.c_str(), X_OK) != 0) {
    return Error("'" + command.program + "' was not found or is not executable");
  }
  bp::environment env = boost::this_process::environment();
  // set(), not env[key]: Boost 1.74's find() behind operator[] compares key.size() + 1
  // bytes of every entry, reading past the shorter ones (AddressSanitizer reports it).
  for (const auto& [key, value] : command.env) env.set(key, value);
  bp::pipe in, out, err;
  auto setup = [](auto&) {
    // bp::limit_handles would also close the pipes handed to the child (Boost 1.74).
    ::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
    ::setpgid(0, 0);
  };
  std::error_code ec;
  auto start = [&](auto&& std_in) {
    return command.pass_stderr_through
               ? bp::child(program, bp::args = command.args, env, std_in, bp::std_out > out,
                           bp::std_err > stderr, bp::extend::on_exec_setup = setup, ec)
               : bp::child(program, bp::args = command.args, env, std_in, bp::std_out > out,
                           bp::std_err > err, bp::extend::on_exec_setup = setup, ec);
  };
  const bool feed_stdin = command.stdin_bytes.has_value();
  bp::child child = feed_stdin ? start(bp::std_in < in) : start(bp::std_in < bp::null);
  if (ec) return Error("cannot start '" + command.program + "': " + ec.message());
  CloseOurEnd(out);
  if (!command.pass_stderr_through) CloseOurEnd(err);

  ToolResult result;
  std::vector<pollfd> fds = {{out.native_source(), POLLIN, 0}};
  if (!command.pass_stderr_through) fds.push_back({err.native_source(), POLLIN, 0});
  size_t open_streams = fds.size();
  // The input goes in as the program reads it, interleaved with reading its output, so
  // neither side can block the other however large either is. A program that exits
  // without reading all of it raises SIGPIPE, which this thread holds and then discards.
  size_t stdin_index = fds.size(), stdin_written = 0;
  sigset_t sigpipe_set, saved_mask;
  sigemptyset(&sigpipe_set);
  sigaddset(&sigpipe_set, SIGPIPE);
  if (feed_stdin) {
    ::close(in.native_source());
    in.assign_source(-1);
    ::fcntl(in.native_sink(), F_SETFL, ::fcntl(in.native_sink(), F_GETFL) | O_NONBLOCK);
    ::pthread_sigmask(SIG_BLOCK, &sigpipe_set, &saved_mask);
    fds.push_back({in.native_sink(), POLLOUT, 0});
  }
  auto close_stdin = [&] {
    if (!feed_stdin || fds[stdin_index].fd < 0) return;
    ::close(fds[stdin_index].fd);
    in.assign_sink(-1);
    fds[stdin_index].fd = -1;
  };
  auto restore_sigpipe = [&] {
    if (!feed_stdin) return;
    const timespec no_wait{0, 0};
    while (::sigtimedwait(&sigpipe_set, nullptr, &no_wait) > 0) {
    }
    ::pthread_sigmask(SIG_SETMASK, &saved_mask, nullptr);
  };
  if (feed_stdin && command.stdin_bytes->empty()) close_stdin();
  const size_t cancel_index = fds.size();
  if (command.cancel_fd >= 0) fds.push_back({command.cancel_fd, POLLIN, 0});
  auto kill_group = [&] {
    ::kill(-child.id(), SIGKILL);
    child.wait(ec);
    close_stdin();
    restore_sigpipe();
  };
  const auto deadline = std::chrono::steady_clock::now() + command.timeout;
  while (open_streams > 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      kill_group();
      return Error("'" + command.program + "' did not finish within " +
                   std::to_string(command.timeout.count() / 1000) + " s and was killed");
    }
    if (::poll(fds.data(), fds.size(), static_cast<int>(std::min<long long>(left.count(), 1000))) <=
        0) {
      continue;
    }
    // The cancel descriptor is left unread: whoever owns it learns of the signal too.
    if (command.cancel_fd >= 0 && (fds[cancel_index].revents & POLLIN)) {
      kill_group();
      return Error("'" + command.program + "' was stopped: interrupted", kToolCancelled);
    }
    for (size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].fd < 0 || (command.cancel_fd >= 0 && i == cancel_index)) continue;
      if (i == stdin_index) {
        if (!(fds[i].revents & (POLLOUT | POLLHUP | POLLERR))) continue;
        const std::string& bytes = *command.stdin_bytes;
        const ssize_t n =
            ::write(fds[i].fd, bytes.data() + stdin_written, bytes.size() - stdin_written);
        if (n > 0) stdin_written += static_cast<size_t>(n);
        if ((n < 0 && errno != EAGAIN && errno != EINTR) || stdin_written == bytes.size()) {
          close_stdin();
        }
        continue;
      }
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buffer[8192];
      const ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n <= 0) {
        fds[i].fd = -1;
        --open_streams;
        continue;
      }
      (i == 0 ? result.out : result.err).append(buffer, static_cast<size_t>(n));
    }
  }
  close_stdin();
  restore_sigpipe();
  child.wait(ec);
  const int status = child.native_exit_code();
  result.exit_code = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
  // Whatever the tool left running in its group goes with it.
  ::kill(-child.id(), SIGKILL);
  return result;
}

}  // namespace ra2cert
