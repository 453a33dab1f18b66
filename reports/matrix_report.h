// The version matrix (`ra2cert matrix`): one run per Kubernetes version, put side by side
// as cases × versions and requirements × versions, so a nightly reader sees at a glance
// which behaviour depends on the version. Built from each run's results.json, so a
// version whose cluster never came up still has a column saying why.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace ra2cert {

struct MatrixColumn {
  std::string version;  // "1.33"
  // "ran" (results present), "failed-to-start" (no cluster, or no results), "not-run"
  // (interrupted before its turn).
  std::string status = "not-run";
  std::string message;                    // why it did not run, or the run's trouble
  int exit_code = -1;                     // the per-version run's exit code (-1: never started)
  std::string output_dir;                 // relative to the matrix directory
  std::string bundle;                     // relative to the matrix directory; empty: none written
  std::optional<nlohmann::json> results;  // its results.json
};

// Schema ra2cert.matrix/v1: versions (status, verdict, counts, bundle), cases and
// requirements, each with one entry per version and `differs` when versions disagree.
nlohmann::json RenderMatrixJson(const std::vector<MatrixColumn>& columns,
                                const std::string& harness_version, bool complete);
// One self-contained page of the JSON above (no script, no fetch).
std::string RenderMatrixHtml(const nlohmann::json& matrix);
// The console summary: a line per version, then the cases whose outcome differs.
std::string RenderMatrixText(const nlohmann::json& matrix);

}  // namespace ra2cert
