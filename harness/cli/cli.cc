#include "harness/cli/cli.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "harness/catalogue/case_registry.h"
#include "harness/catalogue/catalogue.h"
#include "harness/catalogue/catalogue_listing.h"
#include "harness/cli/cleanup_command.h"
#include "harness/cli/commands.h"
#include "harness/core/bounded_file.h"
#include "harness/run/case_child.h"
#include "harness/run/node_agent.h"

#ifndef RA2CERT_VERSION
#define RA2CERT_VERSION "0.0.0"
#endif

namespace ra2cert {
namespace cli {

int UsageError(const std::string& message) {
  std::fprintf(stderr, "ra2cert: %s\n", message.c_str());
  return kExitUsage;
}

namespace {
int List(const Selection& selection, const std::string& format) {
  auto catalogue = BuildCatalogue(RegisteredCases(), BuiltinRequirements());
  if (!catalogue) return UsageError(catalogue.error().message());
  auto selected = SelectCases(*catalogue, selection);
  if (!selected) return UsageError(selected.error().message());
  auto text = RenderCatalogue(*selected, format);
  if (!text) return UsageError(text.error().message());
  std::fputs(text->c_str(), stdout);
  return 0;
}

std::string CommandNames(const CLI::App& level) {
  std::string names;
  for (const CLI::App* sub : level.get_subcommands([](const CLI::App*) { return true; })) {
    names += (names.empty() ? "" : ", ") + sub->get_name();
  }
  return names;
}

// CLI11 answers a mistyped command with "A subcommand is required" (or a list of unexpected
// arguments): name the word it did not know and the commands it could have been.
std::string UnknownCommand(const CLI::App& app, int argc, char** argv) {
  const CLI::App* level = &app;
  std::string path;
  for (int i = 1; i <= argc; ++i) {
    if (i == argc) {
      return level->get_require_subcommand_min() == 0
                 ? ""
                 : "a command is required after '" + (path.empty() ? "ra2cert" : path) +
                       "'; commands: " + CommandNames(*level);
    }
    const std::string word = argv[i];
    if (word.starts_with("-")) return "";
    const CLI::App* next = nullptr;
    for (const CLI::App* sub : level->get_subcommands([](const CLI::App*) { return true; })) {
      if (sub->get_name() == word) next = sub;
    }
    if (next == nullptr) {
      return "unknown command '" + (path.empty() ? "" : path + " ") + PrintableExcerpt(word) +
             "'; commands" + (path.empty() ? "" : " of " + path) + ": " + CommandNames(*level) +
             " (see ra2cert --help)";
    }
    if (next->get_require_subcommand_min() == 0) return "";
    path += (path.empty() ? "" : " ") + word;
    level = next;
  }
  return "";
}

// The case-process entry point is not part of the user-facing command line.
int CaseChild(int argc, char** argv) {
  std::string gtest_name, result_file;
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--gtest-name") gtest_name = argv[i + 1];
    if (flag == "--result-file") result_file = argv[i + 1];
  }
  if (gtest_name.empty() || result_file.empty())
    return UsageError("__case needs --gtest-name and --result-file");
  for (const auto& definition : RegisteredCases()) {
    if (definition.gtest_name == gtest_name && RunsThroughNodeAgents(definition.meta))
      return RunCaseThroughNodeAgents(definition, result_file);
  }
  return RunCaseChild(gtest_name, result_file);
}
}  // namespace
}  // namespace cli

int Main(int argc, char** argv) {
  using namespace cli;
  if (argc >= 2 && std::string(argv[1]) == "__case") return CaseChild(argc, argv);
  // The scripts this binary starts pack it into the node agent's image
  // (fixtures/images/node-agent): the agent must run this very harness.
  if (std::error_code ec; std::getenv("RA2CERT_BINARY") == nullptr) {
    const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) ::setenv("RA2CERT_BINARY", self.c_str(), 0);
  }

  CLI::App app{"ra2cert: certify a Kubernetes cluster against the Anuket RA2 (chapter 4)"};
  app.require_subcommand(1);
  app.set_version_flag("--version", RA2CERT_VERSION);

  Selection list_selection;
  list_selection.profile.clear();  // without --profile: the cases of every profile
  std::string list_format = "table";
  auto* list = app.add_subcommand("list", "print the case catalogue");
  list->add_option("--profile", list_selection.profile,
                   "only the cases of this RA2 profile: basic or network-intensive (default: all)");
  list->add_option("--section", list_selection.sections,
                   "only this RA2 section (repeatable), e.g. 4.4");
  list->add_option("--focus", list_selection.focus,
                   "only cases whose 'id title' matches this regex (RE2 syntax)");
  list->add_option("--skip", list_selection.skip,
                   "leave out cases whose 'id title' matches this regex (RE2 syntax)");
  list->add_option("--output,-o", list_format, "table, json or yaml");

  RunCommand run_command;
  CLI::App* run = nullptr;
  AddRunCommand(app, run_command, run);

  MatrixCommand matrix_command;
  CLI::App* matrix = nullptr;
  AddMatrixCommand(app, matrix_command, matrix);

  ClusterCommand cluster_command;
  CLI::App *cluster_up = nullptr, *cluster_down = nullptr, *cluster_status = nullptr,
           *cluster_violate = nullptr, *cluster_restore = nullptr;
  AddClusterCommands(app, cluster_command, cluster_up, cluster_down, cluster_status,
                     cluster_violate, cluster_restore);

  RbacCommand rbac_command;
  CLI::App* rbac = nullptr;
  AddRbacCommand(app, rbac_command, rbac);

  std::string violations_format = "table";
  auto* violations = app.add_subcommand(
      "violations", "the seeded violations of the local cluster (negative controls)");
  violations->require_subcommand(1);
  auto* violations_list = violations->add_subcommand(
      "list", "each violation, what it breaks and the cases that must fail on it");
  violations_list->add_option("--output,-o", violations_format, "table, json or yaml");

  std::string images_registry;
  auto* images = app.add_subcommand("images", "the container images a run needs");
  images->require_subcommand(1);
  auto* images_list = images->add_subcommand("list", "print every image reference a run pulls");
  images_list->add_option("--image-registry", images_registry,
                          "registry the images are (to be) pushed to");
  auto* images_push = images->add_subcommand(
      "push", "build every image (the node agent included) and push it to a registry");
  images_push
      ->add_option("--image-registry", images_registry,
                   "HOST:PORT of the registry (plain HTTP) the cluster pulls from")
      ->required();

  std::string compare_before, compare_after;
  auto* compare = app.add_subcommand(
      "compare", "list regressions, fixes, new and removed cases between two runs");
  compare
      ->add_option("old", compare_before,
                   "the earlier run: its output directory, results.json or bundle")
      ->required();
  compare
      ->add_option("new", compare_after,
                   "the later run: its output directory, results.json or bundle")
      ->required();
  std::string report_path;
  auto* report = app.add_subcommand("report", "print the summary of a run");
  report->add_option("results", report_path, "a run's output directory, results.json or bundle")
      ->required();

  BundleCommands bundle_commands;
  CLI::App *keygen = nullptr, *verify = nullptr, *remake_bundle = nullptr;
  AddBundleCommands(app, bundle_commands, keygen, verify, remake_bundle);

  CleanupCommand cleanup_command;
  auto* cleanup = AddCleanupCommand(app, cleanup_command);

  app.add_subcommand("version", "print the harness version");

  if (std::string unknown = UnknownCommand(app, argc, argv); !unknown.empty())
    return UsageError(unknown);
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
  if (run->parsed()) return RunRun(run_command, *run);
  if (matrix->parsed()) return RunMatrix(matrix_command, *matrix);
  if (cluster_up->parsed()) return RunClusterUp(cluster_command);
  if (cluster_down->parsed()) return RunClusterDown(cluster_command);
  if (cluster_status->parsed()) return RunClusterStatus(cluster_command);
  if (cluster_violate->parsed()) return RunClusterViolation(cluster_command, true);
  if (cluster_restore->parsed()) return RunClusterViolation(cluster_command, false);
  if (rbac->parsed()) return RunRbac(rbac_command);
  if (violations_list->parsed()) return RunViolationsList(violations_format);
  if (images_list->parsed()) return RunImagesList(images_registry);
  if (images_push->parsed()) return RunImagesPush(images_registry);
  if (keygen->parsed()) return RunKeygen(bundle_commands);
  if (verify->parsed()) return RunVerify(bundle_commands);
  if (remake_bundle->parsed()) return RunBundleCommand(bundle_commands);
  if (compare->parsed()) return RunCompare(compare_before, compare_after);
  if (report->parsed()) return RunReport(report_path);
  if (cleanup->parsed()) return RunCleanup(cleanup_command);
  std::printf("ra2cert %s\n", RA2CERT_VERSION);
  return 0;
}

}  // namespace ra2cert
