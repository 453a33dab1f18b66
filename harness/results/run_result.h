// Everything a run produced, in one printable value: reporters read only this.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "harness/catalogue/requirements.h"
#include "harness/plan/capabilities.h"
#include "harness/plan/plan.h"
#include "harness/results/case_result.h"

namespace ra2cert {

struct RunResult {
  std::string harness_version;
  // Labels every namespace the run's cases create (ra2cert.io/run); see run_objects.h.
  std::string run_id;
  std::string environment;  // "attach https://…", "local", "none"
  std::string hostname;
  Selection selection;
  Capabilities capabilities;
  std::chrono::system_clock::time_point started{};
  std::chrono::system_clock::time_point finished{};
  bool interrupted = false;
  bool complete = false;          // false while a run is still in progress (incremental writes)
  std::vector<CaseResult> cases;  // plan order
  const RequirementSet* requirements = nullptr;
  // Requirement id -> the catalogue's cases for the profile that cover it, selected or not
  // (CatalogueCoverage): tells a requirement no case covers (not-covered) from one whose
  // cases the selection left out (not-verified). Without it only the selected cases count.
  std::map<std::string, std::vector<std::string>> catalogue_coverage;
  // The end-of-run sweep of the run's label: namespaces a case left (killed before its own
  // cleanup), and why the sweep could not run when it could not (the API was down).
  std::vector<std::string> leftovers_removed;
  std::string cleanup_error;
};

}  // namespace ra2cert
