// Runs a plan: each planned case in its own process, at most `parallel` at once, each
// with a hard deadline; retries failures; on SIGINT/SIGTERM stops launching, asks the
// running cases to stop, kills what is left after the grace period, and still returns
// a complete RunResult (the rest NotRun) for the reporters.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "harness/plan/plan.h"
#include "harness/results/run_result.h"
#include "harness/run/run_listener.h"

namespace ra2cert {

struct OrchestratorOptions {
  std::string case_executable;  // a binary whose main() dispatches `__case` (usually ours)
  std::string output_dir;       // logs/ and the child result files go here
  int parallel = 1;
  int retries = 0;
  // How long a case may clean up after SIGTERM (timeout or interrupt) before SIGKILL.
  std::chrono::milliseconds stop_grace{10000};
  std::map<std::string, std::string> case_env;  // how cases find the cluster
};

// `run` carries the header (environment, capabilities, selection); its cases are filled
// from the plan. Never fails: trouble with a case is that case's Error.
RunResult RunPlan(const Plan& plan, RunResult run, const OrchestratorOptions& options,
                  const std::vector<RunListener*>& listeners);

}  // namespace ra2cert
