// 4.2 Host OS: control-plane and worker nodes kept apart, kernels and distributions.
#include <regex>

#include "fixtures/kube/case_cluster.h"
#include "harness/catalogue/case.h"

namespace ra2cert::suites {
namespace {
using fixtures::json;

std::string NodeInfo(const json& node, const char* key) {
  return node.value("status", json::object()).value("nodeInfo", json::object()).value(key, "");
}

bool TaintedNoSchedule(const json& node) {
  for (const auto& taint : node.value("spec", json::object()).value("taints", json::array())) {
    const std::string effect = taint.value("effect", "");
    if (effect == "NoSchedule" || effect == "NoExecute") return true;
  }
  return false;
}
}  // namespace

RA2CERT_CASE(
    HostOs, ControlPlaneAndWorkersAreSeparate,
    {.id = "4.2.001",
     .title = "At least one control-plane and one worker node, control plane closed to workloads",
     .requirements = {"ra2.k8s.003", "ra2.k8s.004"},
     .needs = {"cluster"}}) {
  RA2CERT_OK_OR_INFRA(client, kube::Client::ForCase());
  RA2CERT_OK_OR_INFRA(nodes, fixtures::ReadNodes(*client));
  EXPECT_FALSE(nodes->control_plane.empty())
      << "no node carries node-role.kubernetes.io/control-plane";
  EXPECT_FALSE(nodes->workers.empty())
      << "every node is a control-plane node: no worker to run workloads";
  for (const auto& node : nodes->control_plane) {
    EXPECT_TRUE(TaintedNoSchedule(node))
        << "control-plane node " << fixtures::NodeName(node)
        << " has no NoSchedule/NoExecute taint, so workloads can land on it";
  }
  int ready_workers = 0;
  for (const auto& node : nodes->workers) ready_workers += fixtures::IsReady(node) ? 1 : 0;
  EXPECT_GT(ready_workers, 0) << "no worker node is Ready";
}

RA2CERT_CASE(HostOs, KernelIsLinux4OrNewer,
             {.id = "4.2.002",
              .title = "Every Linux node runs kernel 4.x or newer",
              .requirements = {"ra2.os.002"},
              .needs = {"cluster"}}) {
  RA2CERT_OK_OR_INFRA(client, kube::Client::ForCase());
  RA2CERT_OK_OR_INFRA(nodes, fixtures::ReadNodes(*client));
  int linux_nodes = 0;
  for (const auto& node : nodes->all) {
    if (NodeInfo(node, "operatingSystem") != "linux") continue;
    ++linux_nodes;
    const std::string kernel = NodeInfo(node, "kernelVersion");
    std::smatch match;
    ASSERT_TRUE(std::regex_search(kernel, match, std::regex(R"(^(\d+)\.)")))
        << fixtures::NodeName(node) << " reports an unreadable kernel version '" << kernel << "'";
    EXPECT_GE(std::stoi(match[1]), 4) << fixtures::NodeName(node) << " runs kernel " << kernel;
  }
  if (linux_nodes == 0) GTEST_SKIP() << "the cluster reports no Linux node";
}

RA2CERT_CASE(HostOs, ControlPlaneRunsDebOrRpmDistribution,
             {.id = "4.2.003",
              .title = "Control-plane nodes run a deb- or rpm-based Linux distribution",
              .requirements = {"ra2.os.001"},
              .needs = {"cluster"}}) {
  RA2CERT_OK_OR_INFRA(client, kube::Client::ForCase());
  RA2CERT_OK_OR_INFRA(nodes, fixtures::ReadNodes(*client));
  if (nodes->control_plane.empty()) {
    // Managed control planes are not visible as nodes: nothing to judge here.
    GTEST_SKIP() << "no control-plane node is visible (managed control plane?)";
  }
  // Distributions known to package with dpkg or rpm, by the name kubelet reports.
  const std::regex known(
      R"(Debian|Ubuntu|Red Hat|RHEL|CentOS|Rocky|AlmaLinux|Fedora|SUSE|openSUSE|Oracle Linux|Amazon Linux|Photon|Flatcar|Mariner|Azure Linux|Linux Mint)",
      std::regex::icase);
  for (const auto& node : nodes->control_plane) {
    const std::string os = NodeInfo(node, "osImage");
    EXPECT_EQ(NodeInfo(node, "operatingSystem"), "linux") << fixtures::NodeName(node);
    EXPECT_TRUE(std::regex_search(os, known)) << fixtures::NodeName(node) << " runs '" << os
                                              << "', not a known deb- or rpm-based distribution";
  }
}

RA2CERT_CASE(
    HostOs, WindowsNodesAreRecentWorkers,
    {.id = "4.2.004",
     .title = "Windows nodes are workers running Windows Server 2019 (10.0.17763) or later",
     .requirements = {"ra2.os.003"},
     .needs = {"cluster", "windows-nodes"}}) {
  RA2CERT_OK_OR_INFRA(client, kube::Client::ForCase());
  RA2CERT_OK_OR_INFRA(
      nodes, client->List("/api/v1/nodes", {.label_selector = "kubernetes.io/os=windows"}));
  ASSERT_FALSE(nodes->items.empty());
  for (const auto& node : nodes->items) {
    EXPECT_FALSE(fixtures::IsControlPlaneNode(node))
        << fixtures::NodeName(node)
        << " is a Windows control-plane node; Windows may only be a worker";
    const json labels = node.value("metadata", json::object()).value("labels", json::object());
    const std::string build = labels.value("node.kubernetes.io/windows-build", "");
    std::smatch match;
    ASSERT_TRUE(std::regex_match(build, match, std::regex(R"((\d+)\.(\d+)\.(\d+))")))
        << fixtures::NodeName(node) << " has no readable node.kubernetes.io/windows-build label ('"
        << build << "')";
    const long long version = std::stoll(match[1]) * 1000000000LL +
                              std::stoll(match[2]) * 1000000LL + std::stoll(match[3]);
    EXPECT_GE(version, 10LL * 1000000000LL + 17763)
        << fixtures::NodeName(node) << " runs Windows build " << build;
  }
}

}  // namespace ra2cert::suites
