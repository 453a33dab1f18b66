// Requirement verdicts roll up from case outcomes; the run's verdict per profile rolls
// up from the `must` requirements in scope. Zero executed cases never count as a pass.
#pragma once

#include <string>
#include <vector>

#include "harness/results/run_result.h"

namespace ra2cert {

enum class RequirementStatus { kVerifiedPass, kVerifiedFail, kNotVerified, kNotApplicable };
enum class RunVerdict { kConformant, kNotConformant, kIncomplete };

const char* RequirementStatusName(RequirementStatus status);  // "verified-pass", ...
const char* RunVerdictName(RunVerdict verdict);               // "conformant", ...

struct RequirementVerdict {
  const Requirement* requirement = nullptr;
  RequirementStatus status = RequirementStatus::kNotVerified;
  std::vector<std::string> case_ids;  // covering cases that were selected
  std::string reason;                 // one line: why this status
};

struct ConformanceSummary {
  std::string profile;
  RunVerdict verdict = RunVerdict::kIncomplete;
  int must_total = 0, must_pass = 0, must_fail = 0, must_not_verified = 0, must_not_applicable = 0;
  int executed_cases = 0;
};

// The requirements in scope: in the selected profile, and in the selected sections.
std::vector<RequirementVerdict> RollUpRequirements(const RunResult& run);
ConformanceSummary Summarise(const RunResult& run, const std::vector<RequirementVerdict>& verdicts);

// Process exit code for a finished run: 0 every executed case passed and at least one
// ran; 1 a case failed or timed out, or nothing ran; 3 only infrastructure errors;
// 130 interrupted.
int RunExitCode(const RunResult& run);

}  // namespace ra2cert
