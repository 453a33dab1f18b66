#include "harness/run/orchestrator.h"

#include <poll.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <memory>

#include "harness/kube/client.h"
#include "harness/run/case_child.h"
#include "harness/run/case_process.h"
#include "harness/run/interrupt_watch.h"
#include "harness/run/run_objects.h"

namespace ra2cert {
namespace {
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

enum class StopReason { kNone, kTimeout, kInterrupt };

struct RunningCase {
  size_t index = 0;  // into run.cases / plan.cases
  int attempt = 1;
  std::unique_ptr<CaseProcess> process;
  std::string result_file;
  Clock::time_point started;
  std::chrono::system_clock::time_point started_wall;
  Clock::time_point deadline;
  StopReason stop = StopReason::kNone;
  Clock::time_point kill_at = Clock::time_point::max();
};

std::string SafeFileName(const std::string& id) {
  std::string name = id;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-') c = '_';
  }
  return name;
}

class Orchestration {
 public:
  Orchestration(const Plan& plan, RunResult& run, const OrchestratorOptions& options,
                const std::vector<RunListener*>& listeners)
      : plan_(plan), run_(run), options_(options), listeners_(listeners) {}

  void Execute() {
    const fs::path out(options_.output_dir);
    std::error_code ec;
    fs::create_directories(out / "logs", ec);
    fs::create_directories(out / ".work", ec);
    run_.cases.clear();
    for (size_t i = 0; i < plan_.cases.size(); ++i) {
      const PlannedCase& planned = plan_.cases[i];
      CaseResult result;
      result.definition = *planned.definition;
      if (planned.runs) {
        result.outcome = Outcome::kNotRun;
        result.message = "not started";
        queue_.push_back(i);
      } else {
        result.outcome = Outcome::kSkipped;
        result.skip_kind =
            planned.not_applicable ? SkipKind::kNotApplicable : SkipKind::kUnverifiable;
        result.message = planned.skip_reason;
      }
      run_.cases.push_back(std::move(result));
    }
    for (auto* l : listeners_) l->OnRunStart(run_);
    Loop();
    for (auto& c : run_.cases) {
      if (c.outcome == Outcome::kNotRun && c.attempts == 0 && run_.interrupted) {
        c.message = "interrupted before it started";
      }
    }
    fs::remove_all(out / ".work", ec);
  }

 private:
  void Loop() {
    while (!queue_.empty() || !running_.empty()) {
      while (!run_.interrupted && !queue_.empty() &&
             static_cast<int>(running_.size()) < std::max(1, options_.parallel)) {
        const size_t index = queue_.front();
        queue_.pop_front();
        Launch(index);
      }
      if (running_.empty()) {
        if (run_.interrupted) break;
        continue;
      }
      WaitForEvent();
      HandleInterrupt();
      ReapFinished();
      EnforceDeadlines();
    }
  }

  void Launch(size_t index) {
    CaseResult& result = run_.cases[index];
    const int attempt = result.attempts + 1;
    const std::string base = SafeFileName(result.definition.meta.id);
    result.log_path = "logs/" + base + ".log";
    RunningCase running;
    running.index = index;
    running.attempt = attempt;
    running.result_file = (fs::path(options_.output_dir) / ".work" /
                           (base + ".attempt" + std::to_string(attempt) + ".json"))
                              .string();
    ProcessLaunch launch;
    launch.executable = options_.case_executable;
    launch.args = {"__case", "--gtest-name", result.definition.gtest_name, "--result-file",
                   running.result_file};
    launch.log_path = (fs::path(options_.output_dir) / result.log_path).string();
    launch.extra_env = options_.case_env;
    launch.extra_env[kRunIdVariable] = run_.run_id;
    launch.extra_env["RA2CERT_CASE_ID"] = result.definition.meta.id;
    launch.extra_env["RA2CERT_CASE_ATTEMPT"] = std::to_string(attempt);
    running.started = Clock::now();
    running.started_wall = std::chrono::system_clock::now();
    running.deadline = running.started + plan_.cases[index].timeout;
    for (auto* l : listeners_) l->OnCaseStart(result.definition, attempt);
    auto process = CaseProcess::Start(launch);
    if (!process) {
      result.attempts = attempt;
      result.started = running.started_wall;
      result.outcome = Outcome::kError;
      result.message = process.error().message();
      Finish(result);
      return;
    }
    running.process = std::move(process).value();
    running_.push_back(std::move(running));
  }

  void WaitForEvent() {
    std::vector<pollfd> fds;
    fds.push_back({interrupts_.fd(), POLLIN, 0});
    bool every_process_pollable = true;
    Clock::time_point next = Clock::time_point::max();
    for (const auto& r : running_) {
      if (r.process->exit_fd() >= 0) {
        fds.push_back({r.process->exit_fd(), POLLIN, 0});
      } else {
        every_process_pollable = false;
      }
      next = std::min(next, r.stop == StopReason::kNone ? r.deadline : r.kill_at);
    }
    auto wait = next == Clock::time_point::max()
                    ? std::chrono::milliseconds(1000)
                    : std::chrono::duration_cast<std::chrono::milliseconds>(next - Clock::now()) +
                          std::chrono::milliseconds(1);
    if (!every_process_pollable) wait = std::min(wait, std::chrono::milliseconds(20));
    const int timeout_ms = static_cast<int>(std::clamp<long long>(wait.count(), 0, 1000));
    ::poll(fds.data(), fds.size(), timeout_ms);
  }

  void HandleInterrupt() {
    const int signals = interrupts_.Drain();
    if (signals == 0) return;
    if (!run_.interrupted) {
      run_.interrupted = true;
      for (auto* l : listeners_) l->OnInterrupt(run_);
    }
    for (auto& r : running_) {
      if (interrupt_signals_ == 0 && signals == 1) {
        if (r.stop == StopReason::kNone) {
          r.stop = StopReason::kInterrupt;
          r.kill_at = Clock::now() + options_.stop_grace;
          r.process->SignalGroup(SIGTERM);
        }
      } else {
        r.process->SignalGroup(SIGKILL);  // asked twice: no more waiting
      }
    }
    interrupt_signals_ += signals;
  }

  void ReapFinished() {
    for (auto it = running_.begin(); it != running_.end();) {
      if (auto exit = it->process->TryReap()) {
        Complete(*it, *exit);
        it = running_.erase(it);
      } else {
        ++it;
      }
    }
  }

  void EnforceDeadlines() {
    const auto now = Clock::now();
    for (auto& r : running_) {
      if (r.stop == StopReason::kNone && now >= r.deadline) {
        r.stop = StopReason::kTimeout;
        r.kill_at = now + options_.stop_grace;
        r.process->SignalGroup(SIGTERM);
      } else if (r.stop != StopReason::kNone && now >= r.kill_at) {
        r.process->SignalGroup(SIGKILL);
      }
    }
  }

  void Complete(RunningCase& r, const ExitStatus& exit) {
    CaseResult& result = run_.cases[r.index];
    CaseResult attempt_result = result;
    attempt_result.attempts = r.attempt;
    attempt_result.started = r.started_wall;
    attempt_result.seconds = std::chrono::duration<double>(Clock::now() - r.started).count();
    attempt_result.message.clear();
    attempt_result.file.clear();
    attempt_result.line = 0;
    const auto limit = plan_.cases[r.index].timeout;
    if (r.stop == StopReason::kTimeout) {
      attempt_result.outcome = Outcome::kTimedOut;
      char limit_text[32];
      std::snprintf(limit_text, sizeof limit_text, "%.1f",
                    static_cast<double>(limit.count()) / 1000.0);
      attempt_result.message = std::string("exceeded its timeout of ") + limit_text +
                               " s and was stopped (" + exit.Describe() + ")";
    } else if (auto read = ReadCaseChildResult(r.result_file, attempt_result); !read) {
      if (r.stop == StopReason::kInterrupt) {
        attempt_result.outcome = Outcome::kNotRun;
        attempt_result.message = "interrupted while running; stopped (" + exit.Describe() + ")";
      } else {
        attempt_result.outcome = Outcome::kError;
        attempt_result.message = "the case process ended without a result: " + exit.Describe() +
                                 " (see " + result.log_path + ")";
      }
    }
    if (r.stop == StopReason::kInterrupt && attempt_result.outcome != Outcome::kPassed &&
        attempt_result.outcome != Outcome::kNotRun) {
      // A case stopped half-way has not shown anything about the cluster.
      attempt_result.message = "interrupted while running (it reported " +
                               std::string(OutcomeName(attempt_result.outcome)) + ": " +
                               attempt_result.message + ")";
      attempt_result.outcome = Outcome::kNotRun;
    }
    const bool retry =
        IsProblem(attempt_result.outcome) && r.attempt <= options_.retries && !run_.interrupted;
    if (attempt_result.outcome == Outcome::kPassed && r.attempt > 1) {
      attempt_result.flaky = true;
      attempt_result.message = "flaky: passed on attempt " + std::to_string(r.attempt) +
                               " after failing (" + result.message + ")";
    }
    result = std::move(attempt_result);
    if (retry) {
      queue_.push_front(r.index);
      return;
    }
    Finish(result);
  }

  void Finish(const CaseResult& result) {
    for (auto* l : listeners_) l->OnCaseFinish(result, run_);
  }

  const Plan& plan_;
  RunResult& run_;
  const OrchestratorOptions& options_;
  const std::vector<RunListener*>& listeners_;
  InterruptWatch interrupts_;
  std::deque<size_t> queue_;
  std::vector<RunningCase> running_;
  int interrupt_signals_ = 0;
};

// A case killed before its own cleanup (timeout, interrupt, crash) leaves its namespace:
// remove whatever still carries the run's label once no case runs any more.
void SweepRunObjects(const OrchestratorOptions& options, RunResult& run) {
  const auto kubeconfig = options.case_env.find("RA2CERT_KUBECONFIG");
  if (kubeconfig == options.case_env.end() || kubeconfig->second.empty()) return;
  const auto context = options.case_env.find("RA2CERT_CONTEXT");
  auto client = kube::Client::FromCaseCluster(
      kubeconfig->second, context == options.case_env.end() ? std::string() : context->second);
  auto removed =
      client ? RemoveRunObjects(*client, run.run_id) : Result<RemovedObjects>(client.error());
  if (!removed) {
    run.cleanup_error = removed.error().message();
    return;
  }
  run.leftovers_removed = removed->namespaces;
  run.leftovers_removed.insert(run.leftovers_removed.end(), removed->cluster_objects.begin(),
                               removed->cluster_objects.end());
}
}  // namespace

RunResult RunPlan(const Plan& plan, RunResult run, const OrchestratorOptions& options,
                  const std::vector<RunListener*>& listeners) {
  run.selection = plan.selection;
  if (run.run_id.empty()) run.run_id = NewRunId();
  run.started = std::chrono::system_clock::now();
  run.complete = false;
  {
    Orchestration orchestration(plan, run, options, listeners);
    orchestration.Execute();
  }
  SweepRunObjects(options, run);
  run.finished = std::chrono::system_clock::now();
  run.complete = true;
  for (auto* l : listeners) l->OnRunFinish(run);
  return run;
}

}  // namespace ra2cert
