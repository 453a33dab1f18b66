// 4.3 Kubernetes: every node keeps CPU back for its system daemons. Read from the Node
// objects: the kubelet publishes capacity and, after its reservations (systemReserved,
// kubeReserved, reservedSystemCPUs), allocatable; so it holds for kubeadm, k3s and managed
// nodes alike, without reaching any kubelet.
#include <cstdio>
#include <string>

#include "fixtures/kube/case_access.h"
#include "fixtures/kube/case_cluster.h"
#include "harness/catalogue/case.h"
#include "suites/4.9/resource_usage.h"

namespace ra2cert::suites {
namespace {
using fixtures::json;

std::string Cpu(const json& node, const char* list) {
  return node.value("status", json::object()).value(list, json::object()).value("cpu", "");
}
}  // namespace

RA2CERT_CASE(
    Kubernetes, NodesReserveCpuForSystemDaemons,
    {.id = "4.3.007",
     .title = "Every node reserves CPU for system daemons: its allocatable CPU is below its "
              "capacity",
     .requirements = {"ra2.k8s.008"},
     .needs = {"cluster"},
     .violations = {"kubelet-no-cpu-reserved"},
     .api_access = fixtures::access::ReadNodes()}) {
  RA2CERT_REQUIRE_OK(client, kube::Client::ForCase());
  RA2CERT_REQUIRE_OK(nodes, fixtures::ReadNodes(*client));
  int judged = 0;
  for (const auto& node : nodes->all) {
    // A simulated node has no kubelet whose reservations could be judged.
    if (fixtures::IsSimulated(node)) continue;
    const std::string name = fixtures::NodeName(node);
    const std::string capacity_text = Cpu(node, "capacity");
    const std::string allocatable_text = Cpu(node, "allocatable");
    const auto capacity = ParseQuantity(capacity_text);
    const auto allocatable = ParseQuantity(allocatable_text);
    if (!capacity || !allocatable) {
      ADD_FAILURE() << "node " << name << " publishes no readable CPU capacity ('" << capacity_text
                    << "') or allocatable ('" << allocatable_text << "')";
      continue;
    }
    ++judged;
    const double reserved = *capacity - *allocatable;
    std::printf("%s: cpu capacity %s, allocatable %s: %.3f cores reserved\n", name.c_str(),
                capacity_text.c_str(), allocatable_text.c_str(), reserved);
    if (reserved <= 0) {
      ADD_FAILURE() << "node " << name << " reserves no CPU for system daemons: allocatable CPU "
                    << allocatable_text << " equals its capacity " << capacity_text
                    << " (kubelet systemReserved, kubeReserved and reservedSystemCPUs unset)";
    }
  }
  EXPECT_GT(judged, 0) << "no node (other than simulated ones) to judge";
}

}  // namespace ra2cert::suites
