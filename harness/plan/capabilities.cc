#include "harness/plan/capabilities.h"

#include <array>
#include <string_view>

namespace ra2cert {
namespace {
struct KnownCapability {
  std::string_view name;
  AbsenceMeans absent;
};

// The vocabulary of needs. A new capability is added here together with the provider
// code that discovers it, and with what its absence means for a case.
constexpr std::array<KnownCapability, 5> kKnown = {{
    {"cluster", AbsenceMeans::kUnverifiable},         // a reachable Kubernetes API server
    {"cri", AbsenceMeans::kUnverifiable},             // a CRI socket the harness can call
    {"helm", AbsenceMeans::kUnverifiable},            // a Helm (v3 or newer) client here
    {"windows-nodes", AbsenceMeans::kNotApplicable},  // nodes with kubernetes.io/os=windows
                                                      // (RA2: Windows workers "may" be used)
    {"local-cluster", AbsenceMeans::kUnverifiable},   // spun up by ra2cert: hosts inspectable
}};
}  // namespace

std::string Capabilities::WhyAbsent(const std::string& name) const {
  auto it = absent.find(name);
  if (it != absent.end()) return it->second;
  return "the environment does not provide '" + name + "'";
}

bool IsKnownCapability(const std::string& name) {
  for (const auto& known : kKnown) {
    if (known.name == name) return true;
  }
  return false;
}

std::string KnownCapabilityList() {
  std::string list;
  for (const auto& known : kKnown) {
    if (!list.empty()) list += ", ";
    list += known.name;
  }
  return list;
}

AbsenceMeans WhatAbsenceMeans(const std::string& name) {
  for (const auto& known : kKnown) {
    if (known.name == name) return known.absent;
  }
  return AbsenceMeans::kUnverifiable;
}

const char* AbsenceMeansName(AbsenceMeans means) {
  return means == AbsenceMeans::kNotApplicable ? "not-applicable" : "unverifiable";
}

}  // namespace ra2cert
