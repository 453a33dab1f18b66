#include "harness/catalogue/catalogue.h"

#include <algorithm>
#include <map>
#include <regex>

#include "harness/catalogue/violations.h"
#include "harness/plan/capabilities.h"

namespace ra2cert {
namespace {
const std::regex kIdPattern(R"(\d+\.\d+\.\d{3})");

std::vector<std::string> ProblemsOf(const CaseDefinition& c, const RequirementSet& requirements) {
  std::vector<std::string> problems;
  const std::string where = c.file + ":" + std::to_string(c.line) + ": case '" + c.meta.id + "'";
  if (!std::regex_match(c.meta.id, kIdPattern)) {
    problems.push_back(where + ": id must look like S.S.NNN (e.g. 4.4.003)");
  } else if (!requirements.sections.contains(c.Section())) {
    problems.push_back(where + ": section " + c.Section() + " is not an RA2 chapter 4 section");
  }
  if (c.meta.title.empty()) problems.push_back(where + ": title is empty");
  if (c.meta.requirements.empty()) problems.push_back(where + ": cites no requirement id");
  for (const auto& id : c.meta.requirements) {
    const Requirement* requirement = requirements.Find(id);
    if (!requirement) {
      problems.push_back(where + ": unknown requirement id '" + id +
                         "' (see suites/requirements.yaml)");
    } else if (!requirement->uncovered.empty()) {
      problems.push_back(where + ": covers " + id +
                         ", which suites/requirements.yaml says no case covers (uncovered): "
                         "drop that reason");
    }
  }
  if (c.meta.profiles.empty()) problems.push_back(where + ": belongs to no profile");
  for (const auto& profile : c.meta.profiles) {
    if (profile != "basic" && profile != "network-intensive") {
      problems.push_back(where + ": unknown profile '" + profile +
                         "' (use basic or network-intensive)");
    }
  }
  for (const auto& need : c.meta.needs) {
    if (!IsKnownCapability(need)) {
      problems.push_back(where + ": unknown need '" + need + "' (known: " + KnownCapabilityList() +
                         ")");
    }
  }
  if (c.meta.timeout.count() <= 0) problems.push_back(where + ": timeout must be positive");
  // Every case proves it can fail: it names its negative control, or says why it has none.
  if (c.meta.violations.empty() && c.meta.no_violation_reason.empty()) {
    problems.push_back(where +
                       ": names no violation that makes it fail (.violations) and no reason why "
                       "none can be seeded (.no_violation_reason)");
  }
  for (const auto& name : c.meta.violations) {
    if (!BuiltinViolations().Find(name)) {
      problems.push_back(where + ": unknown violation '" + name +
                         "' (see environments/local/violations.yaml)");
    }
  }
  // Every case says what it asks of the API, so the least-privilege role is derived.
  if (c.meta.api_access.empty() && !c.meta.no_api_access) {
    problems.push_back(where +
                       ": declares no Kubernetes API access (.api_access) and does not say it "
                       "needs none (.no_api_access = true)");
  }
  if (!c.meta.api_access.empty() && c.meta.no_api_access) {
    problems.push_back(where + ": declares API access and .no_api_access = true: drop one");
  }
  for (const auto& access : c.meta.api_access) {
    for (const auto& problem : ApiAccessProblems(access)) {
      problems.push_back(where + ": api_access '" + DescribeAccess(access) + "': " + problem);
    }
  }
  return problems;
}
}  // namespace

const CaseDefinition* Catalogue::Find(const std::string& id) const {
  for (const auto& c : cases) {
    if (c.meta.id == id) return &c;
  }
  return nullptr;
}

Result<Catalogue> BuildCatalogue(std::vector<CaseDefinition> cases,
                                 const RequirementSet& requirements) {
  std::vector<std::string> problems;
  std::map<std::string, const CaseDefinition*> by_id;
  for (const auto& c : cases) {
    for (auto& problem : ProblemsOf(c, requirements)) problems.push_back(std::move(problem));
    auto [it, inserted] = by_id.emplace(c.meta.id, &c);
    if (!inserted) {
      problems.push_back("case id " + c.meta.id + " is declared twice: " + it->second->file + ":" +
                         std::to_string(it->second->line) + " and " + c.file + ":" +
                         std::to_string(c.line));
    }
  }
  if (!problems.empty()) {
    std::string message = "the case catalogue is invalid:";
    for (const auto& problem : problems) message += "\n  " + problem;
    return Error(message);
  }
  std::sort(cases.begin(), cases.end(),
            [](const CaseDefinition& a, const CaseDefinition& b) { return a.meta.id < b.meta.id; });
  return Catalogue{std::move(cases), &requirements};
}

}  // namespace ra2cert
