// The subcommands behind cli.cc's table, one file each.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "environments/local/local_cluster.h"
#include "harness/config/run_options.h"

namespace ra2cert::cli {

constexpr int kExitUsage = 2;
constexpr int kExitInfrastructure = 3;

int UsageError(const std::string& message);

struct RunCommand {
  RunOptions options;
  std::string config_path;
  bool local = false;
  bool keep_cluster = false;
  LocalClusterOptions local_options;
  std::string image_registry;
};
void AddRunCommand(CLI::App& app, RunCommand& command, CLI::App*& sub);
int RunRun(RunCommand& command, const CLI::App& sub);

struct ClusterCommand {
  LocalClusterOptions options;
};
void AddClusterCommands(CLI::App& app, ClusterCommand& command, CLI::App*& up, CLI::App*& down,
                        CLI::App*& status);
int RunClusterUp(const ClusterCommand& command);
int RunClusterDown(const ClusterCommand& command);
int RunClusterStatus(const ClusterCommand& command);

int RunImagesList(const std::string& registry);

}  // namespace ra2cert::cli
