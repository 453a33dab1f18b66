// `ra2cert cleanup --run ID | --all-runs`: removes from a cluster what a run left there
// (a run killed with SIGKILL, or one whose end-of-run sweep could not reach the API).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace ra2cert::cli {

struct CleanupCommand {
  std::string run_id;
  bool all_runs = false;
  std::string kubeconfig, context;
  int wait_seconds = 0;  // > 0: wait until the namespaces are gone
};

CLI::App* AddCleanupCommand(CLI::App& app, CleanupCommand& command);
int RunCleanup(const CleanupCommand& command);

}  // namespace ra2cert::cli
