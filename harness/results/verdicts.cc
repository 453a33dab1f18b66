#include "harness/results/verdicts.h"

#include <algorithm>
#include <map>

namespace ra2cert {
namespace {
bool InScope(const Requirement& requirement, const Selection& selection) {
  if (!RequirementSet::InProfile(requirement, selection.profile)) return false;
  if (selection.sections.empty()) return true;
  return std::find(selection.sections.begin(), selection.sections.end(), requirement.section) !=
         selection.sections.end();
}

RequirementVerdict Judge(const Requirement& requirement,
                         const std::vector<const CaseResult*>& covering) {
  RequirementVerdict verdict{&requirement, RequirementStatus::kNotVerified, {}, {}};
  int passed = 0, not_applicable = 0;
  const CaseResult* failed = nullptr;
  const CaseResult* unverified = nullptr;
  for (const CaseResult* c : covering) {
    verdict.case_ids.push_back(c->definition.meta.id);
    if (c->outcome == Outcome::kPassed) {
      ++passed;
    } else if (c->outcome == Outcome::kFailed) {
      if (!failed) failed = c;
    } else if (c->outcome == Outcome::kSkipped && c->skip_kind == SkipKind::kNotApplicable) {
      ++not_applicable;
    } else if (!unverified) {
      unverified = c;
    }
  }
  if (covering.empty()) {
    verdict.reason = "no selected case covers it";
  } else if (failed) {
    verdict.status = RequirementStatus::kVerifiedFail;
    verdict.reason = failed->definition.meta.id + " failed";
  } else if (unverified) {
    verdict.reason =
        unverified->definition.meta.id + " " + std::string(OutcomeName(unverified->outcome));
    if (!unverified->message.empty()) verdict.reason += ": " + unverified->message;
  } else if (passed > 0) {
    verdict.status = RequirementStatus::kVerifiedPass;
    verdict.reason = std::to_string(passed) + " case(s) passed";
  } else if (not_applicable > 0) {
    verdict.status = RequirementStatus::kNotApplicable;
    verdict.reason = "every covering case found it not applicable";
  }
  return verdict;
}
}  // namespace

const char* RequirementStatusName(RequirementStatus status) {
  switch (status) {
    case RequirementStatus::kVerifiedPass:
      return "verified-pass";
    case RequirementStatus::kVerifiedFail:
      return "verified-fail";
    case RequirementStatus::kNotVerified:
      return "not-verified";
    case RequirementStatus::kNotApplicable:
      return "not-applicable";
  }
  return "unknown";
}

const char* RunVerdictName(RunVerdict verdict) {
  switch (verdict) {
    case RunVerdict::kConformant:
      return "conformant";
    case RunVerdict::kNotConformant:
      return "not-conformant";
    case RunVerdict::kIncomplete:
      return "incomplete";
  }
  return "unknown";
}

std::vector<RequirementVerdict> RollUpRequirements(const RunResult& run) {
  std::map<std::string, std::vector<const CaseResult*>> covering;
  for (const auto& c : run.cases) {
    for (const auto& id : c.definition.meta.requirements) covering[id].push_back(&c);
  }
  std::vector<RequirementVerdict> verdicts;
  if (!run.requirements) return verdicts;
  for (const auto& requirement : run.requirements->requirements) {
    if (!InScope(requirement, run.selection)) continue;
    verdicts.push_back(Judge(requirement, covering[requirement.id]));
  }
  return verdicts;
}

ConformanceSummary Summarise(const RunResult& run,
                             const std::vector<RequirementVerdict>& verdicts) {
  ConformanceSummary summary;
  summary.profile = run.selection.profile;
  for (const auto& c : run.cases) summary.executed_cases += Executed(c.outcome) ? 1 : 0;
  for (const auto& v : verdicts) {
    if (v.requirement->kind != "must") continue;
    ++summary.must_total;
    switch (v.status) {
      case RequirementStatus::kVerifiedPass:
        ++summary.must_pass;
        break;
      case RequirementStatus::kVerifiedFail:
        ++summary.must_fail;
        break;
      case RequirementStatus::kNotVerified:
        ++summary.must_not_verified;
        break;
      case RequirementStatus::kNotApplicable:
        ++summary.must_not_applicable;
        break;
    }
  }
  if (summary.must_fail > 0) {
    summary.verdict = RunVerdict::kNotConformant;
  } else if (summary.must_not_verified > 0 || summary.executed_cases == 0 ||
             summary.must_pass == 0 || run.interrupted) {
    summary.verdict = RunVerdict::kIncomplete;
  } else {
    summary.verdict = RunVerdict::kConformant;
  }
  return summary;
}

int RunExitCode(const RunResult& run) {
  if (run.interrupted) return 130;
  bool failed = false, infra = false, passed = false;
  for (const auto& c : run.cases) {
    failed |= c.outcome == Outcome::kFailed || c.outcome == Outcome::kTimedOut;
    infra |= c.outcome == Outcome::kError;
    passed |= c.outcome == Outcome::kPassed;
  }
  if (failed) return 1;
  if (infra) return 3;
  return passed ? 0 : 1;
}

}  // namespace ra2cert
