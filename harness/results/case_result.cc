#include "harness/results/case_result.h"

namespace ra2cert {

const char* OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kPassed:
      return "Passed";
    case Outcome::kFailed:
      return "Failed";
    case Outcome::kSkipped:
      return "Skipped";
    case Outcome::kError:
      return "Error";
    case Outcome::kTimedOut:
      return "TimedOut";
    case Outcome::kNotRun:
      return "NotRun";
  }
  return "Unknown";
}

bool Executed(Outcome outcome) {
  return outcome != Outcome::kSkipped && outcome != Outcome::kNotRun;
}

bool IsProblem(Outcome outcome) {
  return outcome == Outcome::kFailed || outcome == Outcome::kError || outcome == Outcome::kTimedOut;
}

}  // namespace ra2cert
