#include "tests/support/test_shell.h"

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace ra2cert::test_support {
namespace fs = std::filesystem;

ShellRun RunShell(const std::string& command) {
  ShellRun run;
  FILE* pipe = ::popen(("(" + command + ") 2>&1").c_str(), "r");
  if (pipe == nullptr) return run;
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) run.output.append(buffer, n);
  const int status = ::pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return run;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void WriteFile(const fs::path& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
}

nlohmann::json ReadJson(const fs::path& path) {
  return nlohmann::json::parse(ReadFile(path), nullptr, false);
}

std::string HelmBinary() {
  const char* home = std::getenv("HOME");
  const fs::path cache = fs::path(home != nullptr ? home : "/root") / ".cache/ra2cert";
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(cache, ec)) {
    if (entry.path().filename().string().rfind("helm-", 0) == 0 &&
        fs::exists(entry.path() / "bin/helm")) {
      return (entry.path() / "bin/helm").string();
    }
  }
  return {};
}

}  // namespace ra2cert::test_support
