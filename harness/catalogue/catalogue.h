// The validated set of cases this binary carries, sorted by id.
#pragma once

#include <vector>

#include "harness/catalogue/case_metadata.h"
#include "harness/catalogue/requirements.h"
#include "harness/core/result.h"

namespace ra2cert {

struct Catalogue {
  std::vector<CaseDefinition> cases;
  const RequirementSet* requirements = nullptr;

  const CaseDefinition* Find(const std::string& id) const;
};

// Fails with every problem found (one per line): malformed or duplicate ids, unknown
// sections, requirements, profiles or needs, empty titles, non-positive timeouts.
Result<Catalogue> BuildCatalogue(std::vector<CaseDefinition> cases,
                                 const RequirementSet& requirements);

}  // namespace ra2cert
