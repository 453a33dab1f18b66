// Helpers shared by the Kubernetes client's integration tests: temporary folders, running
// real programs (kubectl, openssl, etcdctl, ra2cert) with their output captured, and a
// namespace per test that is deleted however the test ends.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/close_range.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "harness/kube/client.h"

namespace ra2cert::kube::testing_util {
namespace fs = std::filesystem;

inline std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

// A short random suffix for names that must not collide across runs.
inline std::string RandomSuffix() {
  static std::mt19937_64 random(std::random_device{}() ^ static_cast<uint64_t>(::getpid()));
  static const char* alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string suffix;
  for (int i = 0; i < 6; ++i) suffix += alphabet[random() % 36];
  return suffix;
}

// A private temporary folder (mode 0700), removed on destruction.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "ra2cert-kube-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

// Writes `text` to `path` (mode 0600 unless `mode` says otherwise), creating folders.
inline void WriteFile(const std::string& path, const std::string& text,
                      fs::perms mode = fs::perms::owner_read | fs::perms::owner_write) {
  fs::create_directories(fs::path(path).parent_path());
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << text;
  }
  fs::permissions(temporary, mode);
  fs::rename(temporary, path);  // atomic: a reader sees the old or the new content
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

struct CommandResult {
  int exit_code = -1;  // 128 + signal when killed
  std::string output;  // stdout and stderr interleaved
};

// Runs `argv` (no shell) with extra environment variables, stdin from /dev/null and no
// descriptor of ours beyond stdio, and returns its exit code and output. Kills it (and
// its process group) after `timeout`.
inline CommandResult RunCommand(const std::vector<std::string>& argv,
                                const std::vector<std::pair<std::string, std::string>>& env = {},
                                std::chrono::seconds timeout = std::chrono::seconds(120),
                                const std::string& cwd = "") {
  CommandResult result;
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return result;
  const pid_t pid = ::fork();
  if (pid < 0) return result;
  if (pid == 0) {
    ::setpgid(0, 0);
    ::dup2(pipe_fds[1], 1);
    ::dup2(pipe_fds[1], 2);
    const int null = ::open("/dev/null", O_RDONLY);
    ::dup2(null, 0);
    ::close_range(3, ~0U, 0);
    if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) ::_exit(126);
    for (const auto& [name, value] : env) ::setenv(name.c_str(), value.c_str(), 1);
    std::vector<char*> args;
    for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  bool killed = false;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 && !killed) {
      ::kill(-pid, SIGKILL);
      killed = true;
    }
    pollfd fd{pipe_fds[0], POLLIN, 0};
    if (::poll(&fd, 1, killed ? 1000 : static_cast<int>(std::min<long long>(left.count(), 1000))) <=
        0) {
      if (killed) break;
      continue;
    }
    char buffer[8192];
    const ssize_t n = ::read(pipe_fds[0], buffer, sizeof buffer);
    if (n <= 0) break;
    result.output.append(buffer, static_cast<size_t>(n));
  }
  ::close(pipe_fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.exit_code = 128 + WTERMSIG(status);
  return result;
}

// The admin kubeconfig of the cluster under test, or empty (the test skips).
inline std::string AdminKubeconfig() { return Env("RA2CERT_TEST_KUBECONFIG"); }

#define RA2CERT_REQUIRE_CLUSTER()                                                                \
  do {                                                                                           \
    if (::ra2cert::kube::testing_util::AdminKubeconfig().empty()) {                              \
      GTEST_SKIP() << "RA2CERT_TEST_KUBECONFIG is not set (the admin kubeconfig of the cluster " \
                      "under test)";                                                             \
    }                                                                                            \
  } while (false)

inline Client AdminClient(ConnectionOptions options = {}) {
  auto config = LoadKubeconfigs({AdminKubeconfig()}, true);
  if (!config) throw std::runtime_error(config.error().message());
  auto access = ResolveContext(*config, "");
  if (!access) throw std::runtime_error(access.error().message());
  auto client = Client::Connect(std::move(access).value(), options);
  if (!client) throw std::runtime_error(client.error().message());
  return std::move(client).value();
}

// A namespace of its own for one test, deleted (with everything in it) on destruction.
class TestNamespace {
 public:
  TestNamespace(Client& client, const std::string& prefix) : client_(client) {
    name_ = "ra2cert-kt-" + prefix + "-" + RandomSuffix();
    auto created = client_.Create(
        "/api/v1/namespaces",
        {{"apiVersion", "v1"},
         {"kind", "Namespace"},
         {"metadata", {{"name", name_}, {"labels", {{"ra2cert.test/owner", "kube-tests"}}}}}});
    if (!created) throw std::runtime_error("creating namespace: " + created.error().message());
  }
  ~TestNamespace() {
    auto deleted = client_.Delete("/api/v1/namespaces/" + name_);
    if (!deleted && deleted.error().code() != 404) {
      ADD_FAILURE() << "deleting namespace " << name_ << ": " << deleted.error().message();
    }
  }
  TestNamespace(const TestNamespace&) = delete;
  TestNamespace& operator=(const TestNamespace&) = delete;
  const std::string& name() const { return name_; }

 private:
  Client& client_;
  std::string name_;
};

}  // namespace ra2cert::kube::testing_util
