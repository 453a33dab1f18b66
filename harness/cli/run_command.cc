#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "environments/environment.h"
#include "harness/catalogue/case_registry.h"
#include "harness/catalogue/catalogue.h"
#include "harness/cli/commands.h"
#include "harness/cri/cri_endpoints.h"
#include "harness/results/verdicts.h"
#include "harness/run/interrupt_watch.h"
#include "harness/run/orchestrator.h"
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

// The file sets defaults; flags given on the command line win. A flag the subcommand
// does not have (matrix has no --kubeconfig) takes the file's value, for the caller to judge.
Status MergeConfigFile(RunCommand& command, const CLI::App& sub) {
  if (command.config_path.empty()) return Ok();
  RunOptions from_file;
  if (auto status = ApplyConfigFile(command.config_path, from_file); !status) return status;
  RunOptions& options = command.options;
  auto keep_flag = [&](const char* flag, auto& target, const auto& file_value) {
    const CLI::Option* option = sub.get_option_no_throw(flag);
    if (option == nullptr || option->count() == 0) target = file_value;
  };
  keep_flag("--kubeconfig", options.kubeconfig, from_file.kubeconfig);
  keep_flag("--context", options.context, from_file.context);
  keep_flag("--profile", options.selection.profile, from_file.selection.profile);
  keep_flag("--section", options.selection.sections, from_file.selection.sections);
  keep_flag("--focus", options.selection.focus, from_file.selection.focus);
  keep_flag("--skip", options.selection.skip, from_file.selection.skip);
  keep_flag("--parallel", options.parallel, from_file.parallel);
  keep_flag("--retries", options.retries, from_file.retries);
  keep_flag("--timeout-multiplier", options.timeout_multiplier, from_file.timeout_multiplier);
  keep_flag("--stop-grace", options.stop_grace_seconds, from_file.stop_grace_seconds);
  keep_flag("--output-dir", options.output_dir, from_file.output_dir);
  keep_flag("--junit-flavor", options.junit_flavor, from_file.junit_flavor);
  keep_flag("--dry-run", options.dry_run, from_file.dry_run);
  keep_flag("--image-registry", options.image_registry, from_file.image_registry);
  keep_flag("--cri-endpoints", options.cri_endpoints, from_file.cri_endpoints);
  keep_flag("--sign-key", options.sign_key, from_file.sign_key);
  keep_flag("--signer", options.signer, from_file.signer);
  keep_flag("--declarations", options.declarations, from_file.declarations);
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

int Execute(const RunCommand& command, const Catalogue& catalogue, ClusterHandle cluster,
            const RunBundle& bundle, const std::string& component_logs = "") {
  const RunOptions& options = command.options;
  if (!options.image_registry.empty()) {
    auto images = RequiredImages(options.image_registry);
    if (!images) return EnvironmentError(Error(images.error().message(), kExitInfrastructure));
    for (const auto& image : *images) {
      if (image.find("/ra2cert/busybox:") != std::string::npos)
        cluster.case_env["RA2CERT_PROBE_IMAGE"] = image;
    }
  }
  auto plan =
      BuildPlan(catalogue, options.selection, cluster.capabilities, options.timeout_multiplier);
  if (!plan) return UsageError(plan.error().message());
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
  return FinishRunBundle(bundle, command, cluster, run, RunExitCode(run));
}
}  // namespace

void AddCaseRunFlags(CLI::App& sub, RunCommand& command) {
  RunOptions& o = command.options;
  sub.add_option("--config", command.config_path, "YAML file with any of the flags below as keys");
  sub.add_option("--image-registry", o.image_registry,
                 "registry that holds the ra2cert test images (see `ra2cert images list`)");
  sub.add_option("--profile", o.selection.profile, "RA2 profile: basic or network-intensive");
  sub.add_option("--section", o.selection.sections, "only this RA2 section (repeatable), e.g. 4.4");
  sub.add_option("--focus", o.selection.focus, "only cases whose 'id title' matches this regex");
  sub.add_option("--skip", o.selection.skip, "leave out cases whose 'id title' matches this regex");
  sub.add_option("--parallel", o.parallel, "cases to run at once");
  sub.add_option("--retries", o.retries, "rerun a failing case up to N times (then flaky)");
  sub.add_option("--timeout-multiplier", o.timeout_multiplier, "scale every case's timeout");
  sub.add_option("--stop-grace", o.stop_grace_seconds,
                 "seconds a stopped case may clean up before it is killed");
  sub.add_option("--junit-flavor", o.junit_flavor, "strict (Ant schema) or extended");
  AddRunBundleFlags(sub, o);
}

void AddLocalClusterFlags(CLI::App& sub, RunCommand& command) {
  sub.add_option("--nodes", command.local_options.nodes,
                 "local cluster: number of nodes (default 2)");
  sub.add_option("--windows-nodes", command.local_options.windows_nodes,
                 "local cluster: simulated Windows workers (kwok; pods on them never run)");
  sub.add_option("--state-dir", command.local_options.state_dir, "local cluster: its state");
  sub.add_option("--violate", command.local_options.violate,
                 "local cluster: seed these violations (NAME[,NAME...], see `ra2cert violations "
                 "list`): a negative control, never a certification");
}

void AddRunCommand(CLI::App& app, RunCommand& command, CLI::App*& sub) {
  RunOptions& o = command.options;
  sub = app.add_subcommand("run", "run the selected cases and write the reports");
  sub->add_option("--kubeconfig", o.kubeconfig, "attach to the cluster of this kubeconfig");
  sub->add_option("--context", o.context, "kubeconfig context to use");
  sub->add_flag("--local", command.local, "spin up the local cluster, certify it, tear it down");
  sub->add_flag("--keep-cluster", command.keep_cluster, "with --local: leave the cluster running");
  sub->add_option("--k8s-version", command.local_options.kubernetes,
                  "with --local: Kubernetes minor (1.32, 1.33 or 1.34)");
  AddLocalClusterFlags(*sub, command);
  sub->add_option("--output-dir", o.output_dir, "where junit.xml, results.json and logs go");
  sub->add_option("--cri-endpoints", o.cri_endpoints,
                  "attached cluster: the nodes' CRI sockets this machine reaches, "
                  "NODE=unix:///path[,NODE=...] (the CRI cases run through them)");
  sub->add_flag("--dry-run", o.dry_run, "print the plan and stop");
  AddCaseRunFlags(*sub, command);
}

Status PrepareRunOptions(RunCommand& command, const CLI::App& sub) {
  if (auto merged = MergeConfigFile(command, sub); !merged) return merged;
  return command.options.Validate();
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
  if (!command.local && !command.local_options.violate.empty()) {
    return UsageError("--violate seeds violations into the local cluster: it needs --local");
  }
  if (command.local && !options.cri_endpoints.empty()) {
    return UsageError("--cri-endpoints is for an attached cluster: --local finds its own sockets");
  }
  if (command.local && !options.kubeconfig.empty()) {
    return UsageError(
        "--local and --kubeconfig exclude each other: certify the local cluster or attach to one");
  }
  auto catalogue = BuildCatalogue(RegisteredCases(), BuiltinRequirements());
  if (!catalogue) return UsageError(catalogue.error().message());
  // Check the selection before touching any cluster: a typo should not cost a spin-up.
  if (auto selected = SelectCases(*catalogue, options.selection); !selected) {
    return UsageError(selected.error().message());
  }
  if (command.local) return RunLocal(command, *catalogue);
  auto bundle = PrepareRunBundle(options);
  if (!bundle) return UsageError(bundle.error().message());
  auto request = CheckEnvironmentRequest(options.kubeconfig, options.context);
  if (!request) return UsageError(request.error().message());
  AddKubeconfigSecrets(*bundle, request->kubeconfigs);
  auto cluster = OpenEnvironment(*request);
  if (!cluster) return EnvironmentError(cluster.error());
  if (!options.cri_endpoints.empty()) {
    cluster->capabilities.present["cri"] = options.cri_endpoints;
    cluster->capabilities.absent.erase("cri");
    cluster->case_env[cri::kEndpointsVariable] = options.cri_endpoints;
  }
  return Execute(command, *catalogue, std::move(cluster).value(), *bundle);
}

}  // namespace ra2cert::cli
