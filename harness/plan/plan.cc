#include "harness/plan/plan.h"

#include <re2/re2.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>

#include "harness/core/bounded_file.h"

namespace ra2cert {
namespace {
// RE2 matches in time linear in the title: a pattern such as (a+)+$ cannot hang a run the
// way a backtracking engine (std::regex) does.
Result<std::shared_ptr<const RE2>> CompileFilter(const std::string& pattern, const char* flag) {
  if (pattern.empty()) return std::shared_ptr<const RE2>();
  RE2::Options options;
  options.set_log_errors(false);
  auto compiled = std::make_shared<const RE2>(pattern, options);
  if (!compiled->ok()) {
    return Error(std::string(flag) + ": '" + PrintableExcerpt(pattern) +
                     "' is not a valid regular expression (RE2: " +
                     PrintableExcerpt(compiled->error(), 200) + ")",
                 2);
  }
  return compiled;
}

bool Contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}
}  // namespace

int Plan::RunnableCount() const {
  return static_cast<int>(
      std::count_if(cases.begin(), cases.end(), [](const PlannedCase& c) { return c.runs; }));
}

Result<std::vector<const CaseDefinition*>> SelectCases(const Catalogue& catalogue,
                                                       const Selection& selection) {
  if (!selection.profile.empty() && selection.profile != "basic" &&
      selection.profile != "network-intensive") {
    return Error("--profile: unknown profile '" + PrintableExcerpt(selection.profile) +
                     "' (use basic or network-intensive)",
                 2);
  }
  for (const auto& section : selection.sections) {
    if (!catalogue.requirements->sections.contains(section)) {
      return Error("--section: '" + PrintableExcerpt(section) +
                       "' is not an RA2 chapter 4 section (4.2 to 4.9)",
                   2);
    }
  }
  auto focus = CompileFilter(selection.focus, "--focus");
  if (!focus) return focus.error();
  auto skip = CompileFilter(selection.skip, "--skip");
  if (!skip) return skip.error();

  std::vector<const CaseDefinition*> selected;
  for (const auto& c : catalogue.cases) {
    if (!selection.profile.empty() && !Contains(c.meta.profiles, selection.profile)) continue;
    if (!selection.sections.empty() && !Contains(selection.sections, c.Section())) continue;
    const std::string subject = c.meta.id + " " + c.meta.title;
    if (*focus && !RE2::PartialMatch(subject, **focus)) continue;
    if (*skip && RE2::PartialMatch(subject, **skip)) continue;
    selected.push_back(&c);
  }
  return selected;
}

Result<Plan> BuildPlan(const Catalogue& catalogue, const Selection& selection,
                       const Capabilities& capabilities, double timeout_multiplier) {
  if (!(timeout_multiplier > 0) || !std::isfinite(timeout_multiplier)) {
    return Error("--timeout-multiplier: must be a positive number");
  }
  auto selected = SelectCases(catalogue, selection);
  if (!selected) return selected.error();
  Plan plan{selection, {}};
  for (const CaseDefinition* c : *selected) {
    PlannedCase planned;
    planned.definition = c;
    planned.timeout = std::chrono::milliseconds(static_cast<long long>(
        std::llround(static_cast<double>(c->meta.timeout.count()) * 1000.0 * timeout_multiplier)));
    for (const auto& need : c->meta.needs) {
      if (!capabilities.Has(need)) {
        planned.runs = false;
        planned.skip_reason = "needs '" + need + "': " + capabilities.WhyAbsent(need);
        planned.not_applicable = WhatAbsenceMeans(need) == AbsenceMeans::kNotApplicable;
        break;
      }
    }
    plan.cases.push_back(std::move(planned));
  }
  return plan;
}

}  // namespace ra2cert
