// `ra2cert matrix --k8s-versions 1.32,1.33,1.34`: the nightly job. One local cluster per
// Kubernetes version in turn, each certified into its own directory (results, reports,
// bundle), then one report of cases × versions. The matrix files are rewritten after every
// version, so a killed job still leaves what it finished.
#include <cstdio>
#include <filesystem>
#include <set>

#include "harness/catalogue/case_registry.h"
#include "harness/catalogue/catalogue.h"
#include "harness/cli/commands.h"
#include "reports/matrix_report.h"
#include "reports/report_files.h"
#include "reports/results_compare.h"

#ifndef RA2CERT_VERSION
#define RA2CERT_VERSION "0.0.0"
#endif

namespace ra2cert::cli {
namespace {
namespace fs = std::filesystem;

// The newest bundle a run wrote into its directory, relative to the matrix directory.
std::string BundleOf(const fs::path& matrix_dir, const std::string& version) {
  std::error_code ec;
  std::string newest;
  for (const auto& entry : fs::directory_iterator(matrix_dir / version, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("ra2cert-") && name.ends_with(".tar.gz") && name > newest) newest = name;
  }
  return newest.empty() ? "" : version + "/" + newest;
}

Status WriteMatrix(const fs::path& dir, const nlohmann::json& matrix) {
  if (auto s = WriteFileAtomically((dir / "matrix.json").string(), matrix.dump(2) + "\n"); !s)
    return s;
  return WriteFileAtomically((dir / "matrix.html").string(), RenderMatrixHtml(matrix));
}

// The worst of the versions' exit codes: interrupted, then infrastructure, then failures.
int MatrixExitCode(const std::vector<MatrixColumn>& columns) {
  int worst = 0;
  for (const auto& column : columns) {
    const int code = column.exit_code;
    if (code == kExitInterrupted) return kExitInterrupted;
    if (code == kExitInfrastructure || code < 0) {
      if (column.status != "not-run") worst = kExitInfrastructure;
    } else if (code != 0 && worst == 0) {
      worst = code == kExitUsage ? kExitUsage : 1;
    }
  }
  return worst;
}

Status CheckVersions(const std::vector<std::string>& versions) {
  if (versions.empty()) return Error("--k8s-versions: give at least one minor, e.g. 1.33");
  std::set<std::string> seen;
  for (const auto& v : versions) {
    if (!seen.insert(v).second) return Error("--k8s-versions: " + v + " is listed twice");
    const fs::path gomod =
        fs::path(ProjectRoot()) / "environments/local/components" / ("k8s-" + v) / "go.mod";
    if (!fs::exists(gomod)) {
      return Error("--k8s-versions: no pinned build for Kubernetes '" + v + "' (there is no " +
                   gomod.string() +
                   "; supported minors have a k8s-MINOR "
                   "directory there)");
    }
  }
  return Ok();
}
}  // namespace

void AddMatrixCommand(CLI::App& app, MatrixCommand& command, CLI::App*& sub) {
  sub = app.add_subcommand(
      "matrix",
      "certify a fresh local cluster per Kubernetes version; one report of cases × versions");
  sub->add_option("--k8s-versions", command.versions, "Kubernetes minors, e.g. 1.32,1.33,1.34")
      ->delimiter(',')
      ->required();
  command.run.options.output_dir = "ra2cert-matrix";
  AddRunSettingFlags(*sub, command.run, true);
}

int RunMatrix(MatrixCommand& command, const CLI::App& sub) {
  if (auto prepared = PrepareRunOptions(command.run, sub); !prepared)
    return UsageError(prepared.error().message());
  const RunOptions& options = command.run.options;
  if (auto checked = CheckVersions(command.versions); !checked)
    return UsageError(checked.error().message());
  auto catalogue = BuildCatalogue(RegisteredCases(), BuiltinRequirements());
  if (!catalogue) return UsageError(catalogue.error().message());
  if (auto selected = SelectCases(*catalogue, options.selection); !selected)
    return UsageError(selected.error().message());
  // A bad key or declarations file should fail now, not after the first cluster.
  if (auto bundle = PrepareRunBundle(options); !bundle) return UsageError(bundle.error().message());

  if (auto writable = CheckOutputDirWritable(options.output_dir); !writable)
    return UsageError(writable.error().message());
  const fs::path dir = options.output_dir;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return UsageError("--output-dir: cannot create " + dir.string() + ": " + ec.message());

  std::vector<MatrixColumn> columns(command.versions.size());
  for (size_t i = 0; i < columns.size(); ++i) columns[i].version = command.versions[i];
  if (auto written = WriteMatrix(dir, RenderMatrixJson(columns, RA2CERT_VERSION, false));
      !written) {
    std::fprintf(stderr, "ra2cert: %s\n", written.error().message().c_str());
    return kExitInfrastructure;
  }
  bool interrupted = false;
  for (auto& column : columns) {
    std::printf("\n=== Kubernetes %s ===\n", column.version.c_str());
    std::fflush(stdout);
    RunCommand run = command.run;
    run.local = true;
    run.local_options.kubernetes = column.version;
    run.options.output_dir = (dir / column.version).string();
    column.output_dir = column.version;
    // An earlier matrix's results in this directory must not stand in for this run's.
    for (const char* stale : {"results.json", "junit.xml", "report.html"}) {
      fs::remove(fs::path(run.options.output_dir) / stale, ec);
    }
    column.exit_code = RunLocal(run, *catalogue);
    if (auto results = LoadResults(run.options.output_dir); results) {
      column.status = "ran";
      column.results = std::move(results).value();
      column.bundle = BundleOf(dir, column.version);
      if (column.exit_code == kExitInterrupted) column.message = "interrupted";
    } else {
      column.status = "failed-to-start";
      column.message = column.exit_code == kExitInterrupted
                           ? "interrupted while its cluster was set up"
                           : "no results (exit " + std::to_string(column.exit_code) +
                                 "): the local cluster did not come up; see the output above";
    }
    interrupted = column.exit_code == kExitInterrupted;
    if (interrupted) {
      for (auto& later : columns) {
        if (later.status == "not-run" && later.exit_code < 0)
          later.message = "interrupted before its turn";
      }
    }
    if (interrupted || &column == &columns.back()) break;  // the final write follows
    if (auto written = WriteMatrix(dir, RenderMatrixJson(columns, RA2CERT_VERSION, false));
        !written) {
      std::fprintf(stderr, "ra2cert: %s\n", written.error().message().c_str());
    }
  }
  const auto matrix = RenderMatrixJson(columns, RA2CERT_VERSION, !interrupted);
  if (auto written = WriteMatrix(dir, matrix); !written) {
    std::fprintf(stderr, "ra2cert: %s\n", written.error().message().c_str());
    return kExitInfrastructure;
  }
  std::printf("\n%s", RenderMatrixText(matrix).c_str());
  std::printf("Matrix: %s, %s\n", (dir / "matrix.html").c_str(), (dir / "matrix.json").c_str());
  return MatrixExitCode(columns);
}

}  // namespace ra2cert::cli
