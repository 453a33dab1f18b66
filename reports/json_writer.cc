#include "reports/json_writer.h"

#include "harness/results/verdicts.h"
#include "reports/report_files.h"

namespace ra2cert {
namespace {
const char* SkipKindName(SkipKind kind) {
  switch (kind) {
    case SkipKind::kNone:
      return "";
    case SkipKind::kUnverifiable:
      return "unverifiable";
    case SkipKind::kNotApplicable:
      return "not-applicable";
  }
  return "";
}
}  // namespace

nlohmann::json RenderVerdictJson(const ConformanceSummary& summary) {
  using nlohmann::json;
  json blocking = json::array();
  for (const auto& b : summary.blocking) {
    blocking.push_back(
        {{"id", b.id}, {"status", RequirementStatusName(b.status)}, {"reason", b.reason}});
  }
  return {{"profile", summary.profile},
          {"verdict", RunVerdictName(summary.verdict)},
          {"executed_cases", summary.executed_cases},
          {"must_total", summary.must_total},
          {"must_verified_pass", summary.must_pass},
          {"must_verified_fail", summary.must_fail},
          {"must_not_verified", summary.must_not_verified},
          {"must_not_applicable", summary.must_not_applicable},
          {"must_not_covered", summary.must_not_covered},
          {"blocking", blocking},
          {"run_blockers", summary.run_blockers}};
}

nlohmann::json RenderResultsJson(const RunResult& run) {
  using nlohmann::json;
  json cases = json::array();
  for (const auto& c : run.cases) {
    const auto& meta = c.definition.meta;
    json entry = {{"id", meta.id},
                  {"title", meta.title},
                  {"section", c.definition.Section()},
                  {"requirements", meta.requirements},
                  {"profiles", meta.profiles},
                  {"needs", meta.needs},
                  {"source", c.definition.file + ":" + std::to_string(c.definition.line)},
                  {"outcome", OutcomeName(c.outcome)},
                  {"seconds", c.seconds},
                  {"attempts", c.attempts},
                  {"flaky", c.flaky}};
    if (c.outcome == Outcome::kSkipped) entry["skip_kind"] = SkipKindName(c.skip_kind);
    if (!c.message.empty()) entry["message"] = c.message;
    if (!c.file.empty()) entry["location"] = c.file + ":" + std::to_string(c.line);
    if (c.attempts > 0) entry["started"] = UtcTimestamp(c.started) + "Z";
    if (!c.log_path.empty()) entry["log"] = c.log_path;
    cases.push_back(std::move(entry));
  }
  const auto verdicts = RollUpRequirements(run);
  json requirements = json::array();
  for (const auto& v : verdicts) {
    requirements.push_back({{"id", v.requirement->id},
                            {"section", v.requirement->section},
                            {"kind", v.requirement->kind},
                            {"text", v.requirement->text},
                            {"status", RequirementStatusName(v.status)},
                            {"cases", v.case_ids},
                            {"reason", v.reason}});
  }
  const auto summary = Summarise(run, verdicts);
  std::map<std::string, int> counts;
  for (const auto& c : run.cases) ++counts[OutcomeName(c.outcome)];
  json capabilities = {{"present", run.capabilities.present}, {"absent", run.capabilities.absent}};
  return {{"schema", "ra2cert.results/v1"},
          {"harness_version", run.harness_version},
          {"run_id", run.run_id},
          {"environment", run.environment},
          {"hostname", run.hostname},
          {"started", UtcTimestamp(run.started) + "Z"},
          {"finished", run.complete ? json(UtcTimestamp(run.finished) + "Z") : json(nullptr)},
          {"complete", run.complete},
          {"interrupted", run.interrupted},
          {"cleanup",
           {{"leftovers_removed", run.leftovers_removed},
            {"error", run.cleanup_error.empty() ? json(nullptr) : json(run.cleanup_error)}}},
          {"selection",
           {{"profile", run.selection.profile},
            {"sections", run.selection.sections},
            {"focus", run.selection.focus},
            {"skip", run.selection.skip}}},
          {"capabilities", capabilities},
          {"counts", counts},
          {"verdict", RenderVerdictJson(summary)},
          {"cases", cases},
          {"requirements", requirements}};
}

}  // namespace ra2cert
