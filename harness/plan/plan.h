// catalogue ∩ profile ∩ sections ∩ focus/skip, then each case's needs against the
// discovered capabilities: planned, or skipped with the reason.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "harness/catalogue/catalogue.h"
#include "harness/core/result.h"
#include "harness/plan/capabilities.h"

namespace ra2cert {

struct Selection {
  std::string profile = "basic";      // empty: every profile's cases (`list`, `rbac` by default)
  std::vector<std::string> sections;  // empty: all
  std::string focus;                  // RE2 regex on "id title"; empty: all
  std::string skip;                   // RE2 regex on "id title"; empty: none
};

struct PlannedCase {
  const CaseDefinition* definition = nullptr;
  bool runs = true;
  std::string skip_reason;      // when !runs
  bool not_applicable = false;  // when !runs: the requirement does not apply (else unverifiable)
  std::chrono::milliseconds timeout{0};
};

struct Plan {
  Selection selection;
  std::vector<PlannedCase> cases;  // catalogue order

  int RunnableCount() const;
};

// Errors name the flag: a bad --focus regex, an unknown --profile or --section.
Result<Plan> BuildPlan(const Catalogue& catalogue, const Selection& selection,
                       const Capabilities& capabilities, double timeout_multiplier = 1.0);

// Filtering only (no capabilities): what `ra2cert list` shows.
Result<std::vector<const CaseDefinition*>> SelectCases(const Catalogue& catalogue,
                                                       const Selection& selection);

}  // namespace ra2cert
