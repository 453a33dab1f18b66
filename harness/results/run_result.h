// Everything a run produced, in one printable value: reporters read only this.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "harness/catalogue/requirements.h"
#include "harness/plan/capabilities.h"
#include "harness/plan/plan.h"
#include "harness/results/case_result.h"

namespace ra2cert {

struct RunResult {
  std::string harness_version;
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
};

}  // namespace ra2cert
