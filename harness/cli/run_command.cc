#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <type_traits>

#include "environments/environment.h"
#include "harness/catalogue/case_registry.h"
#include "harness/catalogue/catalogue.h"
#include "harness/cli/commands.h"
#include "harness/config/config_file.h"
#include "harness/cri/cri_endpoints.h"
#include "harness/plan/node_profile.h"
#include "harness/results/verdicts.h"
#include "harness/run/interrupt_watch.h"
#include "harness/run/node_agent.h"
#include "harness/run/orchestrator.h"
#include "harness/run/run_objects.h"
#include "harness/tools/run_tool.h"
#include "reports/console_reporter.h"
#include "reports/file_reporter.h"

#ifndef RA2CERT_VERSION
#define RA2CERT_VERSION "0.0.0"
#endif

namespace ra2cert::cli {
namespace {

std::string SelfExecutable() {
  std::error_code ec;
  auto path = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("/proc/self/exe") : path.string();
}

std::string Hostname() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "localhost";
  return name;
}

bool UsedBy(const RunSetting& setting, bool matrix) {
  return !matrix || setting.use == SettingUse::kRunAndMatrix ||
         setting.use == SettingUse::kLocalCluster;
}

bool IsMatrix(const CLI::App& sub) { return sub.get_name() == "matrix"; }

std::string FlagOf(const RunSetting& setting) { return "--" + std::string(setting.key); }

// CLI11 runs this on a number flag's text before converting it: the same parse and range
// as the config file, so `--timeout-multiplier 1e308` or `nan` is refused with the range.
CLI::Validator NumberCheck(const RunSetting& setting) {
  return CLI::Validator(
      [&setting](std::string& text) -> std::string {
        auto number = ParseSettingNumber(setting, text);
        return number ? std::string() : number.error().message();
      },
      RangeText(setting));
}

// A flag given with an empty value ("--kubeconfig ''") would silently mean "not given".
Status RefuseEmptyFlags(const RunCommand& command, const CLI::App& sub) {
  if (const CLI::Option* config = sub.get_option_no_throw("--config");
      config != nullptr && config->count() > 0 && command.config_path.empty()) {
    return Error("--config: the path is empty; name a YAML file or leave the flag out", 2);
  }
  for (const auto& setting : RunSettingTable()) {
    const CLI::Option* option = sub.get_option_no_throw(FlagOf(setting));
    if (option == nullptr || option->count() == 0) continue;
    for (const auto& value : option->results()) {
      if (value.empty()) {
        return Error(FlagOf(setting) + ": the value is empty; give one or leave the flag out", 2);
      }
    }
  }
  return Ok();
}

// The file sets defaults; flags given on the command line win. A key the subcommand has
// no use for (matrix has no kubeconfig) is refused with its line.
Status MergeConfigFile(RunCommand& command, const CLI::App& sub) {
  const bool matrix = IsMatrix(sub);
  for (const auto& setting : RunSettingTable()) {
    const CLI::Option* option = sub.get_option_no_throw(FlagOf(setting));
    if (option != nullptr && option->count() > 0) command.given.insert(std::string(setting.key));
  }
  if (command.config_path.empty()) return Ok();
  RunSettings from_file;
  auto keys = ApplyConfigFile(command.config_path, from_file);
  if (!keys) return keys.error();
  for (const ConfigKey& key : *keys) {
    const RunSetting& setting = *key.setting;
    if (!UsedBy(setting, matrix)) {
      return Error(key.where +
                       ": `matrix` certifies the local clusters it spins up and has no use for "
                       "this `run` setting; remove it from the file or use `run`",
                   2);
    }
    command.given.insert(std::string(setting.key));
    const CLI::Option* option = sub.get_option_no_throw(FlagOf(setting));
    if (option != nullptr && option->count() > 0) continue;
    std::visit([&](auto field) { field(command) = field(from_file); }, setting.target);
  }
  return Ok();
}

// Settings that only shape the local cluster do nothing on an attached run, and the
// attached cluster's settings nothing on a local one: refuse both rather than ignore them.
Status RefuseIdleSettings(const RunCommand& command) {
  for (const auto& key : command.given) {
    const RunSetting* setting = FindRunSetting(key);
    if (setting == nullptr || key == "local") continue;
    const bool local_only =
        setting->use == SettingUse::kLocalCluster || setting->use == SettingUse::kLocalRun;
    if (!command.local && local_only) {
      return Error(FlagOf(*setting) +
                       " shapes the local cluster and does nothing without --local: add --local "
                       "or leave it out",
                   2);
    }
    if (command.local && setting->use == SettingUse::kAttachedRun && key != "dry-run") {
      return Error(FlagOf(*setting) + " is for an attached cluster; --local spins up its own: " +
                       "use one or the other",
                   2);
    }
  }
  return Ok();
}

int PrintPlan(const Plan& plan) {
  for (const auto& c : plan.cases) {
    std::printf("%-9s %-8s %s%s\n", c.definition->meta.id.c_str(), c.runs ? "run" : "skip",
                c.definition->meta.title.c_str(),
                c.runs ? "" : ("  (" + c.skip_reason + ")").c_str());
  }
  std::printf("%d case(s) planned to run, %d skipped\n", plan.RunnableCount(),
              static_cast<int>(plan.cases.size()) - plan.RunnableCount());
  return 0;
}

int EnvironmentError(const Error& error) {
  std::fprintf(stderr, "ra2cert: %s\n", error.message().c_str());
  return error.code() == kExitUsage ? kExitUsage : kExitInfrastructure;
}

// Runs the plan against an open environment and writes every report.
// The component logs so far, beside the results, so that the bundle carries them; the
// tear-down saves their final state over these.
void CopyComponentLogs(const std::string& logs_dir, const std::string& output_dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path target = fs::path(output_dir) / "cluster-logs";
  fs::create_directories(target, ec);
  for (const auto& entry : fs::directory_iterator(logs_dir, ec)) {
    if (entry.is_regular_file(ec)) {
      fs::copy_file(entry.path(), target / entry.path().filename(),
                    fs::copy_options::overwrite_existing, ec);
    }
  }
}

// The image the node agents run (harness/run/node_agent.h), or why the CRI cases cannot
// reach the nodes' runtimes: the agent comes from --image-registry, where
// `ra2cert images push` puts it.
Result<std::string> NodeAgentImage(const RunOptions& options,
                                   const std::vector<std::string>& registry_images) {
  if (options.no_node_agent) {
    return Error(
        "--no-node-agent: no node agent was started, so the nodes' container runtimes "
        "were not reached over CRI and ra2.crt.002 is not verified");
  }
  if (options.image_registry.empty()) {
    return Error(
        "the nodes' CRI is reached through a node agent, whose image comes from "
        "--image-registry, and none was given (push it with `ra2cert images push "
        "--image-registry HOST:PORT`, or give --cri-endpoints)");
  }
  for (const auto& image : registry_images) {
    if (image.find("/ra2cert/node-agent:") != std::string::npos) return image;
  }
  return Error("fixtures/images/images.sh lists no node-agent image");
}

// Without --cri-endpoints, an attached cluster's CRI is reached through node agents.
void UseNodeAgents(const RunOptions& options, const std::vector<std::string>& registry_images,
                   ClusterHandle& cluster) {
  auto agent = NodeAgentImage(options, registry_images);
  if (!agent) {
    cluster.capabilities.absent["cri"] = agent.error().message();
    return;
  }
  cluster.capabilities.present["cri"] = "through node agents running " + *agent;
  cluster.capabilities.absent.erase("cri");
  cluster.case_env[kNodeAgentImageVariable] = *agent;
  if (!options.cri_socket.empty()) cluster.case_env[kNodeAgentSocketVariable] = options.cri_socket;
}

// Without --profile (flag or config key), the cluster's own nodes say which profile it offers.
void ResolveProfile(RunCommand& command, ClusterHandle& cluster) {
  using nlohmann::json;
  auto& profile = command.options.selection.profile;
  if (command.given.contains("profile")) {
    cluster.facts["profile"] = {{"profile", profile}, {"from", "--profile"}};
    return;
  }
  const NodeProfile chosen = ProfileFromNodes(cluster.facts.value("nodes", json::array()));
  profile = chosen.profile;
  cluster.facts["profile"] = {{"profile", profile}, {"from", "nodes"}, {"reason", chosen.reason}};
  std::printf("Profile %s, from the nodes' anuket.io/profile labels: %s (--profile overrides)\n",
              profile.c_str(), chosen.reason.c_str());
}

int Execute(const RunCommand& given_command, const Catalogue& catalogue, ClusterHandle cluster,
            const RunBundle& bundle, const std::string& component_logs = "") {
  RunCommand command = given_command;
  ResolveProfile(command, cluster);
  const RunOptions& options = command.options;
  std::vector<std::string> registry_images;  // listed once: each listing hashes the agent binary
  cluster.case_env[kScopeVariable] = options.scope;
  if (options.timeout_multiplier != 1.0) {
    cluster.case_env[kTimeoutMultiplierVariable] = std::to_string(options.timeout_multiplier);
  }
  if (!options.image_registry.empty()) {
    auto images = RequiredImages(options.image_registry);
    if (!images) return EnvironmentError(Error(images.error().message(), kExitInfrastructure));
    registry_images = std::move(images).value();
    for (const auto& image : registry_images) {
      if (image.find("/ra2cert/busybox:") != std::string::npos)
        cluster.case_env["RA2CERT_PROBE_IMAGE"] = image;
    }
  }
  if (options.cri_endpoints.empty() && cluster.capabilities.Has("cluster") &&
      !cluster.capabilities.Has("cri")) {
    UseNodeAgents(options, registry_images, cluster);
  }
  auto plan =
      BuildPlan(catalogue, options.selection, cluster.capabilities, options.timeout_multiplier);
  if (!plan) return UsageError(plan.error().message());
  if (cluster.case_env.contains(kNodeAgentImageVariable)) {
    // Through node agents a case also waits for their image and pods on every node.
    for (auto& planned : plan->cases) {
      const auto& needs = planned.definition->meta.needs;
      if (std::find(needs.begin(), needs.end(), "cri") != needs.end())
        planned.timeout += std::chrono::seconds(90);
    }
  }
  if (options.dry_run) return PrintPlan(*plan);

  RunResult header;
  header.harness_version = RA2CERT_VERSION;
  header.environment = cluster.description;
  header.hostname = Hostname();
  header.capabilities = cluster.capabilities;
  header.requirements = catalogue.requirements;
  header.catalogue_coverage = CatalogueCoverage(catalogue.cases, options.selection.profile);

  OrchestratorOptions orchestration;
  orchestration.case_executable = SelfExecutable();
  orchestration.output_dir = options.output_dir;
  orchestration.parallel = options.parallel;
  orchestration.retries = options.retries;
  orchestration.stop_grace =
      std::chrono::milliseconds(static_cast<long long>(options.stop_grace_seconds * 1000));
  orchestration.case_env = cluster.case_env;

  ConsoleReporter console(stdout, ConsoleStyle::Detect(stdout));
  FileReporter files(options.output_dir, options.junit_flavor == "extended" ? JUnitFlavor::kExtended
                                                                            : JUnitFlavor::kStrict);
  const RunResult run = RunPlan(*plan, std::move(header), orchestration, {&console, &files});
  if (!files.write_error().empty()) {
    std::fprintf(stderr, "ra2cert: writing results failed: %s\n", files.write_error().c_str());
    return kExitInfrastructure;
  }
  std::printf("Results: %s, %s, logs in %s/logs\n", files.junit_path().c_str(),
              files.json_path().c_str(), options.output_dir.c_str());
  if (!component_logs.empty()) CopyComponentLogs(component_logs, options.output_dir);
  const int run_code = RunExitCode(run);
  // A bundle that cannot be written or signed is a fault of the harness's surroundings, never
  // "a case failed": exit 3 whatever the cases did (an interrupt still wins).
  const int bundle_code = FinishRunBundle(bundle, command, cluster, run, 0);
  if (bundle_code != 0 && run_code != kExitInterrupted) return kExitInfrastructure;
  return run_code;
}
}  // namespace

void AddRunSettingFlags(CLI::App& sub, RunCommand& command, bool matrix) {
  sub.add_option("--config", command.config_path,
                 "YAML file whose keys are the flags below without their dashes (flags win)");
  for (const auto& setting : RunSettingTable()) {
    if (!UsedBy(setting, matrix)) continue;
    const std::string flag = FlagOf(setting);
    const std::string help(setting.help);
    std::visit(
        [&](auto field) {
          using Value = std::remove_reference_t<decltype(field(command))>;
          if constexpr (std::is_same_v<Value, bool>) {
            sub.add_flag(flag, field(command), help);
          } else if constexpr (std::is_arithmetic_v<Value>) {
            sub.add_option(flag, field(command), help)->check(NumberCheck(setting));
          } else {
            sub.add_option(flag, field(command), help);
          }
        },
        setting.target);
  }
}

void AddRunCommand(CLI::App& app, RunCommand& command, CLI::App*& sub) {
  sub = app.add_subcommand("run", "run the selected cases and write the reports");
  AddRunSettingFlags(*sub, command, false);
}

Status PrepareRunOptions(RunCommand& command, const CLI::App& sub) {
  if (auto empty = RefuseEmptyFlags(command, sub); !empty) return empty;
  if (auto merged = MergeConfigFile(command, sub); !merged) return merged;
  if (!IsMatrix(sub)) {
    if (auto idle = RefuseIdleSettings(command); !idle) return idle;
  }
  if (auto in_range = CheckRanges(command); !in_range) return in_range;
  return command.options.Validate();
}

Status CheckOutputDirWritable(const std::string& dir) {
  namespace fs = std::filesystem;
  const std::string fix = " (choose a directory you can write, or fix its permissions)";
  // Nothing is created here: a usage error must leave no trace. The nearest part of the
  // path that exists must be a directory this process may write (and so create in).
  std::error_code ec;
  fs::path existing = fs::absolute(dir, ec);
  if (ec) return Error("--output-dir: '" + dir + "': " + ec.message(), 2);
  while (!fs::exists(fs::symlink_status(existing, ec)) && existing.has_relative_path()) {
    existing = existing.parent_path();
  }
  if (!fs::is_directory(existing, ec)) {
    return Error("--output-dir: '" + dir + "': " + existing.string() + " is not a directory" + fix,
                 2);
  }
  if (::access(existing.c_str(), W_OK | X_OK) != 0) {
    return Error("--output-dir: cannot write into '" + existing.string() +
                     "': " + std::strerror(errno) + fix,
                 2);
  }
  return Ok();
}

int RunLocal(const RunCommand& command, const Catalogue& catalogue) {
  const RunOptions& options = command.options;
  auto bundle = PrepareRunBundle(options);
  if (!bundle) return UsageError(bundle.error().message());
  // Held from spin-up to tear-down: an interrupt stops the build or `cluster.sh up` and
  // still ends with the cluster gone. The orchestrator's own watch nests inside it.
  InterruptWatch interrupts;
  LocalClusterOptions local_options = command.local_options;
  local_options.image_registry = options.image_registry;
  local_options.cancel_fd = interrupts.fd();
  auto local = StartLocalCluster(local_options);
  const std::string logs = (std::filesystem::path(options.output_dir) / "cluster-logs").string();
  if (!local) {
    if (local.error().code() != kToolCancelled) return EnvironmentError(local.error());
    std::fprintf(stderr,
                 "ra2cert: interrupted while the local cluster was being set up; no case "
                 "ran. Removing what was made...\n");
    if (auto stopped = StopLocalCluster(local_options.state_dir, logs); !stopped) {
      std::fprintf(stderr, "ra2cert: tearing the local cluster down failed: %s\n",
                   stopped.error().message().c_str());
    }
    return kExitInterrupted;
  }
  std::printf("Local cluster up: nodes Ready after %.1f s (kubeconfig %s)\n",
              local->nodes_ready_seconds, local->kubeconfig.c_str());
  AddKubeconfigSecrets(*bundle, {local->kubeconfig});
  int exit_code;
  if (interrupts.Drain() > 0) {
    exit_code = kExitInterrupted;  // between the spin-up and the first case
  } else if (auto cluster = OpenLocalCluster(*local); !cluster) {
    exit_code = EnvironmentError(cluster.error());
  } else {
    exit_code = Execute(command, catalogue, std::move(cluster).value(), *bundle, local->logs_dir);
  }
  if (command.keep_cluster) {
    std::printf("Cluster kept (--keep-cluster): kubeconfig %s; `ra2cert cluster down` removes it\n",
                local->kubeconfig.c_str());
    return exit_code;
  }
  if (auto stopped = StopLocalCluster(local->state_dir, logs); !stopped) {
    std::fprintf(stderr, "ra2cert: tearing the local cluster down failed: %s\n",
                 stopped.error().message().c_str());
    if (exit_code == 0) exit_code = kExitInfrastructure;
  }
  // A signal during the bundle or the tear-down: the run is done, but the caller (a matrix)
  // must not start another.
  if (interrupts.Drain() > 0) exit_code = kExitInterrupted;
  return exit_code;
}

int RunRun(RunCommand& command, const CLI::App& sub) {
  if (auto prepared = PrepareRunOptions(command, sub); !prepared)
    return UsageError(prepared.error().message());
  const RunOptions& options = command.options;
  auto catalogue = BuildCatalogue(RegisteredCases(), BuiltinRequirements());
  if (!catalogue) return UsageError(catalogue.error().message());
  // Check the selection before touching any cluster: a typo should not cost a spin-up.
  if (auto selected = SelectCases(*catalogue, options.selection); !selected) {
    return UsageError(selected.error().message());
  }
  if (!options.dry_run) {
    if (auto writable = CheckOutputDirWritable(options.output_dir); !writable)
      return UsageError(writable.error().message());
  }
  if (command.local) return RunLocal(command, *catalogue);
  auto bundle = PrepareRunBundle(options);
  if (!bundle) return UsageError(bundle.error().message());
  auto request = CheckEnvironmentRequest(options.kubeconfig, options.context);
  if (!request) return UsageError(request.error().message());
  AddKubeconfigSecrets(*bundle, request->kubeconfigs);
  auto cluster = OpenEnvironment(*request);
  if (!cluster) return EnvironmentError(cluster.error());
  // From here on an interrupt is the run's to handle: one that comes before the first case
  // (images listed, node agents prepared) waits in the watch's pipe, and the orchestrator
  // (whose watch nests in this one) ends the run at once with its results. Reaching the
  // cluster keeps the default action: nothing is made in it yet, and an exec credential
  // plugin must die with ra2cert.
  InterruptWatch interrupts;
  if (!options.cri_endpoints.empty()) {
    cluster->capabilities.present["cri"] = options.cri_endpoints;
    cluster->capabilities.absent.erase("cri");
    cluster->case_env[cri::kEndpointsVariable] = options.cri_endpoints;
  }
  return Execute(command, *catalogue, std::move(cluster).value(), *bundle);
}

}  // namespace ra2cert::cli
