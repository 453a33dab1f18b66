#include "reports/results_compare.h"

#include <gtest/gtest.h>

namespace ra2cert {
namespace {
using nlohmann::json;

json Results(const std::string& verdict, std::vector<std::pair<std::string, std::string>> cases,
             std::vector<std::pair<std::string, std::string>> requirements) {
  json out = {{"schema", "ra2cert.results/v1"},
              {"verdict", {{"verdict", verdict}}},
              {"cases", json::array()},
              {"requirements", json::array()}};
  for (const auto& [id, outcome] : cases)
    out["cases"].push_back({{"id", id}, {"title", "t " + id}, {"outcome", outcome}});
  for (const auto& [id, status] : requirements)
    out["requirements"].push_back({{"id", id}, {"status", status}});
  return out;
}

TEST(ResultsCompareTest, FindsRegressionsFixesNewAndRemoved) {
  const json before = Results(
      "incomplete",
      {{"4.2.001", "Passed"}, {"4.3.001", "Failed"}, {"4.4.001", "Passed"}, {"4.9.001", "Skipped"}},
      {{"ra2.os.001", "verified-pass"}, {"ra2.k8s.005", "verified-fail"}});
  const json after = Results(
      "not-conformant",
      {{"4.2.001", "Failed"}, {"4.3.001", "Passed"}, {"4.5.001", "Passed"}, {"4.9.001", "Error"}},
      {{"ra2.os.001", "verified-fail"}, {"ra2.k8s.005", "verified-pass"}});
  const ResultsDiff diff = CompareResults(before, after);
  ASSERT_EQ(diff.regressions.size(), 1u);
  EXPECT_EQ(diff.regressions[0].id, "4.2.001");
  ASSERT_EQ(diff.fixes.size(), 1u);
  EXPECT_EQ(diff.fixes[0].id, "4.3.001");
  EXPECT_EQ(diff.other_changes.size(), 1u);
  EXPECT_EQ(diff.added, std::vector<std::string>{"4.5.001"});
  EXPECT_EQ(diff.removed, std::vector<std::string>{"4.4.001"});
  EXPECT_EQ(diff.requirement_changes.size(), 2u);
  EXPECT_TRUE(diff.HasRegression());
  EXPECT_NE(diff.Render().find("REGRESSION 4.2.001"), std::string::npos);
}

TEST(ResultsCompareTest, IdenticalRunsHaveNoRegression) {
  const json run =
      Results("conformant", {{"4.2.001", "Passed"}}, {{"ra2.os.001", "verified-pass"}});
  EXPECT_FALSE(CompareResults(run, run).HasRegression());
  // A requirement that stops being verified-pass is a regression even without a case change.
  const json worse =
      Results("incomplete", {{"4.2.001", "Passed"}}, {{"ra2.os.001", "not-verified"}});
  EXPECT_TRUE(CompareResults(run, worse).HasRegression());
}

TEST(ResultsCompareTest, ARequirementChangeSaysWhyAndNotCoveredIsNoRegression) {
  const json before =
      Results("incomplete", {{"4.2.001", "Passed"}}, {{"ra2.os.004", "not-verified"}});
  json after = Results("incomplete", {{"4.2.001", "Passed"}}, {{"ra2.os.004", "not-covered"}});
  after["requirements"][0]["reason"] = "only a vendor declaration can show it (testable: doc)";
  const ResultsDiff diff = CompareResults(before, after);
  EXPECT_FALSE(diff.HasRegression());
  EXPECT_NE(diff.Render().find("REQUIREMENT ra2.os.004: not-verified -> not-covered (only a "
                               "vendor declaration can show it (testable: doc))\n"),
            std::string::npos)
      << diff.Render();
}

TEST(ResultsCompareTest, LoadRejectsWhatIsNotAResultsFile) {
  EXPECT_FALSE(LoadResults("/no/such/dir"));
}

}  // namespace
}  // namespace ra2cert
