// What a test case declares about itself, next to its check: the plan, the listing,
// the reports and the requirement matrix are all derived from this.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "harness/catalogue/api_access.h"

namespace ra2cert {

struct CaseMetadata {
  std::string id;                         // "S.S.NNN", S.S = the RA2 section, e.g. "4.4.003"
  std::string title;                      // one line, says what is checked
  std::vector<std::string> requirements;  // ids from suites/requirements.yaml
  std::vector<std::string> profiles = {"basic", "network-intensive"};
  std::vector<std::string> needs;  // capabilities: "cluster", "cri", "helm", ...
  std::chrono::seconds timeout{60};
  // The negative controls: seeded violations of the local cluster (by name, see
  // environments/local/violations.yaml) on which this case must end Failed.
  std::vector<std::string> violations;
  // Why the case has no negative control, when it has none (e.g. a hardware fact that
  // cannot be seeded). A case needs one of the two.
  std::string no_violation_reason;
  // The Kubernetes API access the case's body and helpers need: `ra2cert rbac` grants
  // exactly this (see api_access.h).
  std::vector<ApiAccess> api_access;
  // A case that never calls the Kubernetes API (it speaks CRI only) says so; a case
  // declares either this or its api_access.
  bool no_api_access = false;
};

// A case as the catalogue knows it: the metadata plus where the check lives.
struct CaseDefinition {
  CaseMetadata meta;
  std::string gtest_name;  // "Suite.Name", what the case process hands to --gtest_filter
  std::string file;
  int line = 0;

  // "4.4" for "4.4.003"; empty when the id is malformed (the catalogue reports that).
  std::string Section() const;
};

}  // namespace ra2cert
