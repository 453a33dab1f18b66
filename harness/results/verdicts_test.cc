#include "harness/results/verdicts.h"

#include <gtest/gtest.h>

#include "harness/catalogue/test_requirements.h"

namespace ra2cert {
namespace {

CaseResult MakeCase(std::string id, std::vector<std::string> requirements, Outcome outcome,
                    SkipKind skip = SkipKind::kNone) {
  CaseResult c;
  c.definition.meta.id = std::move(id);
  c.definition.meta.requirements = std::move(requirements);
  c.outcome = outcome;
  c.skip_kind = skip;
  return c;
}

RunResult MakeRun(std::vector<CaseResult> cases, std::vector<std::string> sections = {"4.4"}) {
  RunResult run;
  run.requirements = &TestRequirements();
  run.selection.sections = std::move(sections);
  run.cases = std::move(cases);
  return run;
}

const RequirementVerdict& Find(const std::vector<RequirementVerdict>& verdicts,
                               const std::string& id) {
  for (const auto& v : verdicts) {
    if (v.requirement->id == id) return v;
  }
  static RequirementVerdict none;
  ADD_FAILURE() << "no verdict for " << id;
  return none;
}

TEST(VerdictsTest, RollsUpCaseOutcomesPerRequirement) {
  auto run = MakeRun(
      {MakeCase("4.4.001", {"ra2.crt.001"}, Outcome::kPassed),
       MakeCase("4.4.002", {"ra2.crt.002"}, Outcome::kPassed),
       MakeCase("4.4.003", {"ra2.crt.002"}, Outcome::kFailed),
       MakeCase("4.4.004", {"draft.4.4.sandbox"}, Outcome::kSkipped, SkipKind::kNotApplicable),
       MakeCase("4.4.005", {"sec.sys.021"}, Outcome::kTimedOut)});
  const auto verdicts = RollUpRequirements(run);
  EXPECT_EQ(verdicts.size(), 4u);  // only section 4.4 is in scope
  EXPECT_EQ(Find(verdicts, "ra2.crt.001").status, RequirementStatus::kVerifiedPass);
  EXPECT_EQ(Find(verdicts, "ra2.crt.002").status, RequirementStatus::kVerifiedFail);
  EXPECT_EQ(Find(verdicts, "draft.4.4.sandbox").status, RequirementStatus::kNotApplicable);
  EXPECT_EQ(Find(verdicts, "sec.sys.021").status, RequirementStatus::kNotVerified);
  const auto summary = Summarise(run, verdicts);
  EXPECT_EQ(summary.verdict, RunVerdict::kNotConformant);
  EXPECT_EQ(summary.must_fail, 1);
  EXPECT_EQ(RunExitCode(run), 1);
}

TEST(VerdictsTest, ZeroExecutedCasesIsNeverAPass) {
  auto run =
      MakeRun({MakeCase("4.4.001", {"ra2.crt.001"}, Outcome::kSkipped, SkipKind::kUnverifiable),
               MakeCase("4.4.002", {"ra2.crt.002"}, Outcome::kNotRun)});
  const auto verdicts = RollUpRequirements(run);
  EXPECT_EQ(Find(verdicts, "ra2.crt.001").status, RequirementStatus::kNotVerified);
  EXPECT_EQ(Find(verdicts, "ra2.crt.002").status, RequirementStatus::kNotVerified);
  EXPECT_EQ(Summarise(run, verdicts).verdict, RunVerdict::kIncomplete);
  EXPECT_EQ(RunExitCode(run), 1);
  EXPECT_EQ(RunExitCode(MakeRun({})), 1);
}

TEST(VerdictsTest, ConformantOnlyWhenEveryMustInScopeIsVerified) {
  auto run = MakeRun({MakeCase("4.4.001", {"ra2.crt.001"}, Outcome::kPassed),
                      MakeCase("4.4.002", {"ra2.crt.002"}, Outcome::kPassed),
                      MakeCase("4.4.003", {"draft.4.4.sandbox"}, Outcome::kPassed)});
  // sec.sys.021 is a must in 4.4 that no case covers.
  auto verdicts = RollUpRequirements(run);
  EXPECT_EQ(Find(verdicts, "sec.sys.021").status, RequirementStatus::kNotCovered);
  EXPECT_EQ(Find(verdicts, "sec.sys.021").reason, "no case in the catalogue covers it");
  EXPECT_EQ(Summarise(run, verdicts).verdict, RunVerdict::kIncomplete);
  EXPECT_EQ(RunExitCode(run), 0);
  run.cases.push_back(MakeCase("4.4.004", {"sec.sys.021"}, Outcome::kPassed));
  EXPECT_EQ(Summarise(run, RollUpRequirements(run)).verdict, RunVerdict::kConformant);
  run.interrupted = true;
  EXPECT_EQ(Summarise(run, RollUpRequirements(run)).verdict, RunVerdict::kIncomplete);
  EXPECT_EQ(RunExitCode(run), 130);
}

TEST(VerdictsTest, TellsNotCoveredFromNotVerifiedAndKeepsTheNotApplicableReason) {
  auto run =
      MakeRun({MakeCase("4.2.001", {"ra2.os.001"}, Outcome::kPassed),
               MakeCase("4.2.003", {"ra2.ch.006"}, Outcome::kSkipped, SkipKind::kNotApplicable),
               MakeCase("4.2.004", {"ra2.ch.012"}, Outcome::kSkipped, SkipKind::kUnverifiable)},
              {"4.2"});
  run.cases[1].message = "the nodes are bare metal\nsee the log";
  run.cases[2].message = "metrics API absent";
  // 4.2.002 and 4.2.009 are in the catalogue, but --focus left them out.
  run.catalogue_coverage = {{"ra2.os.001", {"4.2.001"}},
                            {"ra2.os.002", {"4.2.002", "4.2.009"}},
                            {"ra2.ch.006", {"4.2.003"}},
                            {"ra2.ch.012", {"4.2.004"}}};
  const auto verdicts = RollUpRequirements(run);

  const auto& left_out = Find(verdicts, "ra2.os.002");
  EXPECT_EQ(left_out.status, RequirementStatus::kNotVerified);
  EXPECT_EQ(left_out.reason,
            "no selected case covers it: 4.2.002, 4.2.009 left out by --focus/--skip/--section");
  EXPECT_TRUE(left_out.case_ids.empty());

  const auto& unverifiable = Find(verdicts, "ra2.ch.012");
  EXPECT_EQ(unverifiable.status, RequirementStatus::kNotVerified);
  EXPECT_EQ(unverifiable.reason, "4.2.004 Skipped: metrics API absent");

  const auto& not_applicable = Find(verdicts, "ra2.ch.006");
  EXPECT_EQ(not_applicable.status, RequirementStatus::kNotApplicable);
  EXPECT_EQ(not_applicable.reason, "4.2.003 not applicable: the nodes are bare metal");

  EXPECT_EQ(Find(verdicts, "ra2.os.004").status, RequirementStatus::kNotCovered);
  EXPECT_EQ(Find(verdicts, "ra2.os.004").reason,
            "only a vendor declaration can show it (testable: doc)");
  EXPECT_EQ(Find(verdicts, "ra2.ch.005").status, RequirementStatus::kNotCovered);
  EXPECT_EQ(Find(verdicts, "ra2.ch.005").reason,
            "only a vendor declaration can show it (testable: hw)");
  EXPECT_EQ(Find(verdicts, "ra2.ch.007").status, RequirementStatus::kNotCovered);
  // requirements.yaml says why no case covers it yet.
  EXPECT_EQ(Find(verdicts, "ra2.ch.007").reason,
            "no case in the catalogue covers it: planned with the dual-stack networking cases");
  EXPECT_STREQ(RequirementStatusName(RequirementStatus::kNotCovered), "not-covered");

  const auto summary = Summarise(run, verdicts);
  EXPECT_EQ(summary.verdict, RunVerdict::kIncomplete);
  EXPECT_EQ(summary.must_pass, 1);
  EXPECT_EQ(summary.must_not_applicable, 1);
  EXPECT_EQ(summary.must_not_verified, 2);  // ra2.os.002, ra2.ch.012
  EXPECT_EQ(summary.must_not_covered, summary.must_total - 4);
}

TEST(VerdictsTest, NotApplicableNamesEveryCaseAndItsReason) {
  auto run = MakeRun(
      {MakeCase("4.4.001", {"draft.4.4.sandbox"}, Outcome::kSkipped, SkipKind::kNotApplicable),
       MakeCase("4.4.002", {"draft.4.4.sandbox"}, Outcome::kSkipped, SkipKind::kNotApplicable)});
  run.cases[0].message = "no privileged containers are needed";
  EXPECT_EQ(Find(RollUpRequirements(run), "draft.4.4.sandbox").reason,
            "4.4.001 not applicable: no privileged containers are needed; 4.4.002 not applicable");
}

TEST(VerdictsTest, BlockingMustsComeFailFirstThenNotVerifiedThenNotCovered) {
  // File order in 4.4: ra2.crt.001, ra2.crt.002, draft.4.4.sandbox, sec.sys.021.
  auto run = MakeRun({MakeCase("4.4.001", {"ra2.crt.001"}, Outcome::kError),
                      MakeCase("4.4.003", {"draft.4.4.sandbox"}, Outcome::kFailed),
                      MakeCase("4.4.004", {"sec.sys.021"}, Outcome::kFailed),
                      MakeCase("4.4.005", {"sec.sys.021"}, Outcome::kFailed)});
  run.cases[0].message = "the CRI socket did not answer\nstack";
  const auto summary = Summarise(run, RollUpRequirements(run));
  EXPECT_EQ(summary.verdict, RunVerdict::kNotConformant);
  EXPECT_EQ(summary.must_fail, 2);
  EXPECT_EQ(summary.must_not_verified, 1);
  EXPECT_EQ(summary.must_not_covered, 1);
  ASSERT_EQ(summary.blocking.size(), 4u);
  EXPECT_EQ(summary.blocking[0].id, "draft.4.4.sandbox");
  EXPECT_EQ(summary.blocking[0].status, RequirementStatus::kVerifiedFail);
  EXPECT_EQ(summary.blocking[0].reason, "4.4.003 failed");
  EXPECT_EQ(summary.blocking[1].id, "sec.sys.021");
  EXPECT_EQ(summary.blocking[1].reason, "4.4.004, 4.4.005 failed");
  EXPECT_EQ(summary.blocking[2].id, "ra2.crt.001");
  EXPECT_EQ(summary.blocking[2].status, RequirementStatus::kNotVerified);
  EXPECT_EQ(summary.blocking[2].reason, "4.4.001 Error: the CRI socket did not answer");
  EXPECT_EQ(summary.blocking[3].id, "ra2.crt.002");
  EXPECT_EQ(summary.blocking[3].status, RequirementStatus::kNotCovered);
  EXPECT_TRUE(summary.run_blockers.empty());
}

TEST(VerdictsTest, VerdictRules) {
  const std::vector<std::string> musts = {"ra2.crt.001", "ra2.crt.002", "draft.4.4.sandbox",
                                          "sec.sys.021"};
  auto all = [&](Outcome outcome, SkipKind skip = SkipKind::kNone) {
    std::vector<CaseResult> cases;
    for (size_t i = 0; i < musts.size(); ++i)
      cases.push_back(MakeCase("4.4.00" + std::to_string(i + 1), {musts[i]}, outcome, skip));
    return MakeRun(cases);
  };
  // Every must verified-pass or not-applicable: conformant, nothing listed.
  auto run = all(Outcome::kPassed);
  run.cases[2].outcome = Outcome::kSkipped;
  run.cases[2].skip_kind = SkipKind::kNotApplicable;
  auto summary = Summarise(run, RollUpRequirements(run));
  EXPECT_EQ(summary.verdict, RunVerdict::kConformant);
  EXPECT_TRUE(summary.blocking.empty());
  EXPECT_TRUE(summary.run_blockers.empty());

  // Interrupted: incomplete, and says so even with every must verified.
  run.interrupted = true;
  summary = Summarise(run, RollUpRequirements(run));
  EXPECT_EQ(summary.verdict, RunVerdict::kIncomplete);
  EXPECT_EQ(summary.run_blockers, std::vector<std::string>{"the run was interrupted"});

  // A not-covered must alone keeps it incomplete, as a not-verified one does.
  run = all(Outcome::kPassed);
  run.cases.pop_back();
  summary = Summarise(run, RollUpRequirements(run));
  EXPECT_EQ(summary.verdict, RunVerdict::kIncomplete);
  ASSERT_EQ(summary.blocking.size(), 1u);
  EXPECT_EQ(summary.blocking[0].status, RequirementStatus::kNotCovered);

  // Every must not applicable: nothing was verified.
  run = all(Outcome::kSkipped, SkipKind::kNotApplicable);
  summary = Summarise(run, RollUpRequirements(run));
  EXPECT_EQ(summary.verdict, RunVerdict::kIncomplete);
  EXPECT_TRUE(summary.blocking.empty());
  EXPECT_EQ(summary.run_blockers, std::vector<std::string>{"no case executed"});
  // ra2.os.003 is a may in 4.2: out of scope, but the case executed.
  run.cases.push_back(MakeCase("4.2.009", {"ra2.os.003"}, Outcome::kPassed));
  summary = Summarise(run, RollUpRequirements(run));
  EXPECT_EQ(summary.verdict, RunVerdict::kIncomplete);
  EXPECT_EQ(summary.run_blockers,
            std::vector<std::string>{"no must requirement in scope is verified-pass"});

  // A verified-fail must outweighs everything else.
  run = all(Outcome::kNotRun);
  run.cases[3].outcome = Outcome::kFailed;
  run.interrupted = true;
  EXPECT_EQ(Summarise(run, RollUpRequirements(run)).verdict, RunVerdict::kNotConformant);
}

TEST(VerdictsTest, CatalogueCoverageCountsOnlyTheProfilesCases) {
  CaseDefinition basic, intensive;
  basic.meta.id = "4.2.001";
  basic.meta.requirements = {"ra2.os.001", "ra2.os.002"};
  intensive.meta.id = "4.2.002";
  intensive.meta.requirements = {"ra2.os.001"};
  intensive.meta.profiles = {"network-intensive"};
  const auto coverage = CatalogueCoverage({basic, intensive}, "basic");
  EXPECT_EQ(coverage.at("ra2.os.001"), std::vector<std::string>{"4.2.001"});
  EXPECT_EQ(coverage.at("ra2.os.002"), std::vector<std::string>{"4.2.001"});
  EXPECT_EQ(CatalogueCoverage({basic, intensive}, "network-intensive").at("ra2.os.001"),
            (std::vector<std::string>{"4.2.001", "4.2.002"}));
}

TEST(VerdictsTest, InfrastructureErrorsAloneExitThree) {
  auto run = MakeRun({MakeCase("4.4.001", {"ra2.crt.001"}, Outcome::kPassed),
                      MakeCase("4.4.002", {"ra2.crt.002"}, Outcome::kError)});
  EXPECT_EQ(RunExitCode(run), 3);
  EXPECT_EQ(Find(RollUpRequirements(run), "ra2.crt.002").status, RequirementStatus::kNotVerified);
}

}  // namespace
}  // namespace ra2cert
