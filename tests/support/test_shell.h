// What the end-to-end tests share to drive ra2cert and its peers as a user would: a shell
// command's exit code and output, files read and written whole, the cached Helm build.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

namespace ra2cert::test_support {

struct ShellRun {
  int exit_code = -1;  // 128 + signal when a signal ended it; -1 when it could not start
  std::string output;  // stdout and stderr, interleaved as written
};

// Runs `command` with /bin/sh and waits for it.
ShellRun RunShell(const std::string& command);

std::string ReadFile(const std::filesystem::path& path);
void WriteFile(const std::filesystem::path& path, const std::string& content);
// The file's JSON; a discarded value when it is missing or malformed.
nlohmann::json ReadJson(const std::filesystem::path& path);

// The helm binary environments/local/components/build-helm.sh put in ~/.cache/ra2cert;
// empty when it is not built.
std::string HelmBinary();

}  // namespace ra2cert::test_support
