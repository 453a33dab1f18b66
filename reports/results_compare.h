// `ra2cert compare OLD NEW`: what changed between two runs' results.json — the nightly
// job's question. A regression is a case that now fails (Failed, Error, TimedOut) and did
// not before, a case that passed and is now Skipped or NotRun (a lost verification), or a
// requirement that was verified-pass and is no longer.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/core/result.h"

namespace ra2cert {

struct ResultsDiff {
  struct CaseChange {
    std::string id, title, before, after;
  };
  struct RequirementChange {
    std::string id, before, after;
    std::string reason;  // the newer run's reason for its status, when it gives one
  };
  std::vector<CaseChange> regressions, fixes, other_changes;
  // Passed before, Skipped or NotRun now: nothing checks the requirement any more.
  std::vector<CaseChange> lost_verifications;
  std::vector<std::string> added, removed;  // case ids
  std::vector<RequirementChange> requirement_changes;
  std::string verdict_before, verdict_after;

  bool HasRegression() const;
  std::string Render() const;  // for people, one line per change
};

ResultsDiff CompareResults(const nlohmann::json& before, const nlohmann::json& after);

// The text of a results.json, its structure checked (cases with unique ids and known
// outcomes, requirements with ids and statuses); errors name `where` and carry code 2.
Result<nlohmann::json> ParseResults(const std::string& text, const std::string& where);
// A results.json path or a directory holding one. Errors name the path.
Result<nlohmann::json> LoadResults(const std::string& path);

}  // namespace ra2cert
