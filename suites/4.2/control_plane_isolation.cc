// 4.2 Host OS: the control plane is kept apart in fact, not only on paper: what runs on
// control-plane nodes now, and what the scheduler does with a pod that does not tolerate them.
#include <cstdio>
#include <optional>
#include <set>
#include <string>

#include "fixtures/kube/case_access.h"
#include "fixtures/kube/case_cluster.h"
#include "harness/catalogue/case.h"

namespace ra2cert::suites {
namespace {
using fixtures::json;

const json& Field(const json& object, const char* key) {
  static const json kEmpty = json::object();
  const auto found = object.find(key);
  return found != object.end() && found->is_object() ? *found : kEmpty;
}

// Why a pod on a control-plane node is part of the platform, or "" when it is a consumer
// workload. The platform is what Kubernetes itself marks as such: static pods, DaemonSets
// (CNI, CSI node plugins, proxies run on every node by design), the kube-* namespaces,
// and pods in the two system priority classes (cluster add-ons such as CoreDNS); plus the
// probe and node-agent pods of ra2cert's own cases, this run's or a concurrent one's (the
// CRI cases place an agent on every node, control plane included).
std::string PlatformReason(const json& pod) {
  const json& metadata = Field(pod, "metadata");
  const std::string ns = metadata.value("namespace", "");
  if (Field(metadata, "annotations").contains("kubernetes.io/config.mirror")) return "static pod";
  for (const auto& owner : metadata.value("ownerReferences", json::array())) {
    if (owner.value("kind", "") == "DaemonSet") return "DaemonSet";
  }
  if (ns == "kube-system" || ns == "kube-public" || ns == "kube-node-lease") return "namespace";
  const std::string priority = Field(pod, "spec").value("priorityClassName", "");
  if (priority == "system-node-critical" || priority == "system-cluster-critical")
    return "priority class";
  const std::string app = Field(metadata, "labels").value("app.kubernetes.io/name", "");
  if (ns.rfind("ra2cert-", 0) == 0 && (app == "ra2cert-probe" || app == "ra2cert-node-agent"))
    return "ra2cert's own pod";
  return "";
}

std::string Owner(const json& pod) {
  const auto owners = Field(pod, "metadata").value("ownerReferences", json::array());
  if (owners.empty()) return "no owner";
  return owners[0].value("kind", "") + "/" + owners[0].value("name", "");
}

}  // namespace

RA2CERT_CASE(
    HostOs, ControlPlaneRunsNoConsumerWorkload,
    {.id = "4.2.006",
     .title = "No consumer workload runs on a control-plane node, and the scheduler keeps a pod "
              "without a toleration off them by a taint (not a cordon)",
     .requirements = {"ra2.k8s.003", "ra2.k8s.004"},
     .needs = {"cluster"},
     .timeout = std::chrono::seconds(120),
     .violations = {"control-plane-schedulable", "consumer-workload-on-control-plane"},
     .api_access = Combine({fixtures::access::ReadNodes(),
                            {{.verbs = {"list"}, .resource = "pods"}},
                            fixtures::access::TestNamespace(),
                            fixtures::access::StartProbePod(),
                            fixtures::access::WaitFor("pods")})}) {
  RA2CERT_REQUIRE_OK(client, kube::Client::ForCase());
  RA2CERT_REQUIRE_OK(nodes, fixtures::ReadNodes(*client));
  std::set<std::string> control_plane;
  for (const auto& node : nodes->control_plane) control_plane.insert(fixtures::NodeName(node));
  if (control_plane.empty()) {
    // Managed control planes are not nodes of the cluster: nothing of it can host workloads.
    GTEST_SKIP() << "no node carries node-role.kubernetes.io/control-plane (managed control "
                    "plane?): there is no control-plane node a workload could run on";
  }

  // What runs there now. Finished pods hold no resources and are left out.
  RA2CERT_REQUIRE_OK(pods, client->List("/api/v1/pods"));
  int platform = 0;
  for (const auto& pod : pods->items) {
    const std::string node = fixtures::PodNodeName(pod);
    const std::string phase = Field(pod, "status").value("phase", "");
    if (!control_plane.contains(node) || phase == "Succeeded" || phase == "Failed") continue;
    if (!PlatformReason(pod).empty()) {
      ++platform;
      continue;
    }
    const json& metadata = Field(pod, "metadata");
    ADD_FAILURE() << "consumer workload on control-plane node " << node << ": pod "
                  << metadata.value("namespace", "") << "/" << metadata.value("name", "") << " ("
                  << Owner(pod) << ", " << phase
                  << ") is not a static pod, not a DaemonSet's, not in a kube-* namespace and "
                     "not in a system priority class";
  }
  std::printf("%d platform pod(s) on %zu control-plane node(s)\n", platform, control_plane.size());

  // What the scheduler does: a pod asking for one control-plane node by name, without any
  // toleration, must stay unscheduled because of a taint.
  const std::string target = *control_plane.begin();
  RA2CERT_REQUIRE_OK(ns, fixtures::TestNamespace::Create(*client, "4.2.006"));
  fixtures::ProbePodSpec spec{.name = "no-toleration", .command = {"sleep 3600"}};
  const json by_name = {
      {"key", "metadata.name"}, {"operator", "In"}, {"values", json::array({target})}};
  const json term = {{"matchFields", json::array({by_name})}};
  spec.extra_spec["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"] = {
      {"nodeSelectorTerms", json::array({term})}};
  RA2CERT_REQUIRE_OK(started, fixtures::StartProbePod(*client, ns->name(), spec));
  auto decided = fixtures::WaitForSchedulingDecision(*client, ns->name(), "no-toleration",
                                                     fixtures::In(std::chrono::seconds(60)));
  RA2CERT_INFRA_ERROR_UNLESS_CLUSTER(decided);
  ASSERT_TRUE(decided) << "the scheduler took no decision in 60 s on a pod asking for "
                          "control-plane node "
                       << target;
  const std::string bound = fixtures::PodNodeName(*decided);
  ASSERT_TRUE(bound.empty()) << "a pod without any toleration was bound to control-plane node "
                             << bound << ": no NoSchedule taint keeps workloads off it";
  const auto scheduled = fixtures::PodCondition(*decided, "PodScheduled");
  ASSERT_TRUE(scheduled.has_value());
  // "0/3 nodes are available: 1 node(s) had untolerated taint {node-role...: }, ...".
  const std::string message = scheduled->value("message", "");
  std::printf("pod for %s: PodScheduled=False, %s: %s\n", target.c_str(),
              scheduled->value("reason", "").c_str(), message.c_str());
  EXPECT_NE(message.find("untolerated taint"), std::string::npos)
      << "control-plane node " << target
      << " kept the pod off, but not by a taint (a cordon or a node condition does not "
         "separate the control plane for good): "
      << message;
}

}  // namespace ra2cert::suites
