#include "harness/run/case_process.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/process.hpp>
#include <boost/process/extend.hpp>
#include <boost/process/handles.hpp>
#include <csignal>
#include <cstdio>
#include <cstring>

namespace bp = boost::process;

namespace ra2cert {

struct CaseProcess::Impl {
  bp::child child;
};

namespace {
ExitStatus FromWaitStatus(int status) {
  ExitStatus exit;
  if (WIFSIGNALED(status)) {
    exit.signaled = true;
    exit.signal = WTERMSIG(status);
  } else {
    exit.code = WEXITSTATUS(status);
  }
  return exit;
}
}  // namespace

std::string ExitStatus::Describe() const {
  if (!signaled) return "exit code " + std::to_string(code);
  const char* name = strsignal(signal);
  return "killed by signal " + std::to_string(signal) + " (" + (name ? name : "?") + ")";
}

Result<std::unique_ptr<CaseProcess>> CaseProcess::Start(const ProcessLaunch& launch) {
  // O_APPEND so retries of a case add to one log; O_CLOEXEC so no other child inherits it.
  int log_fd = ::open(launch.log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) {
    return Error("cannot open case log " + launch.log_path + ": " + std::strerror(errno));
  }
  FILE* log = ::fdopen(log_fd, "a");
  if (!log) {
    ::close(log_fd);
    return Error("cannot open case log " + launch.log_path + ": " + std::strerror(errno));
  }
  // bp::null would open /dev/null without O_CLOEXEC, and limit_handles spares it because
  // it is "used": the child would inherit a stray descriptor. Our own stays contained.
  FILE* null_in = std::fopen("/dev/null", "re");
  if (!null_in) {
    std::fclose(log);
    return Error(std::string("cannot open /dev/null: ") + std::strerror(errno));
  }
  bp::environment env = boost::this_process::environment();
  // set(), not env[key]: Boost 1.74's lookup behind operator[] reads past shorter
  // entries (AddressSanitizer catches it when a variable is 16-20 bytes long).
  for (const auto& [key, value] : launch.extra_env) env.set(key, value);

  const pid_t parent = ::getpid();
  auto setup = [parent](auto&) {
    ::setpgid(0, 0);
    // If the orchestrator dies without cleaning up, its cases must not outlive it.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
  };
  std::error_code ec;
  auto impl = std::make_unique<Impl>();
  impl->child = bp::child(bp::exe = launch.executable, bp::args = launch.args, env,
                          bp::std_in<null_in, (bp::std_out & bp::std_err)> log, bp::limit_handles,
                          bp::extend::on_exec_setup = setup, ec);
  std::fclose(log);
  std::fclose(null_in);
  if (ec) return Error("cannot start " + launch.executable + ": " + ec.message());

  std::unique_ptr<CaseProcess> process(new CaseProcess(std::move(impl)));
  return process;
}

CaseProcess::CaseProcess(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {
  pid_ = impl_->child.id();
  // The child may still be before setpgid() when we signal; set it from here too.
  ::setpgid(pid_, pid_);
  // glibc 2.36 declares pidfd_open without C linkage, so call the system call directly.
  pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
}

CaseProcess::~CaseProcess() {
  if (!exit_) {
    SignalGroup(SIGKILL);
    Reap();
  }
  if (pidfd_ >= 0) ::close(pidfd_);
}

void CaseProcess::SignalGroup(int signal) const {
  if (pid_ > 0) ::kill(-pid_, signal);
}

std::optional<ExitStatus> CaseProcess::TryReap() {
  if (exit_) return exit_;
  std::error_code ec;
  if (impl_->child.running(ec)) return std::nullopt;
  exit_ = FromWaitStatus(impl_->child.native_exit_code());
  // The group may still hold grandchildren the case left behind; they go with it.
  SignalGroup(SIGKILL);
  return exit_;
}

ExitStatus CaseProcess::Reap() {
  if (exit_) return *exit_;
  std::error_code ec;
  impl_->child.wait(ec);
  exit_ = FromWaitStatus(impl_->child.native_exit_code());
  SignalGroup(SIGKILL);
  return *exit_;
}

}  // namespace ra2cert
