#include "harness/cli/cleanup_command.h"

#include <chrono>
#include <cstdio>
#include <thread>

#include "harness/cli/commands.h"
#include "harness/kube/client.h"
#include "harness/run/run_objects.h"

namespace ra2cert::cli {

CLI::App* AddCleanupCommand(CLI::App& app, CleanupCommand& command) {
  auto* sub = app.add_subcommand(
      "cleanup",
      "remove what a run left in the cluster (namespaces, ClusterRoles and bindings labelled with "
      "its run id)");
  auto* run = sub->add_option("--run", command.run_id,
                              "the run's id (results.json `run_id`, the console's first line)");
  auto* all = sub->add_flag("--all-runs", command.all_runs,
                            "every run's leftovers (only when no other run is in progress)");
  run->excludes(all);
  sub->add_option("--kubeconfig", command.kubeconfig, "kubeconfig file (default: KUBECONFIG)");
  sub->add_option("--context", command.context, "kubeconfig context (default: current)");
  sub->add_option("--wait", command.wait_seconds,
                  "wait up to this many seconds until the namespaces are gone")
      ->check(CLI::Range(0, 3600));
  return sub;
}

int RunCleanup(const CleanupCommand& command) {
  if (command.run_id.empty() && !command.all_runs)
    return UsageError("cleanup: give --run ID (or --all-runs)");
  if (!command.all_runs) {
    if (auto valid = CheckRunId(command.run_id); !valid) return UsageError(valid.error().message());
  }
  auto client = kube::Client::FromKubeconfig(command.kubeconfig, command.context);
  if (!client) {
    std::fprintf(stderr, "ra2cert: cleanup: %s\n", client.error().message().c_str());
    return client.error().code() == kExitUsage ? kExitUsage : kExitInfrastructure;
  }
  auto removed = RemoveRunObjects(*client, command.all_runs ? "" : command.run_id);
  if (!removed) {
    std::fprintf(stderr, "ra2cert: cleanup: %s\n", removed.error().message().c_str());
    return kExitInfrastructure;
  }
  for (const auto& name : removed->namespaces) std::printf("deleting namespace %s\n", name.c_str());
  for (const auto& name : removed->cluster_objects) std::printf("deleted %s\n", name.c_str());
  const std::string selector =
      command.all_runs ? kRunLabel : std::string(kRunLabel) + "=" + command.run_id;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(command.wait_seconds);
  for (;;) {
    auto left = client->List("/api/v1/namespaces", {.label_selector = selector});
    if (!left) {
      std::fprintf(stderr, "ra2cert: cleanup: %s\n", left.error().message().c_str());
      return kExitInfrastructure;
    }
    if (left->items.empty()) {
      std::printf("nothing of %s is left\n",
                  command.all_runs ? "any run" : ("run " + command.run_id).c_str());
      return 0;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      std::printf("%zu namespace(s) still terminating\n", left->items.size());
      return command.wait_seconds > 0 ? kExitInfrastructure : 0;
    }
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
}

}  // namespace ra2cert::cli
