#include "harness/plan/capabilities.h"

#include <array>
#include <string_view>

namespace ra2cert {
namespace {
// The vocabulary of needs. A new capability is added here together with the provider
// code that discovers it.
constexpr std::array<std::string_view, 8> kKnown = {
    "cluster",          // a reachable Kubernetes API server
    "cri",              // a CRI socket the harness can call
    "helm",             // a Helm v3 client on PATH
    "runtime-class",    // at least one RuntimeClass besides the default
    "sandbox-runtime",  // a RuntimeClass whose handler isolates (gVisor, Kata)
    "windows-nodes",    // at least one node with kubernetes.io/os=windows
    "multi-node",       // at least one control-plane node and one worker
    "local-cluster",    // the cluster was spun up by ra2cert (its hosts are inspectable)
};
}  // namespace

std::string Capabilities::WhyAbsent(const std::string& name) const {
  auto it = absent.find(name);
  if (it != absent.end()) return it->second;
  return "the environment does not provide '" + name + "'";
}

bool IsKnownCapability(const std::string& name) {
  for (auto known : kKnown) {
    if (known == name) return true;
  }
  return false;
}

std::string KnownCapabilityList() {
  std::string list;
  for (auto known : kKnown) {
    if (!list.empty()) list += ", ";
    list += known;
  }
  return list;
}

}  // namespace ra2cert
