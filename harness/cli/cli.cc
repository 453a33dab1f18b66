#include "harness/cli/cli.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "environments/environment.h"
#include "harness/catalogue/case_registry.h"
#include "harness/catalogue/catalogue.h"
#include "harness/catalogue/catalogue_listing.h"
#include "harness/config/run_options.h"
#include "harness/results/verdicts.h"
#include "harness/run/case_child.h"
#include "harness/run/orchestrator.h"
#include "reports/console_reporter.h"
#include "reports/file_reporter.h"

#ifndef RA2CERT_VERSION
#define RA2CERT_VERSION "0.0.0"
#endif

namespace ra2cert {
namespace {
constexpr int kExitUsage = 2;
constexpr int kExitInfrastructure = 3;

int UsageError(const std::string& message) {
  std::fprintf(stderr, "ra2cert: %s\n", message.c_str());
  return kExitUsage;
}

Result<Catalogue> LoadCatalogue() {
  return BuildCatalogue(RegisteredCases(), BuiltinRequirements());
}

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

void AddSelectionFlags(CLI::App& command, Selection& selection) {
  command.add_option("--profile", selection.profile, "RA2 profile: basic or network-intensive");
  command.add_option("--section", selection.sections,
                     "only this RA2 section (repeatable), e.g. 4.4");
  command.add_option("--focus", selection.focus, "only cases whose 'id title' matches this regex");
  command.add_option("--skip", selection.skip,
                     "leave out cases whose 'id title' matches this regex");
}

int List(const Selection& selection, const std::string& format) {
  auto catalogue = LoadCatalogue();
  if (!catalogue) return UsageError(catalogue.error().message());
  auto selected = SelectCases(*catalogue, selection);
  if (!selected) return UsageError(selected.error().message());
  auto text = RenderCatalogue(*selected, format);
  if (!text) return UsageError(text.error().message());
  std::fputs(text->c_str(), stdout);
  return 0;
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

int Run(RunOptions options, const std::string& config_path, const CLI::App& command) {
  if (!config_path.empty()) {
    // The file sets defaults; flags given on the command line win.
    RunOptions from_file;
    if (auto status = ApplyConfigFile(config_path, from_file); !status) {
      return UsageError(status.error().message());
    }
    auto keep_flag = [&](const char* flag, auto& target, const auto& file_value) {
      if (command.count(flag) == 0) target = file_value;
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
  }
  if (auto status = options.Validate(); !status) return UsageError(status.error().message());
  auto catalogue = LoadCatalogue();
  if (!catalogue) return UsageError(catalogue.error().message());
  // Check the selection before touching the cluster: a typo should not cost a connect.
  if (auto selected = SelectCases(*catalogue, options.selection); !selected) {
    return UsageError(selected.error().message());
  }
  auto request = CheckEnvironmentRequest({options.kubeconfig, options.context});
  if (!request) return UsageError(request.error().message());
  auto cluster = OpenEnvironment(*request);
  if (!cluster) {
    std::fprintf(stderr, "ra2cert: %s\n", cluster.error().message().c_str());
    return kExitInfrastructure;
  }
  auto plan =
      BuildPlan(*catalogue, options.selection, cluster->capabilities, options.timeout_multiplier);
  if (!plan) return UsageError(plan.error().message());
  if (options.dry_run) return PrintPlan(*plan);

  RunResult header;
  header.harness_version = RA2CERT_VERSION;
  header.environment = cluster->description;
  header.hostname = Hostname();
  header.capabilities = cluster->capabilities;
  header.requirements = catalogue->requirements;

  OrchestratorOptions orchestration;
  orchestration.case_executable = SelfExecutable();
  orchestration.output_dir = options.output_dir;
  orchestration.parallel = options.parallel;
  orchestration.retries = options.retries;
  orchestration.stop_grace =
      std::chrono::milliseconds(static_cast<long long>(options.stop_grace_seconds * 1000));
  orchestration.case_env = cluster->case_env;

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
  return RunExitCode(run);
}
}  // namespace

int Main(int argc, char** argv) {
  // The case-process entry point is not part of the user-facing command line.
  if (argc >= 2 && std::string(argv[1]) == "__case") {
    std::string gtest_name, result_file;
    for (int i = 2; i + 1 < argc; i += 2) {
      const std::string flag = argv[i];
      if (flag == "--gtest-name") gtest_name = argv[i + 1];
      if (flag == "--result-file") result_file = argv[i + 1];
    }
    if (gtest_name.empty() || result_file.empty()) {
      return UsageError("__case needs --gtest-name and --result-file");
    }
    return RunCaseChild(gtest_name, result_file);
  }

  CLI::App app{"ra2cert: certify a Kubernetes cluster against the Anuket RA2 (chapter 4)"};
  app.require_subcommand(1);
  app.set_version_flag("--version", RA2CERT_VERSION);

  Selection list_selection;
  std::string list_format = "table";
  auto* list = app.add_subcommand("list", "print the case catalogue");
  AddSelectionFlags(*list, list_selection);
  list->add_option("--output,-o", list_format, "table, json or yaml");

  RunOptions run_options;
  std::string config_path;
  auto* run = app.add_subcommand("run", "run the selected cases and write the reports");
  run->add_option("--config", config_path, "YAML file with any of the flags below as keys");
  run->add_option("--kubeconfig", run_options.kubeconfig,
                  "attach to the cluster of this kubeconfig");
  run->add_option("--context", run_options.context, "kubeconfig context to use");
  AddSelectionFlags(*run, run_options.selection);
  run->add_option("--parallel", run_options.parallel, "cases to run at once");
  run->add_option("--retries", run_options.retries,
                  "rerun a failing case up to N times (then flaky)");
  run->add_option("--timeout-multiplier", run_options.timeout_multiplier,
                  "scale every case's timeout");
  run->add_option("--stop-grace", run_options.stop_grace_seconds,
                  "seconds a stopped case may clean up before it is killed");
  run->add_option("--output-dir", run_options.output_dir,
                  "where junit.xml, results.json and logs go");
  run->add_option("--junit-flavor", run_options.junit_flavor, "strict (Ant schema) or extended");
  run->add_flag("--dry-run", run_options.dry_run, "print the plan and stop");

  app.add_subcommand("version", "print the harness version");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }
  if (list->parsed()) return List(list_selection, list_format);
  if (run->parsed()) return Run(run_options, config_path, *run);
  std::printf("ra2cert %s\n", RA2CERT_VERSION);
  return 0;
}

}  // namespace ra2cert
