#include "harness/results/verdicts.h"

#include <algorithm>
#include <map>

#include "harness/core/joined.h"

namespace ra2cert {
namespace {
bool InScope(const Requirement& requirement, const Selection& selection) {
  if (!RequirementSet::InProfile(requirement, selection.profile)) return false;
  if (selection.sections.empty()) return true;
  return std::find(selection.sections.begin(), selection.sections.end(), requirement.section) !=
         selection.sections.end();
}

// Reasons are one line: the case table and the failure evidence carry the rest.
std::string FirstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

RequirementVerdict Judge(const Requirement& requirement,
                         const std::vector<const CaseResult*>& covering,
                         const std::vector<std::string>& catalogue_cases) {
  RequirementVerdict verdict{&requirement, RequirementStatus::kNotVerified, {}, {}};
  int passed = 0;
  std::vector<std::string> failed, not_applicable;
  const CaseResult* unverified = nullptr;
  for (const CaseResult* c : covering) {
    const std::string& id = c->definition.meta.id;
    verdict.case_ids.push_back(id);
    if (c->outcome == Outcome::kPassed) {
      ++passed;
    } else if (c->outcome == Outcome::kFailed) {
      failed.push_back(id);
    } else if (c->outcome == Outcome::kSkipped && c->skip_kind == SkipKind::kNotApplicable) {
      not_applicable.push_back(id + " not applicable" +
                               (c->message.empty() ? "" : ": " + FirstLine(c->message)));
    } else if (!unverified) {
      unverified = c;
    }
  }
  if (covering.empty() && !catalogue_cases.empty()) {
    verdict.reason = "no selected case covers it: " + Joined(catalogue_cases, ", ") +
                     " left out by --focus/--skip/--section";
  } else if (covering.empty()) {
    verdict.status = RequirementStatus::kNotCovered;
    verdict.reason =
        requirement.testable == "doc" || requirement.testable == "hw"
            ? "only a vendor declaration can show it (testable: " + requirement.testable + ")"
        : requirement.uncovered.empty()
            ? "no case in the catalogue covers it"
            : "no case in the catalogue covers it: " + requirement.uncovered;
  } else if (!failed.empty()) {
    verdict.status = RequirementStatus::kVerifiedFail;
    verdict.reason = Joined(failed, ", ") + " failed";
  } else if (unverified) {
    verdict.reason =
        unverified->definition.meta.id + " " + std::string(OutcomeName(unverified->outcome));
    if (!unverified->message.empty()) verdict.reason += ": " + FirstLine(unverified->message);
  } else if (passed > 0) {
    verdict.status = RequirementStatus::kVerifiedPass;
    verdict.reason = std::to_string(passed) + " case(s) passed";
  } else {
    verdict.status = RequirementStatus::kNotApplicable;
    verdict.reason = Joined(not_applicable, "; ");
  }
  return verdict;
}

int BlockingRank(RequirementStatus status) {
  switch (status) {
    case RequirementStatus::kVerifiedFail:
      return 0;
    case RequirementStatus::kNotVerified:
      return 1;
    case RequirementStatus::kNotCovered:
      return 2;
    case RequirementStatus::kVerifiedPass:
    case RequirementStatus::kNotApplicable:
      break;
  }
  return -1;  // does not block
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
    case RequirementStatus::kNotCovered:
      return "not-covered";
  }
  return "unknown";
}

const char* RequirementStatusMeaning(RequirementStatus status) {
  switch (status) {
    case RequirementStatus::kVerifiedPass:
      return "its cases ran and passed";
    case RequirementStatus::kVerifiedFail:
      return "a case failed: the cluster does not meet it";
    case RequirementStatus::kNotVerified:
      return "a case could not decide (Error, TimedOut, NotRun, or skipped as unverifiable), "
             "or the selection left its cases out";
    case RequirementStatus::kNotApplicable:
      return "every case found that it does not apply, and says why";
    case RequirementStatus::kNotCovered:
      return "no case in the catalogue checks it; for testable doc or hw only a vendor "
             "declaration can show it";
  }
  return "";
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
    const auto coverage = run.catalogue_coverage.find(requirement.id);
    verdicts.push_back(Judge(
        requirement, covering[requirement.id],
        coverage == run.catalogue_coverage.end() ? std::vector<std::string>{} : coverage->second));
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
      case RequirementStatus::kNotCovered:
        ++summary.must_not_covered;
        break;
    }
    if (BlockingRank(v.status) >= 0)
      summary.blocking.push_back({v.requirement->id, v.status, v.reason});
  }
  std::stable_sort(summary.blocking.begin(), summary.blocking.end(),
                   [](const BlockingRequirement& a, const BlockingRequirement& b) {
                     return BlockingRank(a.status) < BlockingRank(b.status);
                   });
  if (run.interrupted) summary.run_blockers.push_back("the run was interrupted");
  if (summary.executed_cases == 0) summary.run_blockers.push_back("no case executed");
  // Only when no must blocks: all musts not-applicable (or none in scope) verifies nothing.
  if (summary.must_pass == 0 && summary.blocking.empty() && summary.executed_cases > 0)
    summary.run_blockers.push_back("no must requirement in scope is verified-pass");
  if (summary.must_fail > 0) {
    summary.verdict = RunVerdict::kNotConformant;
  } else if (!summary.blocking.empty() || !summary.run_blockers.empty()) {
    summary.verdict = RunVerdict::kIncomplete;
  } else {
    summary.verdict = RunVerdict::kConformant;
  }
  return summary;
}

std::map<std::string, std::vector<std::string>> CatalogueCoverage(
    const std::vector<CaseDefinition>& cases, const std::string& profile) {
  std::map<std::string, std::vector<std::string>> coverage;
  for (const auto& c : cases) {
    const auto& profiles = c.meta.profiles;
    if (std::find(profiles.begin(), profiles.end(), profile) == profiles.end()) continue;
    for (const auto& id : c.meta.requirements) coverage[id].push_back(c.meta.id);
  }
  return coverage;
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
