// The RA2 requirement list, kept as data (suites/requirements.yaml) and compiled into
// the binary so a run never depends on a file next to it.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "harness/core/result.h"

namespace ra2cert {

struct Requirement {
  std::string id;        // "ra2.crt.002"
  std::string section;   // "4.4"
  std::string kind;      // must | should | may
  std::string profile;   // any | basic | network-intensive
  std::string testable;  // api | node | cri | doc | hw
  std::string text;
  // Why no case checks it yet, when none does (`uncovered:` in requirements.yaml): the report
  // says so instead of a bare "not covered".
  std::string uncovered;
};

struct RequirementSet {
  std::map<std::string, std::string> sections;  // "4.4" -> "Container runtimes"
  std::vector<Requirement> requirements;        // in file order

  const Requirement* Find(const std::string& id) const;
  // A requirement belongs to a profile when it names it or says "any".
  static bool InProfile(const Requirement& requirement, const std::string& profile);
};

// `source` names the text in error messages (a file path or "built-in requirements").
Result<RequirementSet> ParseRequirements(const std::string& yaml_text, const std::string& source);

const RequirementSet& BuiltinRequirements();

}  // namespace ra2cert
