// 4.2 Host OS: where kube-apiserver, kube-scheduler and kube-controller-manager run, from
// what every kind of cluster shows through the API: kubeadm and RKE2 run them as static pods
// (component=<name> in kube-system); the scheduler's and controller manager's leader names its
// host in its lease (holder "<hostname>_<uuid>"); each API server names its host in its
// identity lease (label kubernetes.io/hostname) and its address in the default/kubernetes
// EndpointSlice. A host is matched to a Node by name, hostname label or InternalIP.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "fixtures/kube/case_access.h"
#include "fixtures/kube/case_cluster.h"
#include "harness/catalogue/case.h"
#include "harness/core/joined.h"
#include "harness/kube/rfc3339.h"

namespace ra2cert::suites {
namespace {
using fixtures::json;

constexpr const char* kSystem = "/api/v1/namespaces/kube-system";
constexpr const char* kLeases = "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases";
// Identity leases of API servers that went away linger for an hour; the live ones renew
// every 10 s.
constexpr auto kLiveIdentity = std::chrono::seconds(120);

// One piece of evidence of where a component runs.
struct Sighting {
  std::string evidence;  // "leader lease holder ra2cert-node1_3f…"
  const json* node;      // the Node it names; null when it names none
};

class NodeIndex {
 public:
  explicit NodeIndex(const std::vector<json>& nodes) {
    for (const auto& node : nodes) {
      const std::string name = fixtures::NodeName(node);
      by_host_[name] = &node;
      const json labels = fixtures::Labels(node);
      if (labels.contains("kubernetes.io/hostname") && labels["kubernetes.io/hostname"].is_string())
        by_host_.emplace(labels["kubernetes.io/hostname"].get<std::string>(), &node);
      for (const auto& address :
           node.value("status", json::object()).value("addresses", json::array())) {
        if (address.value("type", "") == "InternalIP")
          by_address_.emplace(address.value("address", ""), &node);
      }
    }
  }
  const json* ByHost(const std::string& host) const { return Find(by_host_, host); }
  const json* ByAddress(const std::string& ip) const { return Find(by_address_, ip); }

 private:
  static const json* Find(const std::map<std::string, const json*>& index, const std::string& key) {
    auto found = index.find(key);
    return found == index.end() ? nullptr : found->second;
  }
  std::map<std::string, const json*> by_host_, by_address_;
};

std::optional<std::chrono::system_clock::time_point> RenewTime(const json& lease) {
  return kube::ParseRfc3339(lease.value("spec", json::object()).value("renewTime", ""));
}

Result<std::vector<Sighting>> StaticPods(kube::Client& client, const NodeIndex& nodes,
                                         const std::string& component) {
  auto pods =
      client.List(std::string(kSystem) + "/pods", {.label_selector = "component=" + component});
  if (!pods) return pods.error();
  std::vector<Sighting> seen;
  for (const auto& pod : pods->items) {
    const std::string phase = pod.value("status", json::object()).value("phase", "");
    if (phase == "Succeeded" || phase == "Failed") continue;
    seen.push_back({"static pod " + pod.value("metadata", json::object()).value("name", ""),
                    nodes.ByHost(fixtures::PodNodeName(pod))});
  }
  return seen;
}

// The leader-election lease of the scheduler or controller manager: its holder is
// "<hostname>_<uuid>".
Result<std::vector<Sighting>> LeaderLease(kube::Client& client, const NodeIndex& nodes,
                                          const std::string& component) {
  auto lease = client.Get(std::string(kLeases) + "/" + component);
  if (!lease && lease.error().code() == 404) return std::vector<Sighting>{};
  if (!lease) return lease.error();
  const std::string holder = lease->value("spec", json::object()).value("holderIdentity", "");
  if (holder.empty()) return std::vector<Sighting>{};
  const std::string host = holder.substr(0, holder.rfind('_'));
  return std::vector<Sighting>{{"leader lease holder " + holder, nodes.ByHost(host)}};
}

// Every live API server: its identity lease (hostname) and its endpoint address.
Result<std::vector<Sighting>> ApiServers(kube::Client& client, const NodeIndex& nodes) {
  std::vector<Sighting> seen;
  auto leases =
      client.List(kLeases, {.label_selector = "apiserver.kubernetes.io/identity=kube-apiserver"});
  if (!leases) return leases.error();
  std::chrono::system_clock::time_point newest{};
  for (const auto& lease : leases->items)
    newest = std::max(newest, RenewTime(lease).value_or(newest));
  for (const auto& lease : leases->items) {
    const auto renewed = RenewTime(lease);
    if (!renewed || newest - *renewed > kLiveIdentity) continue;
    const json labels = fixtures::Labels(lease);
    const std::string host = labels.value("kubernetes.io/hostname", "");
    if (host.empty()) continue;
    seen.push_back({"identity lease " + lease.value("metadata", json::object()).value("name", "") +
                        " (hostname " + host + ")",
                    nodes.ByHost(host)});
  }
  auto slices = client.List("/apis/discovery.k8s.io/v1/namespaces/default/endpointslices",
                            {.label_selector = "kubernetes.io/service-name=kubernetes"});
  if (!slices) return slices.error();
  for (const auto& slice : slices->items) {
    for (const auto& endpoint : slice.value("endpoints", json::array())) {
      for (const auto& address : endpoint.value("addresses", json::array())) {
        if (!address.is_string()) continue;
        const std::string ip = address.get<std::string>();
        seen.push_back({"default/kubernetes endpoint " + ip, nodes.ByAddress(ip)});
      }
    }
  }
  return seen;
}
}  // namespace

RA2CERT_CASE(
    HostOs, ControlPlaneComponentsRunOnControlPlaneNodes,
    {.id = "4.2.009",
     .title = "kube-apiserver, kube-scheduler and kube-controller-manager run on control-plane "
              "nodes (static pods, leader and identity leases, the API server's endpoints)",
     .requirements = {"ra2.k8s.012"},
     .needs = {"cluster"},
     .violations = {"scheduler-on-worker"},
     .api_access = Combine(
         {fixtures::access::ReadNodes(),
          {{.verbs = {"list"}, .resource = "pods"},
           {.verbs = {"get", "list"}, .group = "coordination.k8s.io", .resource = "leases"},
           {.verbs = {"list"}, .group = "discovery.k8s.io", .resource = "endpointslices"}}})}) {
  RA2CERT_REQUIRE_OK(client, kube::Client::ForCase());
  RA2CERT_REQUIRE_OK(nodes, fixtures::ReadNodes(*client));
  const NodeIndex index(nodes->all);

  std::vector<std::string> unplaced;
  for (const std::string component :
       {"kube-apiserver", "kube-scheduler", "kube-controller-manager"}) {
    RA2CERT_REQUIRE_OK(sightings, StaticPods(*client, index, component));
    auto more = component == "kube-apiserver" ? ApiServers(*client, index)
                                              : LeaderLease(*client, index, component);
    if (!more) RA2CERT_INFRA_ERROR(fixtures::DescribeHarnessError(more.error()));
    sightings->insert(sightings->end(), more->begin(), more->end());

    bool placed = false;
    for (const auto& sighting : *sightings) {
      const json* node = sighting.node;
      if (!node) {
        std::printf("%s: %s names no node\n", component.c_str(), sighting.evidence.c_str());
        continue;
      }
      placed = true;
      if (fixtures::IsControlPlaneNode(*node)) {
        std::printf("%s: %s -> control-plane node %s\n", component.c_str(),
                    sighting.evidence.c_str(), fixtures::NodeName(*node).c_str());
      } else {
        ADD_FAILURE() << component << " runs on worker node " << fixtures::NodeName(*node) << " ("
                      << sighting.evidence
                      << "): RA2 keeps the control plane on control-plane nodes, apart from "
                         "consumer workloads";
      }
    }
    if (!placed) unplaced.push_back(component);
  }
  if (!unplaced.empty() && !testing::Test::HasFailure()) {
    const std::string names = Joined(unplaced);
    if (nodes->control_plane.empty()) {
      GTEST_SKIP() << "no node is a control-plane node (a provider-managed control plane): "
                   << names << " run outside the cluster's nodes; a vendor declaration for "
                   << "ra2.k8s.012 can state where (--declarations)";
    }
    GTEST_SKIP() << "cannot tell where " << names
                 << " run: no static pod, and no lease or endpoint names a node of the cluster";
  }
}

}  // namespace ra2cert::suites
