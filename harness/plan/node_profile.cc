#include "harness/plan/node_profile.h"

#include <algorithm>
#include <vector>

#include "harness/core/joined.h"

namespace ra2cert {
namespace {

bool Has(const nlohmann::json& node, const char* list, const char* value) {
  const auto entries = node.value(list, nlohmann::json::array());
  return entries.is_array() && std::find(entries.begin(), entries.end(), value) != entries.end();
}

}  // namespace

NodeProfile ProfileFromNodes(const nlohmann::json& nodes) {
  std::vector<std::string> network_intensive;
  int workers = 0;
  if (nodes.is_array()) {
    for (const auto& node : nodes) {
      if (!node.is_object() || node.value("simulated", false)) continue;
      if (Has(node, "roles", "control-plane") || Has(node, "roles", "master")) continue;
      ++workers;
      const auto profile = node.value("profile", nlohmann::json());
      if (profile.is_string() && profile.get<std::string>() == "network-intensive")
        network_intensive.push_back(node.value("name", "?"));
    }
  }
  if (!network_intensive.empty()) {
    return {"network-intensive", "worker(s) " + Joined(network_intensive) +
                                     " labelled anuket.io/profile=network-intensive"};
  }
  return {"basic", workers == 0 ? "no worker node to read a profile label from"
                                : "no worker labelled anuket.io/profile=network-intensive"};
}

}  // namespace ra2cert
