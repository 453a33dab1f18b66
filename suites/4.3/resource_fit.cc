// 4.3 Kubernetes: the scheduler keeps pods within what nodes can give. A pod that requests more
// CPU than any node has allocatable must stay unscheduled for lack of CPU, and on no node do
// the running pods request more CPU or memory than it has allocatable.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>

#include "fixtures/kube/case_access.h"
#include "fixtures/kube/case_cluster.h"
#include "harness/catalogue/case.h"
#include "suites/4.9/resource_usage.h"

namespace ra2cert::suites {
namespace {
using fixtures::json;

double Allocatable(const json& node, const char* resource) {
  const std::string text =
      node.value("status", json::object()).value("allocatable", json::object()).value(resource, "");
  return ParseQuantity(text).value_or(0);
}

// What a pod requests of `resource` for scheduling: its containers together, or its largest
// init container when that is more, plus its overhead.
double PodRequest(const json& pod, const char* resource) {
  const json spec = pod.value("spec", json::object());
  auto requested = [&](const json& container) {
    const std::string text = container.value("resources", json::object())
                                 .value("requests", json::object())
                                 .value(resource, "");
    return ParseQuantity(text).value_or(0);
  };
  double containers = 0, init = 0;
  for (const auto& c : spec.value("containers", json::array())) containers += requested(c);
  for (const auto& c : spec.value("initContainers", json::array())) {
    // A sidecar (restartPolicy Always) keeps running beside the containers.
    if (c.value("restartPolicy", "") == "Always") {
      containers += requested(c);
    } else {
      init = std::max(init, requested(c));
    }
  }
  const std::string overhead =
      spec.value("overhead", json::object()).value(resource, std::string());
  return std::max(containers, init) + ParseQuantity(overhead).value_or(0);
}
}  // namespace

RA2CERT_CASE(Kubernetes, PodsStayWithinNodeAllocatable,
             {.id = "4.3.009",
              .title = "A pod requesting more CPU than any node has allocatable stays unscheduled "
                       "(Insufficient cpu), and no node's pods request more than its allocatable",
              .requirements = {"ra2.ch.006", "ra2.k8s.021"},
              .needs = {"cluster"},
              .violations = {"scheduler-ignores-resources"},
              .api_access = Combine({fixtures::access::ReadNodes(),
                                     fixtures::access::TestNamespace(),
                                     fixtures::access::StartProbePod(),
                                     fixtures::access::WaitFor("pods"),
                                     fixtures::access::DescribePodState(),
                                     {{.verbs = {"list"}, .resource = "pods"}}})}) {
  RA2CERT_REQUIRE_OK(client, kube::Client::ForCase());
  RA2CERT_REQUIRE_OK(nodes, fixtures::ReadNodes(*client));
  double largest = 0;
  std::map<std::string, const json*> by_name;
  for (const auto& node : nodes->all) {
    largest = std::max(largest, Allocatable(node, "cpu"));
    by_name[fixtures::NodeName(node)] = &node;
  }
  ASSERT_GT(largest, 0) << "no node publishes an allocatable CPU";

  // One whole CPU more than the largest node can give: no node fits it.
  const long long millicores = std::llround(largest * 1000) + 1000;
  RA2CERT_REQUIRE_OK(ns, fixtures::TestNamespace::Create(*client, "4.3.009"));
  fixtures::ProbePodSpec spec{.name = "too-big", .command = {"true"}};
  spec.container_extra = {
      {"resources", {{"requests", {{"cpu", std::to_string(millicores) + "m"}}}}}};
  RA2CERT_REQUIRE_OK(started, fixtures::StartProbePod(*client, ns->name(), spec));
  auto decided = fixtures::WaitForSchedulingDecision(*client, ns->name(), "too-big",
                                                     fixtures::In(std::chrono::seconds(60)));
  RA2CERT_INFRA_ERROR_UNLESS_CLUSTER(decided);
  ASSERT_TRUE(decided) << "the scheduler took no decision in 60 s on a pod requesting "
                       << millicores << "m CPU";
  const std::string bound = fixtures::PodNodeName(*decided);
  if (!bound.empty()) {
    const auto node = by_name.find(bound);
    ADD_FAILURE() << "the scheduler bound pod too-big, requesting " << millicores
                  << "m CPU, to node " << bound << " with "
                  << (node == by_name.end()
                          ? 0
                          : std::llround(Allocatable(*node->second, "cpu") * 1000))
                  << "m allocatable: it does not keep pods within node allocatable ("
                  << fixtures::DescribePodState(*client, ns->name(), "too-big") << ")";
  } else {
    const auto scheduled = fixtures::PodCondition(*decided, "PodScheduled");
    ASSERT_TRUE(scheduled.has_value());
    const std::string message = scheduled->value("message", "");
    std::printf("pod too-big (%lldm CPU): PodScheduled=False, %s\n", millicores, message.c_str());
    EXPECT_NE(message.find("Insufficient cpu"), std::string::npos)
        << "pod too-big stayed unscheduled, but not for lack of CPU: " << message;
  }

  // What the pods bound to each node request, against its allocatable (too-big aside: it is
  // judged above).
  RA2CERT_REQUIRE_OK(pods, client->List("/api/v1/pods"));
  std::map<std::string, std::pair<double, double>> requested;  // node -> cpu, memory
  for (const auto& pod : pods->items) {
    const std::string phase = pod.value("status", json::object()).value("phase", "");
    const std::string node = fixtures::PodNodeName(pod);
    if (node.empty() || phase == "Succeeded" || phase == "Failed") continue;
    // A pod bound by nodeName (the scheduler bypassed, as a DaemonSet's or a test's may be) that
    // its kubelet has not admitted yet may still be refused for lack of room (OutOfcpu): it runs
    // nowhere, so it is not counted until the kubelet reports its containers.
    const json status = pod.value("status", json::object());
    if (phase == "Pending" && status.value("containerStatuses", json::array()).empty() &&
        status.value("initContainerStatuses", json::array()).empty())
      continue;
    if (pod.value("metadata", json::object()).value("namespace", "") == ns->name()) continue;
    requested[node].first += PodRequest(pod, "cpu");
    requested[node].second += PodRequest(pod, "memory");
  }
  for (const auto& [name, sums] : requested) {
    const auto node = by_name.find(name);
    if (node == by_name.end()) continue;
    const double cpu = Allocatable(*node->second, "cpu");
    const double memory = Allocatable(*node->second, "memory");
    EXPECT_LE(sums.first, cpu + 1e-9)
        << "the pods on node " << name << " request " << std::llround(sums.first * 1000)
        << "m CPU, more than its " << std::llround(cpu * 1000) << "m allocatable";
    EXPECT_LE(sums.second, memory + 0.5)
        << "the pods on node " << name << " request " << std::llround(sums.second / 1048576)
        << "Mi memory, more than its " << std::llround(memory / 1048576) << "Mi allocatable";
    std::printf("%s: pods request %lldm of %lldm CPU, %lldMi of %lldMi memory\n", name.c_str(),
                std::llround(sums.first * 1000), std::llround(cpu * 1000),
                std::llround(sums.second / 1048576), std::llround(memory / 1048576));
  }
}

}  // namespace ra2cert::suites
