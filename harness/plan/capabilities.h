// What the environment offers, as discovered by a provider. A case's `needs` are
// checked against it when the plan is built; a missing capability skips the case with
// the provider's reason, so the report says why nothing ran.
//
// A need may only stand for something whose absence makes the case's requirement
// inapplicable (an optional feature the cluster does not offer) or makes the harness
// unable to ask (no cluster given, no CRI socket it can reach, no Helm client here). A
// capability a `must` requirement asks for (a sandbox runtime, a Ready worker) is never a
// need: the case runs and fails without it.
#pragma once

#include <map>
#include <string>

namespace ra2cert {

struct Capabilities {
  std::map<std::string, std::string> present;  // capability -> evidence ("3 nodes Ready")
  std::map<std::string, std::string> absent;   // capability -> why it is missing

  bool Has(const std::string& name) const { return present.contains(name); }
  // The provider's reason, or a generic one when it never looked.
  std::string WhyAbsent(const std::string& name) const;
};

// What a missing capability makes of a case that needs it.
enum class AbsenceMeans {
  kNotApplicable,  // the requirement does not apply to this cluster: not-applicable
  kUnverifiable,   // the harness cannot ask the question here: not verified
};

bool IsKnownCapability(const std::string& name);
std::string KnownCapabilityList();  // "cluster, cri, ..." for error messages
AbsenceMeans WhatAbsenceMeans(const std::string& name);
const char* AbsenceMeansName(AbsenceMeans means);  // "not-applicable" | "unverifiable"

}  // namespace ra2cert
