// The subcommands behind cli.cc's table, one file each.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "environments/local/local_cluster.h"
#include "harness/config/run_settings.h"
#include "reports/bundle/crypto.h"
#include "reports/bundle/declarations.h"

namespace ra2cert {
struct Catalogue;
struct ClusterHandle;
struct RunResult;
}  // namespace ra2cert

namespace ra2cert::cli {

constexpr int kExitUsage = 2;
constexpr int kExitInfrastructure = 3;
constexpr int kExitInterrupted = 130;

int UsageError(const std::string& message);

struct BundleFlags {
  std::string sign_key, signer, declarations;  // --sign-key, --signer, --declarations
};

// The settings (harness/config/run_settings.h) and where they came from.
struct RunCommand : RunSettings {
  std::string config_path;
  // Keys of the settings given as a flag or in the config file: a setting that does nothing
  // in this run (--nodes without --local) is refused, not ignored.
  std::set<std::string> given;
};
void AddRunCommand(CLI::App& app, RunCommand& command, CLI::App*& sub);
int RunRun(RunCommand& command, const CLI::App& sub);

// Shared by `run` and `matrix` (run_command.cc).
// --config and a flag per setting of the table that the subcommand uses.
void AddRunSettingFlags(CLI::App& sub, RunCommand& command, bool matrix);
// Merges the config file under the flags given and validates the result.
Status PrepareRunOptions(RunCommand& command, const CLI::App& sub);
// --output-dir is (or can be made as) a directory this process can write: a usage error
// if not, checked before any cluster is touched. Creates nothing.
Status CheckOutputDirWritable(const std::string& dir);
// Spins the local cluster up, runs the plan, writes the reports and the bundle, and tears
// the cluster down (keeping its logs with the results). SIGINT/SIGTERM at any point,
// spin-up included, ends in a torn-down cluster and exit 130.
int RunLocal(const RunCommand& command, const Catalogue& catalogue);

struct MatrixCommand {
  RunCommand run;  // every version's settings; options.output_dir is the matrix's
  std::vector<std::string> versions;
};
void AddMatrixCommand(CLI::App& app, MatrixCommand& command, CLI::App*& sub);
int RunMatrix(MatrixCommand& command, const CLI::App& sub);

struct ClusterCommand {
  LocalClusterOptions options;
  std::string violation;     // `cluster violate NAME` / `cluster restore NAME`
  bool restore_all = false;  // `cluster restore --all`
};
void AddClusterCommands(CLI::App& app, ClusterCommand& command, CLI::App*& up, CLI::App*& down,
                        CLI::App*& status, CLI::App*& violate, CLI::App*& restore);
int RunClusterUp(const ClusterCommand& command);
int RunClusterViolation(const ClusterCommand& command, bool apply);
int RunClusterDown(const ClusterCommand& command);
int RunClusterStatus(const ClusterCommand& command);

int RunImagesList(const std::string& registry);
int RunImagesPush(const std::string& registry);
// `violations list`: the seeded violations and the cases that must fail on each.
int RunViolationsList(const std::string& format);

// `rbac` (rbac_command.cc): the least-privilege role for the selected cases.
struct RbacCommand {
  Selection selection;
  std::string service_account = "ra2cert/ra2cert", format = "yaml";
};
void AddRbacCommand(CLI::App& app, RbacCommand& command, CLI::App*& sub);
int RunRbac(const RbacCommand& command);

// The bundle (bundle_command.cc): `run` ends by writing one, signed when asked to.
struct RunBundle {
  std::unique_ptr<bundle::Signer> signer;  // null: the bundle is unsigned
  std::optional<bundle::Declarations> declarations;
  std::vector<std::string> secrets;  // redacted from every member
};
// Before the run: loads the key, checks the declarations (errors are usage errors).
Result<RunBundle> PrepareRunBundle(const RunOptions& options);
void AddKubeconfigSecrets(RunBundle& prepared, const std::vector<std::string>& kubeconfigs);
// After the run: writes the run record and the bundle; returns the run's exit code (3
// instead of 0 when the bundle cannot be written).
int FinishRunBundle(const RunBundle& prepared, const RunCommand& command,
                    const ClusterHandle& cluster, const RunResult& run, int exit_code);

struct BundleCommands {
  std::string keygen_dir, keygen_algorithm = "ecdsa-p256";
  std::string verify_bundle, verify_key;
  std::string bundle_dir;
  BundleFlags flags;
  std::vector<std::string> bundle_kubeconfigs;
};
void AddBundleCommands(CLI::App& app, BundleCommands& commands, CLI::App*& keygen,
                       CLI::App*& verify, CLI::App*& remake);
int RunKeygen(const BundleCommands& commands);
int RunVerify(const BundleCommands& commands);  // 0 verified, 1 not, 2 usage
int RunBundleCommand(const BundleCommands& commands);

// `compare OLD NEW` (exit 1 on a regression) and `report RESULTS`.
int RunCompare(const std::string& before_path, const std::string& after_path);
int RunReport(const std::string& path);

}  // namespace ra2cert::cli
