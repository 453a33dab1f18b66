#include <cstdio>

#include "harness/cli/commands.h"
#include "harness/run/interrupt_watch.h"
#include "harness/tools/run_tool.h"

namespace ra2cert::cli {

void AddClusterCommands(CLI::App& app, ClusterCommand& command, CLI::App*& up, CLI::App*& down,
                        CLI::App*& status, CLI::App*& violate, CLI::App*& restore) {
  auto* cluster =
      app.add_subcommand("cluster", "spin a real local cluster up or down (needs root)");
  cluster->require_subcommand(1);
  up = cluster->add_subcommand("up", "build the pinned components if needed and start the cluster");
  up->add_option("--nodes", command.options.nodes,
                 "nodes, the first is the control plane (default 2)");
  up->add_option("--windows-nodes", command.options.windows_nodes,
                 "simulated Windows workers (kwok): scheduling real, pods never run (default 0)");
  up->add_option("--k8s-version", command.options.kubernetes,
                 "Kubernetes minor version (default 1.33)");
  up->add_option("--image-registry", command.options.image_registry,
                 "pull the cluster's images from this registry instead of its own");
  up->add_option("--violate", command.options.violate,
                 "break the cluster on purpose: NAME[,NAME...] (see `ra2cert violations list`)");
  down = cluster->add_subcommand("down", "remove everything the cluster made (idempotent)");
  status = cluster->add_subcommand("status", "show the cluster's components and nodes");
  violate = cluster->add_subcommand(
      "violate", "apply a live seeded violation to the running cluster (a negative control)");
  violate->add_option("name", command.violation, "the violation (see `ra2cert violations list`)")
      ->required();
  restore = cluster->add_subcommand("restore", "revert a live seeded violation");
  restore->add_option("name", command.violation, "the violation");
  restore->add_flag("--all", command.restore_all, "revert every violation applied");
  for (auto* sub : {up, down, status, violate, restore}) {
    sub->add_option("--state-dir", command.options.state_dir, "where the cluster keeps its state");
  }
}

int RunClusterUp(const ClusterCommand& command) {
  const auto start = std::chrono::steady_clock::now();
  InterruptWatch interrupts;  // Ctrl-C stops the build or the spin-up; a half cluster goes
  LocalClusterOptions options = command.options;
  options.cancel_fd = interrupts.fd();
  auto cluster = StartLocalCluster(options);
  if (!cluster && cluster.error().code() == kToolCancelled) {
    std::fprintf(stderr, "ra2cert: interrupted; removing what was set up so far...\n");
    if (auto stopped = StopLocalCluster(options.state_dir); !stopped) {
      std::fprintf(stderr, "ra2cert: %s\n", stopped.error().message().c_str());
    }
    return kExitInterrupted;
  }
  if (!cluster) {
    std::fprintf(stderr, "ra2cert: %s\n", cluster.error().message().c_str());
    return cluster.error().code() == kExitUsage ? kExitUsage : kExitInfrastructure;
  }
  const double total =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("kubeconfig: %s\n", cluster->kubeconfig.c_str());
  std::printf("state-dir: %s\nlogs: %s\nregistry: %s\ngvisor: %s\n", cluster->state_dir.c_str(),
              cluster->logs_dir.c_str(), cluster->registry.c_str(), cluster->gvisor ? "yes" : "no");
  std::printf(
      "Cluster up in %.1f s (components %.1f s, nodes Ready after %.1f s, DNS ready after %.1f "
      "s)\n",
      total, cluster->build_seconds, cluster->nodes_ready_seconds, cluster->ready_seconds);
  return 0;
}

int RunClusterDown(const ClusterCommand& command) {
  auto stopped = StopLocalCluster(command.options.state_dir);
  if (!stopped) {
    std::fprintf(stderr, "ra2cert: %s\n", stopped.error().message().c_str());
    return kExitInfrastructure;
  }
  return 0;
}

int RunClusterViolation(const ClusterCommand& command, bool apply) {
  if (!apply && command.restore_all == !command.violation.empty()) {
    std::fprintf(stderr, "ra2cert: cluster restore: name one violation or pass --all\n");
    return kExitUsage;
  }
  auto done = apply ? ApplyViolation(command.options.state_dir, command.violation)
                    : RevertViolation(command.options.state_dir,
                                      command.restore_all ? "--all" : command.violation);
  if (!done) {
    std::fprintf(stderr, "ra2cert: %s\n", done.error().message().c_str());
    return done.error().code() == kExitUsage ? kExitUsage : kExitInfrastructure;
  }
  return 0;
}

int RunClusterStatus(const ClusterCommand& command) {
  auto status = ShowLocalClusterStatus(command.options.state_dir);
  if (!status) {
    std::fprintf(stderr, "ra2cert: %s\n", status.error().message().c_str());
    return kExitInfrastructure;
  }
  return *status;
}

int RunImagesList(const std::string& registry) {
  auto images = RequiredImages(registry);
  if (!images) {
    std::fprintf(stderr, "ra2cert: %s\n", images.error().message().c_str());
    return kExitInfrastructure;
  }
  for (const auto& image : *images) std::printf("%s\n", image.c_str());
  return 0;
}

}  // namespace ra2cert::cli

namespace ra2cert::cli {
int RunImagesPush(const std::string& registry) {
  if (registry.empty()) return UsageError("images push needs --image-registry HOST:PORT");
  if (auto pushed = PushImages(registry); !pushed) {
    std::fprintf(stderr, "ra2cert: %s\n", pushed.error().message().c_str());
    return kExitInfrastructure;
  }
  return 0;
}
}  // namespace ra2cert::cli
