// Requirement verdicts roll up from case outcomes; the run's verdict per profile rolls
// up from the `must` requirements in scope. Zero executed cases never count as a pass.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "harness/results/run_result.h"

namespace ra2cert {

// What each means: RequirementStatusMeaning. not-covered is a gap in the catalogue, not
// a fault of the cluster; on the run verdict it weighs like not-verified.
enum class RequirementStatus {
  kVerifiedPass,
  kVerifiedFail,
  kNotVerified,
  kNotApplicable,
  kNotCovered
};
enum class RunVerdict { kConformant, kNotConformant, kIncomplete };

const char* RequirementStatusName(RequirementStatus status);  // "verified-pass", ...
const char* RunVerdictName(RunVerdict verdict);               // "conformant", ...
// One line for a legend: what the status says about the requirement.
const char* RequirementStatusMeaning(RequirementStatus status);
inline constexpr RequirementStatus kRequirementStatuses[] = {
    RequirementStatus::kVerifiedPass, RequirementStatus::kVerifiedFail,
    RequirementStatus::kNotVerified, RequirementStatus::kNotApplicable,
    RequirementStatus::kNotCovered};

struct RequirementVerdict {
  const Requirement* requirement = nullptr;
  RequirementStatus status = RequirementStatus::kNotVerified;
  std::vector<std::string> case_ids;  // covering cases that were selected
  std::string reason;                 // one line: why this status
};

// A must requirement that keeps the run from `conformant`.
struct BlockingRequirement {
  std::string id;
  RequirementStatus status = RequirementStatus::kNotVerified;
  std::string reason;  // one line
};

// conformant: every must in scope is verified-pass or not-applicable, at least one is
// verified-pass, a case executed and the run was not interrupted. not-conformant: a must
// is verified-fail. Otherwise incomplete.
struct ConformanceSummary {
  std::string profile;
  RunVerdict verdict = RunVerdict::kIncomplete;
  int must_total = 0, must_pass = 0, must_fail = 0, must_not_verified = 0, must_not_applicable = 0,
      must_not_covered = 0;
  int executed_cases = 0;
  // verified-fail first, then not-verified, then not-covered; requirement-file order within.
  std::vector<BlockingRequirement> blocking;
  // What else keeps the run from conformant: interrupted, nothing executed, no must verified.
  std::vector<std::string> run_blockers;
};

// The requirements in scope: in the selected profile, and in the selected sections.
std::vector<RequirementVerdict> RollUpRequirements(const RunResult& run);
ConformanceSummary Summarise(const RunResult& run, const std::vector<RequirementVerdict>& verdicts);

// What RunResult::catalogue_coverage holds: requirement id -> ids of the cases that cover
// it and run in `profile`, in catalogue order.
std::map<std::string, std::vector<std::string>> CatalogueCoverage(
    const std::vector<CaseDefinition>& cases, const std::string& profile);

// Process exit code for a finished run: 0 every executed case passed and at least one
// ran; 1 a case failed or timed out, or nothing ran; 3 only infrastructure errors;
// 130 interrupted.
int RunExitCode(const RunResult& run);

}  // namespace ra2cert
