// 4.2 Host OS: Windows workers take the Windows workloads and keep the Linux ones off.
// Only scheduling is judged, never whether a pod runs: the local cluster's Windows nodes
// are simulated (kwok), and the probe image is a Linux one.
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "fixtures/kube/case_access.h"
#include "fixtures/kube/case_cluster.h"
#include "harness/catalogue/case.h"

namespace ra2cert::suites {
namespace {
using fixtures::json;

// Pods bound to a node whose kubelet never confirms a graceful delete (a simulated node, or
// a Windows node that cannot start the Linux probe image) would stay Terminating and hold
// the namespace: they are deleted at once, before the namespace goes.
class ForceDeletePods {
 public:
  ForceDeletePods(kube::Client& client, std::string namespace_, std::vector<std::string> pods)
      : client_(client), ns_(std::move(namespace_)), pods_(std::move(pods)) {}
  ForceDeletePods(const ForceDeletePods&) = delete;
  ForceDeletePods& operator=(const ForceDeletePods&) = delete;
  ~ForceDeletePods() {
    if (const char* keep = std::getenv("RA2CERT_KEEP"); keep && std::string(keep) == "1") return;
    const json options = {
        {"kind", "DeleteOptions"}, {"apiVersion", "v1"}, {"gracePeriodSeconds", 0}};
    for (const auto& pod : pods_) {
      (void)client_.connection().Send(
          {"DELETE", "/api/v1/namespaces/" + ns_ + "/pods/" + pod, options.dump()});
    }
  }

 private:
  kube::Client& client_;
  std::string ns_;
  std::vector<std::string> pods_;
};

// The probe pod, asking for a Windows node by the well-known OS label.
fixtures::ProbePodSpec WindowsSelectingPod(const std::string& name, bool tolerate_windows) {
  fixtures::ProbePodSpec spec{.name = name, .command = {"sleep 3600"}};
  spec.extra_spec = {{"nodeSelector", {{"kubernetes.io/os", "windows"}}}};
  if (tolerate_windows) {
    spec.extra_spec["os"] = {{"name", "windows"}};
    // os=windows is the taint the Kubernetes documentation gives Windows nodes; some
    // distributions use node.kubernetes.io/os instead.
    spec.extra_spec["tolerations"] = json::array(
        {{{"key", "os"}, {"operator", "Equal"}, {"value", "windows"}, {"effect", "NoSchedule"}},
         {{"key", "node.kubernetes.io/os"},
          {"operator", "Equal"},
          {"value", "windows"},
          {"effect", "NoSchedule"}}});
  }
  return spec;
}
}  // namespace

RA2CERT_CASE(HostOs, WindowsWorkersTakeOnlyWindowsPods,
             {.id = "4.2.005",
              .title = "The scheduler binds a Windows pod to a Windows worker and keeps an "
                       "untolerating pod off it",
              .requirements = {"ra2.os.003"},
              .needs = {"cluster", "windows-nodes"},
              .timeout = std::chrono::seconds(90),
              .violations = {"windows-nodes-untainted"},
              .api_access = Combine({fixtures::access::ReadNodes(),
                                     fixtures::access::TestNamespace(),
                                     fixtures::access::StartProbePod(),
                                     fixtures::access::WaitFor("pods"),
                                     {{.verbs = {"get", "delete"}, .resource = "pods"}}})}) {
  RA2CERT_REQUIRE_OK(client, kube::Client::ForCase());
  RA2CERT_REQUIRE_OK(nodes,
                     client->List("/api/v1/nodes", {.label_selector = "kubernetes.io/os=windows"}));
  ASSERT_FALSE(nodes->items.empty()) << "no node is labelled kubernetes.io/os=windows";
  std::set<std::string> windows_nodes, simulated, taint_keys;
  for (const auto& node : nodes->items) {
    windows_nodes.insert(fixtures::NodeName(node));
    for (const auto& taint : node.value("spec", json::object()).value("taints", json::array())) {
      const std::string effect = taint.value("effect", "");
      if (effect == "NoSchedule" || effect == "NoExecute")
        taint_keys.insert(taint.value("key", ""));
    }
    const json labels = fixtures::Labels(node);
    if (labels.value("ra2cert.io/simulated", "") == "true")
      simulated.insert(fixtures::NodeName(node));
  }
  RA2CERT_REQUIRE_OK(ns, fixtures::TestNamespace::Create(*client, "4.2.005"));
  const ForceDeletePods cleanup(*client, ns->name(), {"windows-pod", "linux-pod"});
  const std::string pods = "/api/v1/namespaces/" + ns->name() + "/pods";

  // A Windows workload: bound by the real scheduler to a Windows node. Only the binding is
  // awaited; the pod is never expected to run.
  RA2CERT_REQUIRE_OK(
      windows_pod,
      fixtures::StartProbePod(*client, ns->name(), WindowsSelectingPod("windows-pod", true)));
  auto bound = kube::WaitFor(
      *client, pods, {.field_selector = "metadata.name=windows-pod"},
      [](const kube::WatchEvent& event) { return !fixtures::PodNodeName(event.object).empty(); },
      fixtures::In(std::chrono::seconds(30)));
  RA2CERT_INFRA_ERROR_UNLESS_CLUSTER(bound);
  if (!bound) {
    auto pod = client->Get(pods + "/windows-pod");
    const auto scheduled = pod ? fixtures::PodCondition(*pod, "PodScheduled") : std::nullopt;
    ADD_FAILURE() << "a pod selecting kubernetes.io/os=windows and tolerating os=windows was not "
                     "scheduled in 30 s"
                  << (scheduled ? ": " + scheduled->value("reason", "") + ": " +
                                      scheduled->value("message", "")
                                : "");
  } else {
    const std::string node = fixtures::PodNodeName(*bound);
    EXPECT_TRUE(windows_nodes.contains(node))
        << "the Windows pod was bound to " << node << ", not a Windows node";
    std::printf("windows-pod bound to %s%s\n", node.c_str(),
                simulated.contains(node)
                    ? " (simulated by kwok: scheduling is real, the pod never runs)"
                    : "");
  }

  // A Linux workload that asks for Windows nodes but does not tolerate their taint: the
  // taint alone must keep it off, so it stays unschedulable.
  RA2CERT_REQUIRE_OK(linux_pod, fixtures::StartProbePod(*client, ns->name(),
                                                        WindowsSelectingPod("linux-pod", false)));
  auto decided = fixtures::WaitForSchedulingDecision(*client, ns->name(), "linux-pod",
                                                     fixtures::In(std::chrono::seconds(30)));
  RA2CERT_INFRA_ERROR_UNLESS_CLUSTER(decided);
  ASSERT_TRUE(decided)
      << "the scheduler took no decision on a pod selecting kubernetes.io/os=windows in 30 s";
  const std::string node = fixtures::PodNodeName(*decided);
  EXPECT_TRUE(node.empty())
      << "a Linux pod without a toleration for os=windows was bound to Windows node " << node
      << ": the Windows nodes carry no taint that keeps Linux workloads off";
  const auto scheduled = fixtures::PodCondition(*decided, "PodScheduled");
  if (node.empty() && scheduled) {
    EXPECT_EQ(scheduled->value("reason", ""), "Unschedulable") << scheduled->dump();
    // "0/3 nodes are available: ..., 1 node(s) had untolerated taint {os: windows}. ...".
    const std::string message = scheduled->value("message", "");
    bool names_windows_taint = false;
    for (const auto& key : taint_keys) {
      names_windows_taint |= message.find("untolerated taint {" + key + ":") != std::string::npos;
    }
    EXPECT_TRUE(names_windows_taint)
        << "the scheduler does not name a Windows node's taint as what kept the pod off: "
        << message;
    std::printf("linux-pod: PodScheduled=False, %s: %s\n", scheduled->value("reason", "").c_str(),
                scheduled->value("message", "").c_str());
  }
}

}  // namespace ra2cert::suites
