#include "harness/results/verdicts.h"

#include <gtest/gtest.h>

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
  run.requirements = &BuiltinRequirements();
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
  EXPECT_EQ(Find(verdicts, "sec.sys.021").reason, "no selected case covers it");
  EXPECT_EQ(Summarise(run, verdicts).verdict, RunVerdict::kIncomplete);
  EXPECT_EQ(RunExitCode(run), 0);
  run.cases.push_back(MakeCase("4.4.004", {"sec.sys.021"}, Outcome::kPassed));
  EXPECT_EQ(Summarise(run, RollUpRequirements(run)).verdict, RunVerdict::kConformant);
  run.interrupted = true;
  EXPECT_EQ(Summarise(run, RollUpRequirements(run)).verdict, RunVerdict::kIncomplete);
  EXPECT_EQ(RunExitCode(run), 130);
}

TEST(VerdictsTest, InfrastructureErrorsAloneExitThree) {
  auto run = MakeRun({MakeCase("4.4.001", {"ra2.crt.001"}, Outcome::kPassed),
                      MakeCase("4.4.002", {"ra2.crt.002"}, Outcome::kError)});
  EXPECT_EQ(RunExitCode(run), 3);
  EXPECT_EQ(Find(RollUpRequirements(run), "ra2.crt.002").status, RequirementStatus::kNotVerified);
}

}  // namespace
}  // namespace ra2cert
