// One case process: started through Boost.Process in its own process group, output
// appended to the case's log file, no other descriptor of ours inherited.
//
// The Boost.Process 1.74 traps this class exists to contain (each has a test in
// case_process_test.cc):
//  - inherited descriptors leak into siblings: bp::limit_handles closes every fd the
//    child was not given explicitly;
//  - child::terminate() kills only the direct child and grandchildren survive: we put
//    the child in its own process group and signal the group;
//  - a terminated child stays a zombie until waited for: every path here reaps;
//  - bp::child's destructor kills a running child: ~CaseProcess kills the whole group
//    and reaps instead, so nothing is left behind whichever way we leave.
#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/core/result.h"

namespace ra2cert {

struct ExitStatus {
  bool signaled = false;
  int code = 0;                  // exit code when !signaled
  int signal = 0;                // terminating signal when signaled
  std::string Describe() const;  // "exit code 3", "killed by signal 11 (Segmentation fault)"
};

struct ProcessLaunch {
  std::string executable;
  std::vector<std::string> args;
  std::string log_path;  // stdout and stderr are appended here; stdin is /dev/null
  std::map<std::string, std::string> extra_env;
};

class CaseProcess {
 public:
  static Result<std::unique_ptr<CaseProcess>> Start(const ProcessLaunch& launch);
  ~CaseProcess();
  CaseProcess(const CaseProcess&) = delete;
  CaseProcess& operator=(const CaseProcess&) = delete;

  pid_t pid() const { return pid_; }
  // Readable once the child exits (a pidfd); -1 when the kernel has none.
  int exit_fd() const { return pidfd_; }

  void SignalGroup(int signal) const;
  std::optional<ExitStatus> TryReap();  // non-blocking
  ExitStatus Reap();                    // blocking

 private:
  struct Impl;
  explicit CaseProcess(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  pid_t pid_ = -1;
  int pidfd_ = -1;
  std::optional<ExitStatus> exit_;
};

}  // namespace ra2cert
