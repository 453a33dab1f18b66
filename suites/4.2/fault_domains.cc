// 4.2 Host OS: control-plane and worker nodes in every fault domain, read from the zone
// labels Kubernetes itself spreads workloads by.
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "fixtures/kube/case_access.h"
#include "fixtures/kube/case_cluster.h"
#include "harness/catalogue/case.h"
#include "harness/core/joined.h"

namespace ra2cert::suites {
namespace {
using fixtures::json;

// The well-known label first; the beta one is what clusters installed before 1.17 still set.
std::string ZoneOf(const json& node) {
  const json labels = fixtures::Labels(node);
  for (const char* key :
       {"topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone"}) {
    if (auto zone = labels.value(key, ""); !zone.empty()) return zone;
  }
  return "";
}

struct Zone {
  std::vector<std::string> control_plane, workers;
};

std::string Join(const std::vector<std::string>& names) {
  return names.empty() ? "none" : Joined(names);
}
}  // namespace

RA2CERT_CASE(HostOs, EveryZoneHasControlPlaneAndWorkers,
             {.id = "4.2.007",
              .title = "Every availability zone (topology.kubernetes.io/zone) has at least one "
                       "control-plane node and at least one worker node",
              .requirements = {"ra2.k8s.003", "ra2.k8s.004"},
              .needs = {"cluster"},
              .violations = {"zone-without-control-plane"},
              .api_access = fixtures::access::ReadNodes()}) {
  RA2CERT_REQUIRE_OK(client, kube::Client::ForCase());
  RA2CERT_REQUIRE_OK(nodes, fixtures::ReadNodes(*client));
  if (nodes->control_plane.empty()) {
    // The provider's control plane is not made of nodes: its zones cannot be read here.
    GTEST_SKIP() << "no node carries node-role.kubernetes.io/control-plane (managed control "
                    "plane?): the control plane's zones are not visible through the API";
  }
  std::map<std::string, Zone> zones;
  std::vector<std::string> unlabelled;
  for (const auto& node : nodes->all) {
    const std::string name = fixtures::NodeName(node);
    const std::string zone = ZoneOf(node);
    if (zone.empty()) {
      unlabelled.push_back(name);
      continue;
    }
    auto& members = zones[zone];
    (fixtures::IsControlPlaneNode(node) ? members.control_plane : members.workers).push_back(name);
  }
  if (zones.empty()) {
    // No zone labels at all: the whole cluster is one fault domain.
    std::printf("no node carries a zone label: the cluster is one fault domain\n");
    if (nodes->workers.empty())
      ADD_FAILURE() << "the cluster's one fault domain has no worker node";
    return;
  }
  // A node without a zone label, beside labelled ones, is in a fault domain nobody named;
  // it cannot stand in for a zone's control plane or workers, and is not one more zone.
  if (!unlabelled.empty())
    std::printf("without a zone label (not counted in any zone): %s\n", Join(unlabelled).c_str());
  for (const auto& [zone, members] : zones) {
    std::printf("zone %s: control plane %s; workers %s\n", zone.c_str(),
                Join(members.control_plane).c_str(), Join(members.workers).c_str());
    if (members.control_plane.empty())
      ADD_FAILURE() << "zone " << zone
                    << " has no control-plane node (its workers: " << Join(members.workers)
                    << "): they depend on a control plane in another zone";
    if (members.workers.empty())
      ADD_FAILURE() << "zone " << zone
                    << " has no worker node (its control plane: " << Join(members.control_plane)
                    << "): workloads cannot be spread to it";
  }
}

}  // namespace ra2cert::suites
