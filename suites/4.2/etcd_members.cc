// 4.2 Host OS: etcd's members, counted and placed, as the cluster shows them through the
// API: kubeadm and RKE2 run each member as a static pod (mirror pod labelled component=etcd
// in kube-system), k3s and RKE2 mark the nodes that hold one (node-role.kubernetes.io/etcd).
// An external or provider-managed etcd shows neither, and is not judged here.
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "fixtures/kube/case_access.h"
#include "fixtures/kube/case_cluster.h"
#include "harness/catalogue/case.h"

namespace ra2cert::suites {
namespace {
using fixtures::json;

constexpr const char* kEtcdNodeRole = "node-role.kubernetes.io/etcd";

struct Member {
  std::string name;  // pod or node
  std::string node;
  bool ready = true;
};

bool PodReady(const json& pod) {
  const auto ready = fixtures::PodCondition(pod, "Ready");
  return ready.has_value() && ready->value("status", "") == "True";
}

std::string Describe(const std::vector<Member>& members) {
  std::string out;
  for (const auto& m : members) {
    out += (out.empty() ? "" : ", ") + m.name;
    if (m.name != m.node) out += " on " + (m.node.empty() ? std::string("no node") : m.node);
  }
  return out;
}
}  // namespace

RA2CERT_CASE(
    HostOs, EtcdHasAnOddQuorumOffTheWorkers,
    {.id = "4.2.008",
     .title = "etcd has 3, 5 or 7 members, all Ready, and none runs on a worker node (read "
              "from etcd's static pods or the nodes' etcd role)",
     .requirements = {"ra2.k8s.002"},
     .needs = {"cluster"},
     .violations = {"etcd-single-member", "etcd-member-on-worker"},
     .api_access = Combine({fixtures::access::ReadNodes(),
                            {{.verbs = {"list"}, .resource = "pods"}}})}) {
  RA2CERT_REQUIRE_OK(client, kube::Client::ForCase());
  RA2CERT_REQUIRE_OK(nodes, fixtures::ReadNodes(*client));
  std::map<std::string, const json*> by_name;
  for (const auto& node : nodes->all) by_name[fixtures::NodeName(node)] = &node;

  std::vector<Member> members;
  std::string evidence;
  RA2CERT_REQUIRE_OK(pods, client->List("/api/v1/namespaces/kube-system/pods",
                                        {.label_selector = "component=etcd"}));
  for (const auto& pod : pods->items) {
    const std::string phase = pod.value("status", json::object()).value("phase", "");
    if (phase == "Succeeded" || phase == "Failed") continue;
    members.push_back({pod.value("metadata", json::object()).value("name", ""),
                       fixtures::PodNodeName(pod), PodReady(pod)});
  }
  if (!members.empty()) {
    evidence = "pods labelled component=etcd in kube-system";
  } else {
    for (const auto& node : nodes->all) {
      if (fixtures::Labels(node).contains(kEtcdNodeRole)) {
        const std::string name = fixtures::NodeName(node);
        members.push_back({name, name, fixtures::IsReady(node)});
      }
    }
    evidence = std::string("nodes labelled ") + kEtcdNodeRole;
  }
  if (members.empty()) {
    GTEST_SKIP()
        << "etcd is not visible through the API: no pod labelled component=etcd in "
           "kube-system (kubeadm, RKE2) and no node labelled "
        << kEtcdNodeRole
        << " (k3s, RKE2); an external or provider-managed etcd is not verified here (a vendor "
           "declaration for ra2.k8s.002 can state it: --declarations)";
  }
  std::printf("etcd members, from %s: %s\n", evidence.c_str(), Describe(members).c_str());

  const size_t count = members.size();
  if (count != 3 && count != 5 && count != 7) {
    ADD_FAILURE() << "etcd has " << count << " member" << (count == 1 ? "" : "s") << " ("
                  << Describe(members) << "); RA2 asks for 3, 5 or 7, an odd quorum that "
                  << "outlives the loss of one, two or three of them";
  }
  std::map<std::string, int> per_node;
  for (const auto& member : members) {
    ++per_node[member.node];
    if (!member.ready) ADD_FAILURE() << "etcd member " << member.name << " is not Ready";
    const auto node = by_name.find(member.node);
    if (node == by_name.end()) {
      ADD_FAILURE() << "etcd member " << member.name << " is on no known node ('" << member.node
                    << "')";
      continue;
    }
    // A dedicated etcd node (RKE2's etcd-only role) is no worker either.
    const bool off_workers = fixtures::IsControlPlaneNode(*node->second) ||
                             fixtures::Labels(*node->second).contains(kEtcdNodeRole);
    if (!off_workers) {
      ADD_FAILURE() << "etcd member " << member.name << " runs on worker node " << member.node
                    << " (no control-plane or etcd role): consumer workloads share its node";
    }
  }
  if (per_node.size() < count) {
    // Not a rule of RA2's, but what a reader of the verdict should know.
    std::printf(
        "note: the %zu members share %zu node(s): losing one node loses more than one "
        "member\n",
        count, per_node.size());
  }
}

}  // namespace ra2cert::suites
