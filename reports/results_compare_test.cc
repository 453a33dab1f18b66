#include "reports/results_compare.h"

#include <gtest/gtest.h>

#include <filesystem>

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
  // 4.9.001 was skipped and now errs: nothing checked it then, and now it breaks.
  ASSERT_EQ(diff.regressions.size(), 2u);
  EXPECT_EQ(diff.regressions[0].id, "4.2.001");
  EXPECT_EQ(diff.regressions[1].id, "4.9.001");
  ASSERT_EQ(diff.fixes.size(), 1u);
  EXPECT_EQ(diff.fixes[0].id, "4.3.001");
  EXPECT_EQ(diff.other_changes.size(), 0u);
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

TEST(ResultsCompareTest, SkippedOrNotRunToAFailureIsARegression) {
  for (const char* before : {"Skipped", "NotRun", "Passed"}) {
    for (const char* after : {"Failed", "Error", "TimedOut"}) {
      const ResultsDiff diff = CompareResults(Results("incomplete", {{"4.2.001", before}}, {}),
                                              Results("incomplete", {{"4.2.001", after}}, {}));
      EXPECT_EQ(diff.regressions.size(), 1u) << before << " -> " << after;
      EXPECT_TRUE(diff.HasRegression()) << before << " -> " << after;
    }
  }
  // One failure for another is a change, not a regression.
  const ResultsDiff diff = CompareResults(Results("incomplete", {{"4.2.001", "Failed"}}, {}),
                                          Results("incomplete", {{"4.2.001", "Error"}}, {}));
  EXPECT_FALSE(diff.HasRegression());
  EXPECT_EQ(diff.other_changes.size(), 1u);
}

TEST(ResultsCompareTest, APassThatIsNoLongerRunIsALostVerification) {
  for (const char* after : {"Skipped", "NotRun"}) {
    const ResultsDiff diff = CompareResults(Results("conformant", {{"4.2.001", "Passed"}}, {}),
                                            Results("incomplete", {{"4.2.001", after}}, {}));
    ASSERT_EQ(diff.lost_verifications.size(), 1u) << after;
    EXPECT_TRUE(diff.regressions.empty());
    EXPECT_TRUE(diff.HasRegression()) << after;
    EXPECT_NE(diff.Render().find("LOST       4.2.001 t 4.2.001: Passed -> " + std::string(after) +
                                 " (no longer verified)"),
              std::string::npos)
        << diff.Render();
    EXPECT_NE(diff.Render().find("1 regression(s) (1 lost verification(s))"), std::string::npos)
        << diff.Render();
  }
  // Skipped -> NotRun verified nothing either time.
  EXPECT_FALSE(CompareResults(Results("incomplete", {{"4.2.001", "Skipped"}}, {}),
                              Results("incomplete", {{"4.2.001", "NotRun"}}, {}))
                   .HasRegression());
}

TEST(ResultsCompareTest, ParseChecksTheStructureCompareReliesOn) {
  const auto valid = Results("incomplete", {{"4.2.001", "Passed"}}, {{"ra2.os.001", "x"}});
  EXPECT_TRUE(ParseResults(valid.dump(), "r.json"));
  auto bad = valid;
  bad["cases"][0]["outcome"] = "Exploded";
  auto parsed = ParseResults(bad.dump(), "r.json");
  ASSERT_FALSE(parsed);
  EXPECT_NE(parsed.error().message().find("cases[0].outcome 'Exploded' is not an outcome"),
            std::string::npos)
      << parsed.error().message();
  EXPECT_EQ(parsed.error().code(), 2);
  bad = valid;
  bad["cases"].push_back(valid["cases"][0]);
  EXPECT_NE(ParseResults(bad.dump(), "r.json").error().message().find("repeats id '4.2.001'"),
            std::string::npos);
}

// Every file of the corpus is malformed: a clean error value (code 2) naming the file,
// never a crash or an accepted result.
TEST(ResultsCompareTest, EveryMalformedCorpusFileIsRefusedCleanly) {
  namespace fs = std::filesystem;
  const fs::path corpus = fs::path(RA2CERT_CORPUS_DIR) / "results";
  int files = 0;
  for (const auto& entry : fs::directory_iterator(corpus)) {
    if (entry.path().extension() != ".json") continue;
    ++files;
    auto loaded = LoadResults(entry.path().string());
    ASSERT_FALSE(loaded) << entry.path() << " was accepted";
    EXPECT_EQ(loaded.error().code(), 2) << entry.path() << ": " << loaded.error().message();
    EXPECT_NE(loaded.error().message().find(entry.path().filename().string()), std::string::npos)
        << loaded.error().message();
    EXPECT_LT(loaded.error().message().size(), 2048u) << entry.path();
  }
  EXPECT_GE(files, 30);
}

}  // namespace
}  // namespace ra2cert
