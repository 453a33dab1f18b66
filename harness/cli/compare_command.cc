#include <cstdio>

#include "harness/cli/commands.h"
#include "reports/bundle/tar_archive.h"
#include "reports/results_compare.h"
#include "reports/verdict_text.h"

namespace ra2cert::cli {
namespace {

// A run's results from its output directory, its results.json, or its bundle (.tar.gz:
// read, not verified; `ra2cert verify` is what checks a bundle's integrity).
Result<nlohmann::json> LoadRunResults(const std::string& path) {
  if (!path.ends_with(".tar.gz") && !path.ends_with(".tgz")) return LoadResults(path);
  auto bytes = bundle::ReadArchiveFile(path);
  if (!bytes) return bytes.error();
  auto entries = bundle::ReadTarGz(*bytes);
  if (!entries) return entries.error().Wrap(path);
  for (const auto& entry : *entries) {
    if (entry.path != "results.json" || entry.kind != bundle::EntryKind::kRegular) continue;
    auto results = ParseResults(entry.data, path + ": results.json");
    if (!results) return results;
    std::fprintf(stderr,
                 "ra2cert: read %s from its results.json (not verified: `ra2cert verify` checks "
                 "it)\n",
                 path.c_str());
    return results;
  }
  return Error(path + ": no results.json in it (is it a ra2cert bundle?)");
}
}  // namespace

int RunCompare(const std::string& before_path, const std::string& after_path) {
  auto before = LoadRunResults(before_path);
  if (!before) return UsageError(before.error().message());
  auto after = LoadRunResults(after_path);
  if (!after) return UsageError(after.error().message());
  const ResultsDiff diff = CompareResults(*before, *after);
  std::fputs(diff.Render().c_str(), stdout);
  return diff.HasRegression() ? 1 : 0;
}

int RunReport(const std::string& path) {
  auto results = LoadRunResults(path);
  if (!results) return UsageError(results.error().message());
  const auto& r = *results;
  const auto verdict = r.value("verdict", nlohmann::json::object());
  std::printf("Environment: %s\nHarness: ra2cert %s, started %s%s\n",
              r.value("environment", "").c_str(), r.value("harness_version", "").c_str(),
              r.value("started", "").c_str(),
              r.value("interrupted", false) ? " (interrupted: partial results)" : "");
  std::fputs(RenderVerdictText(verdict).c_str(), stdout);
  for (const auto& c : r.value("cases", nlohmann::json::array())) {
    std::printf("%-9s %-9s %s\n", c.value("id", "").c_str(), c.value("outcome", "").c_str(),
                c.value("title", "").c_str());
  }
  return 0;
}

}  // namespace ra2cert::cli
