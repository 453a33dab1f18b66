// What the environment offers, as discovered by a provider. A case's `needs` are
// checked against it when the plan is built; a missing capability skips the case with
// the provider's reason, so the report says why nothing ran.
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

bool IsKnownCapability(const std::string& name);
std::string KnownCapabilityList();  // "cluster, cri, ..." for error messages

}  // namespace ra2cert
