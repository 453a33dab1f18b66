// Each test pins one Boost.Process 1.74 trap that CaseProcess must contain (see the
// header). They use real processes: /bin/sh, sleep.
#include "harness/run/case_process.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace ra2cert {
namespace {
namespace fs = std::filesystem;

class CaseProcessTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::temp_directory_path() / ("ra2cert-process-" + std::to_string(::getpid()) + "-" +
                                     testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<CaseProcess> Start(const std::string& script) {
    ProcessLaunch launch;
    launch.executable = "/bin/sh";
    launch.args = {"-c", script};
    launch.log_path = (dir_ / "case.log").string();
    launch.extra_env["RA2CERT_TEST_VALUE"] = "from-parent";
    auto process = CaseProcess::Start(launch);
    EXPECT_TRUE(process) << process.error().message();
    return process ? std::move(process).value() : nullptr;
  }
  std::string Log() {
    std::ifstream in(dir_ / "case.log");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  static bool Gone(pid_t pid) {
    // Gone means no process and no zombie: /proc/<pid> has disappeared.
    for (int i = 0; i < 200; ++i) {
      if (!fs::exists("/proc/" + std::to_string(pid))) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }
  fs::path dir_;
};

TEST_F(CaseProcessTest, ReportsExitCodesSignalsAndAppendsOutput) {
  auto ok = Start("echo out-line; echo err-line >&2; echo $RA2CERT_TEST_VALUE; exit 3");
  ExitStatus exit = ok->Reap();
  EXPECT_FALSE(exit.signaled);
  EXPECT_EQ(exit.code, 3);
  auto crash = Start("kill -SEGV $$");
  exit = crash->Reap();
  EXPECT_TRUE(exit.signaled);
  EXPECT_EQ(exit.signal, SIGSEGV);
  EXPECT_NE(exit.Describe().find("signal 11"), std::string::npos);
  const std::string log = Log();
  EXPECT_NE(log.find("out-line"), std::string::npos);
  EXPECT_NE(log.find("err-line"), std::string::npos);
  EXPECT_NE(log.find("from-parent"), std::string::npos);
}

TEST_F(CaseProcessTest, DoesNotLeakParentDescriptors) {
  int leaky[2];
  ASSERT_EQ(::pipe(leaky), 0);  // deliberately without O_CLOEXEC
  auto process = Start("ls /proc/self/fd; echo done");
  process->Reap();
  const std::string log = Log();
  ::close(leaky[0]);
  ::close(leaky[1]);
  EXPECT_NE(log.find("done"), std::string::npos);
  std::istringstream lines(log);
  std::string line;
  while (std::getline(lines, line)) {
    if (line == "done") break;
    if (line.empty() || !std::isdigit(static_cast<unsigned char>(line[0]))) continue;
    const int fd = std::stoi(line);
    // 0-2 are the redirections; 3 is the descriptor ls opened to list the directory.
    EXPECT_LE(fd, 3) << "descriptor " << fd << " leaked into the case process\n" << log;
  }
}

TEST_F(CaseProcessTest, SignallingTheGroupReachesGrandchildren) {
  const std::string pid_file = (dir_ / "grandchild.pid").string();
  auto process = Start("sleep 300 & echo $! > " + pid_file + "; wait");
  pid_t grandchild = 0;
  for (int i = 0; i < 500 && grandchild == 0; ++i) {
    std::ifstream in(pid_file);
    in >> grandchild;
    if (grandchild == 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_GT(grandchild, 0);
  process->SignalGroup(SIGTERM);
  const ExitStatus exit = process->Reap();
  EXPECT_TRUE(exit.signaled);
  EXPECT_TRUE(Gone(grandchild)) << "the grandchild survived its case";
}

TEST_F(CaseProcessTest, ExitFdBecomesReadableWhenTheChildExits) {
  auto process = Start("sleep 0.2");
  ASSERT_GE(process->exit_fd(), 0);
  EXPECT_FALSE(process->TryReap().has_value());
  pollfd fd{process->exit_fd(), POLLIN, 0};
  ASSERT_EQ(::poll(&fd, 1, 5000), 1);
  auto exit = process->TryReap();
  ASSERT_TRUE(exit.has_value());
  EXPECT_EQ(exit->code, 0);
}

TEST_F(CaseProcessTest, DestructorKillsAndReapsARunningChild) {
  pid_t pid;
  {
    auto process = Start("sleep 300");
    pid = process->pid();
    ASSERT_TRUE(fs::exists("/proc/" + std::to_string(pid)));
  }
  EXPECT_TRUE(Gone(pid)) << "a destroyed CaseProcess left its child running or a zombie";
}

TEST_F(CaseProcessTest, MissingExecutableIsAnErrorValue) {
  ProcessLaunch launch;
  launch.executable = (dir_ / "no-such-binary").string();
  launch.log_path = (dir_ / "case.log").string();
  auto process = CaseProcess::Start(launch);
  if (process) {
    // Boost may report exec failures only through the exit status.
    EXPECT_NE(process.value()->Reap().code, 0);
  } else {
    EXPECT_NE(process.error().message().find("no-such-binary"), std::string::npos);
  }
  launch.log_path = (dir_ / "missing-dir" / "case.log").string();
  EXPECT_FALSE(CaseProcess::Start(launch));
}

}  // namespace
}  // namespace ra2cert
