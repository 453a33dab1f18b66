// 4.2 Host OS: nodes advertise their capabilities through Node Feature Discovery's labels
// (feature.node.kubernetes.io/*), which workloads select nodes by. Read from the Node objects:
// every Linux node with a kubelet carries them, and what they say about the kernel agrees with
// what the kubelet reports, so they describe the node as it is now (not labels typed by hand
// once, or left from another machine).
#include <cstdio>
#include <regex>
#include <string>
#include <string_view>

#include "fixtures/kube/case_access.h"
#include "fixtures/kube/case_cluster.h"
#include "harness/catalogue/case.h"

namespace ra2cert::suites {
namespace {
using fixtures::json;

constexpr std::string_view kFeaturePrefix = "feature.node.kubernetes.io/";
constexpr char kKernelLabel[] = "feature.node.kubernetes.io/kernel-version.full";

std::string KernelVersion(const json& node) {
  return node.value("status", json::object())
      .value("nodeInfo", json::object())
      .value("kernelVersion", "");
}
}  // namespace

RA2CERT_CASE(HostOs, NodesAdvertiseFeaturesThroughNfd,
             {.id = "4.2.011",
              .title = "Every Linux node advertises its capabilities through Node Feature "
                       "Discovery labels (feature.node.kubernetes.io/*), and the kernel they "
                       "name is the node's",
              .requirements = {"ra2.ch.018"},
              .needs = {"cluster"},
              .violations = {"nfd-not-deployed"},
              .api_access = fixtures::access::ReadNodes()}) {
  RA2CERT_REQUIRE_OK(client, kube::Client::ForCase());
  RA2CERT_REQUIRE_OK(nodes, fixtures::ReadNodes(*client));
  // What a label value may hold: a kernel version outside it cannot be compared.
  const std::regex label_value(R"(^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$)");
  int judged = 0;
  for (const auto& node : nodes->all) {
    // NFD runs on Linux; a simulated node has no machine to discover.
    if (fixtures::IsSimulated(node) || !fixtures::IsLinux(node)) continue;
    ++judged;
    const std::string name = fixtures::NodeName(node);
    const json labels = fixtures::Labels(node);
    int features = 0;
    for (const auto& [key, value] : labels.items()) {
      features += key.starts_with(kFeaturePrefix) ? 1 : 0;
    }
    std::printf("%s: %d feature.node.kubernetes.io labels\n", name.c_str(), features);
    if (features == 0) {
      ADD_FAILURE() << "node " << name
                    << " carries no feature.node.kubernetes.io label: Node Feature Discovery "
                       "does not advertise its capabilities (is nfd-worker running there, and "
                       "nfd-master labelling?)";
      continue;
    }
    const std::string kernel = KernelVersion(node);
    const std::string advertised = labels.value(kKernelLabel, "");
    if (advertised.empty() || !std::regex_match(kernel, label_value)) continue;
    EXPECT_EQ(advertised, kernel) << "node " << name << " advertises kernel " << advertised << " ("
                                  << kKernelLabel << ") but its kubelet reports kernel " << kernel
                                  << ": the labels do not describe the node as it is";
  }
  if (judged == 0) GTEST_SKIP() << "no Linux node with a kubelet to read";
}

}  // namespace ra2cert::suites
