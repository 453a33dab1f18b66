// 4.2 Host OS: control-plane and worker nodes kept apart, kernels and distributions.
#include <cstdio>
#include <map>
#include <regex>
#include <sstream>

#include "fixtures/kube/case_access.h"
#include "fixtures/kube/case_cluster.h"
#include "harness/catalogue/case.h"

namespace ra2cert::suites {
namespace {
using fixtures::json;

std::string NodeInfo(const json& node, const char* key) {
  return node.value("status", json::object()).value("nodeInfo", json::object()).value(key, "");
}

// A taint that keeps workloads off for good. The node lifecycle taints
// (node.kubernetes.io/not-ready, unreachable, unschedulable for a cordon, pressure ...)
// come and go with the node's state: they do not separate anything.
bool TaintedNoSchedule(const json& node) {
  for (const auto& taint : node.value("spec", json::object()).value("taints", json::array())) {
    const std::string effect = taint.value("effect", "");
    if (taint.value("key", "").rfind("node.kubernetes.io/", 0) == 0) continue;
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
     .needs = {"cluster"},
     .violations = {"control-plane-schedulable"},
     .api_access = fixtures::access::ReadNodes()}) {
  RA2CERT_REQUIRE_OK(client, kube::Client::ForCase());
  RA2CERT_REQUIRE_OK(nodes, fixtures::ReadNodes(*client));
  EXPECT_FALSE(nodes->control_plane.empty())
      << "no node carries node-role.kubernetes.io/control-plane";
  EXPECT_FALSE(nodes->workers.empty())
      << "every node is a control-plane node: no worker to run workloads";
  for (const auto& node : nodes->control_plane) {
    EXPECT_TRUE(TaintedNoSchedule(node))
        << "control-plane node " << fixtures::NodeName(node)
        << " has no NoSchedule/NoExecute taint (other than a cordon or a node-state taint), so "
           "workloads can land on it";
  }
  int ready_workers = 0;
  std::string not_ready;
  for (const auto& node : nodes->workers) {
    if (fixtures::IsSimulated(node)) continue;
    if (fixtures::IsReady(node)) {
      ++ready_workers;
    } else {
      not_ready += " " + fixtures::DescribeReadiness(node);
    }
  }
  EXPECT_GT(ready_workers, 0) << "no worker node is Ready:" << not_ready;
}

RA2CERT_CASE(HostOs, KernelIsLinux4OrNewer,
             {.id = "4.2.002",
              .title = "Every Linux node runs kernel 4.x or newer",
              .requirements = {"ra2.os.002"},
              .needs = {"cluster"},
              .violations = {"stale-node"},
              .api_access = fixtures::access::ReadNodes()}) {
  RA2CERT_REQUIRE_OK(client, kube::Client::ForCase());
  RA2CERT_REQUIRE_OK(nodes, fixtures::ReadNodes(*client));
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
              .title = "Control-plane nodes run a deb- or rpm-based Linux distribution (by its "
                       "package database)",
              .requirements = {"ra2.os.001"},
              .needs = {"cluster"},
              .timeout = std::chrono::seconds(150),
              .violations = {"control-plane-os-flatcar"},
              .api_access = Combine({fixtures::access::ReadNodes(),
                                     fixtures::access::TestNamespace(),
                                     fixtures::access::RunProbePod()})}) {
  RA2CERT_REQUIRE_OK(client, kube::Client::ForCase());
  RA2CERT_REQUIRE_OK(nodes, fixtures::ReadNodes(*client));
  std::vector<json> inspectable;
  for (const auto& node : nodes->control_plane) {
    if (fixtures::IsSimulated(node)) {
      std::printf("%s is simulated: no host to inspect\n", fixtures::NodeName(node).c_str());
    } else {
      inspectable.push_back(node);
    }
  }
  if (inspectable.empty()) {
    // Managed control planes are not visible as nodes: only the provider's declaration
    // can show what they run.
    GTEST_SKIP() << "no control-plane node is visible (managed control plane?): its "
                    "distribution cannot be inspected";
  }
  // A host's package database is the evidence, read through a read-only hostPath:
  // dpkg's status file, or rpm's database in either of its homes. The name in
  // os-release is only reported.
  const std::string inspect =
      "for f in /host/etc/os-release /host/usr/lib/os-release; do "
      "[ -r $f ] && { grep -E '^(ID|ID_LIKE|PRETTY_NAME)=' $f; break; }; done; "
      "if [ -s /host/var/lib/dpkg/status ]; then echo dpkg=yes; else echo dpkg=no; fi; "
      "rpm=no; for d in /host/var/lib/rpm /host/usr/lib/sysimage/rpm; do "
      "for f in rpmdb.sqlite Packages Packages.db; do [ -s $d/$f ] && rpm=yes; done; done; "
      "echo rpm=$rpm";
  RA2CERT_REQUIRE_OK(ns, fixtures::TestNamespace::Create(*client, "4.2.003", true));
  for (size_t i = 0; i < inspectable.size(); ++i) {
    const std::string node = fixtures::NodeName(inspectable[i]);
    fixtures::ProbePodSpec spec{
        .name = "host-os-" + std::to_string(i), .command = {inspect}, .node_name = node};
    spec.extra_spec = {
        {"tolerations", json::array({{{"operator", "Exists"}}})},
        {"volumes", json::array({{{"name", "host"}, {"hostPath", {{"path", "/"}}}}})}};
    spec.container_extra = {
        {"volumeMounts",
         json::array({{{"name", "host"}, {"mountPath", "/host"}, {"readOnly", true}}})}};
    RA2CERT_REQUIRE_OK(outcome, fixtures::RunProbePod(*client, ns->name(), spec,
                                                      fixtures::In(std::chrono::seconds(60))));
    ASSERT_EQ(outcome->phase, "Succeeded") << node << ": " << outcome->logs;
    std::map<std::string, std::string> facts;
    std::istringstream lines(outcome->logs);
    for (std::string line; std::getline(lines, line);) {
      const auto equals = line.find('=');
      if (equals == std::string::npos) continue;
      std::string value = line.substr(equals + 1);
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
        value = value.substr(1, value.size() - 2);
      facts[line.substr(0, equals)] = value;
    }
    const std::string name =
        facts.contains("PRETTY_NAME") ? facts["PRETTY_NAME"] : "(no os-release)";
    std::printf("%s: %s (ID=%s, ID_LIKE=%s), dpkg database %s, rpm database %s\n", node.c_str(),
                name.c_str(), facts["ID"].c_str(), facts["ID_LIKE"].c_str(), facts["dpkg"].c_str(),
                facts["rpm"].c_str());
    EXPECT_TRUE(facts["dpkg"] == "yes" || facts["rpm"] == "yes")
        << "control-plane node " << node << " runs " << name << " (ID=" << facts["ID"]
        << ", ID_LIKE=" << facts["ID_LIKE"]
        << "): it has no dpkg or rpm package database (/var/lib/dpkg/status, /var/lib/rpm, "
           "/usr/lib/sysimage/rpm), so it is neither deb- nor rpm-based";
  }
}

RA2CERT_CASE(
    HostOs, WindowsNodesAreRecentWorkers,
    {.id = "4.2.004",
     .title = "Windows nodes are workers running Windows Server 2019 (10.0.17763) or later",
     .requirements = {"ra2.os.003"},
     .needs = {"cluster", "windows-nodes"},
     .violations = {"windows-node-2016"},
     .api_access = fixtures::access::ReadNodes()}) {
  RA2CERT_REQUIRE_OK(client, kube::Client::ForCase());
  RA2CERT_REQUIRE_OK(nodes,
                     client->List("/api/v1/nodes", {.label_selector = "kubernetes.io/os=windows"}));
  ASSERT_FALSE(nodes->items.empty());
  for (const auto& node : nodes->items) {
    EXPECT_FALSE(fixtures::IsControlPlaneNode(node))
        << fixtures::NodeName(node)
        << " is a Windows control-plane node; Windows may only be a worker";
    const json labels = fixtures::Labels(node);
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
