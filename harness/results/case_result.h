// The outcome of one case, as every reporter sees it.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "harness/catalogue/case_metadata.h"

namespace ra2cert {

enum class Outcome { kPassed, kFailed, kSkipped, kError, kTimedOut, kNotRun };
enum class SkipKind { kNone, kUnverifiable, kNotApplicable };

const char* OutcomeName(Outcome outcome);  // "Passed", "Failed", ...
bool Executed(Outcome outcome);            // ran to a verdict or broke: not Skipped/NotRun
bool IsProblem(Outcome outcome);           // Failed, Error or TimedOut

struct CaseResult {
  CaseDefinition definition;
  Outcome outcome = Outcome::kNotRun;
  SkipKind skip_kind = SkipKind::kNone;
  std::string message;  // why it did not pass; the skip reason for Skipped
  std::string file;     // where the failure was raised, when known
  int line = 0;
  std::chrono::system_clock::time_point started{};
  double seconds = 0;
  int attempts = 0;
  bool flaky = false;    // failed, then passed on a retry
  std::string log_path;  // relative to the output directory
};

}  // namespace ra2cert
