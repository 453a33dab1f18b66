// External programs (cluster scripts, helm, kubectl, openssl) run through Boost.Process
// with their own process group, a deadline, stdout captured, stderr captured or passed
// through, and no descriptor of ours inherited.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/core/result.h"

namespace ra2cert {

struct ToolCommand {
  std::string program;  // a path, or a name looked up on PATH
  std::vector<std::string> args;
  std::map<std::string, std::string> env;  // added to (or overriding) ours
  std::chrono::milliseconds timeout{std::chrono::minutes(5)};
  bool pass_stderr_through = false;  // show progress to the user instead of capturing it
  bool stdin_from_null = true;
  // Written to the program's standard input, which is then closed (an external signer
  // reads the bytes to sign this way). Unset: standard input is /dev/null.
  std::optional<std::string> stdin_bytes;
  // When this descriptor becomes readable (an InterruptWatch's), the program and its group
  // are killed and RunTool returns an error with code kToolCancelled. -1: never.
  int cancel_fd = -1;
};

constexpr int kToolCancelled = 130;

struct ToolResult {
  int exit_code = -1;  // 128 + signal when killed
  std::string out, err;
};

// Errors only when the program cannot be started, overruns its deadline or is cancelled
// (then it and everything it started are killed); any exit code is a result.
Result<ToolResult> RunTool(const ToolCommand& command);

}  // namespace ra2cert
