// The seeded violations of the local cluster (environments/local/violations.yaml, compiled
// into the binary): the negative controls each case names in its metadata.
#pragma once

#include <string>
#include <vector>

#include "harness/core/result.h"

namespace ra2cert {

struct Violation {
  std::string name;                 // "scheduler-stopped"
  std::string kind;                 // live | spin-up
  std::vector<std::string> breaks;  // requirement ids
  std::string description;          // what is done to the cluster
  std::string evidence;             // ERE (case-insensitive) a failing case's message must match
  std::string needs;                // what the cluster must have for it ("" = nothing special)
  // spin-up only: the part of the cluster that starts differently ("kube-apiserver",
  // "ra2cert-node2"). Two spin-up violations that change the same part cannot share a cluster.
  std::string changes;
};

struct ViolationSet {
  std::vector<Violation> violations;  // in file order

  const Violation* Find(const std::string& name) const;
  std::string Names() const;  // "a, b, c" for error messages
};

// `source` names the text in error messages.
Result<ViolationSet> ParseViolations(const std::string& yaml_text, const std::string& source);

const ViolationSet& BuiltinViolations();

// Checks a --violate list ("a,b"): every name known, no two spin-up ones changing the same
// part; returns them split.
Result<std::vector<std::string>> ParseViolateFlag(const std::string& flag_value,
                                                  const ViolationSet& violations);

}  // namespace ra2cert
