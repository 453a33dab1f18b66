// 4.3 Kubernetes, network-intensive profile: the kubelet of every network-intensive worker runs
// the static CPU manager and the single-numa-node topology manager (read from its configz
// through the API server's node proxy), and it really pins: a Guaranteed container asking for
// one whole CPU gets one CPU to itself, which the node's shared pool no longer offers to the
// pod's other container.
#include <algorithm>
#include <cstdio>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "fixtures/kube/case_access.h"
#include "fixtures/kube/case_cluster.h"
#include "harness/catalogue/case.h"
#include "harness/core/joined.h"
#include "suites/4.3/cpu_list.h"

namespace ra2cert::suites {
namespace {
using fixtures::json;

std::string Policy(const json& kubelet_config, const char* key) {
  const json value = kubelet_config.value(key, json());
  return value.is_string() && !value.get<std::string>().empty() ? value.get<std::string>() : "none";
}

std::string CpuListText(const std::set<int>& cpus) {
  std::vector<std::string> names;
  names.reserve(cpus.size());
  for (int cpu : cpus) names.push_back(std::to_string(cpu));
  return Joined(names, ",");
}

json Container(const char* name, const char* cpu) {
  const json resources = {{"cpu", cpu}, {"memory", "32Mi"}};
  return {{"name", name},
          {"image", fixtures::ProbeImage()},
          {"imagePullPolicy", "IfNotPresent"},
          {"command", {"/bin/sh", "-c", "grep '^Cpus_allowed_list:' /proc/self/status"}},
          {"resources", {{"requests", resources}, {"limits", resources}}}};
}

// The CPUs a container of the finished pod was allowed, from its log line.
std::optional<std::set<int>> AllowedCpus(const std::string& log) {
  const std::string key = "Cpus_allowed_list:";
  const auto at = log.find(key);
  if (at == std::string::npos) return std::nullopt;
  std::string list = log.substr(at + key.size());
  list.erase(0, list.find_first_not_of(" \t"));
  list.erase(list.find_last_not_of(" \t\r\n") + 1);
  return ParseCpuList(list);
}
}  // namespace

RA2CERT_CASE(
    Kubernetes, NetworkIntensiveWorkersPinCpus,
    {.id = "4.3.010",
     .title = "Network-intensive workers run the static CPU manager and the single-numa-node "
              "topology manager, and a Guaranteed container asking for a whole CPU gets it "
              "to itself",
     .requirements = {"ra2.k8s.006", "ra2.k8s.009"},
     .profiles = {"network-intensive"},
     .needs = {"cluster"},
     .timeout = std::chrono::seconds(150),
     .violations = {"kubelet-no-cpu-reserved"},
     .api_access = Combine({fixtures::access::ReadNodes(),
                            {{.verbs = {"get"}, .resource = "nodes", .subresource = "proxy"}},
                            fixtures::access::TestNamespace(),
                            fixtures::access::StartProbePod(),
                            fixtures::access::WaitForPod(),
                            fixtures::access::PodLogs()})}) {
  RA2CERT_REQUIRE_OK(client, kube::Client::ForCase());
  RA2CERT_REQUIRE_OK(nodes, fixtures::ReadNodes(*client));
  const std::vector<const json*> network_intensive = fixtures::NetworkIntensiveWorkers(*nodes);
  ASSERT_FALSE(network_intensive.empty()) << fixtures::kNoNetworkIntensiveWorker;
  RA2CERT_REQUIRE_OK(ns, fixtures::TestNamespace::Create(*client, "4.3.010"));
  for (const json* node : network_intensive) {
    const std::string name = fixtures::NodeName(*node);
    RA2CERT_REQUIRE_OK(configz, client->Get("/api/v1/nodes/" + name + "/proxy/configz"));
    const json config = configz->value("kubeletconfig", json::object());
    const std::string cpu_manager = Policy(config, "cpuManagerPolicy");
    const std::string topology_manager = Policy(config, "topologyManagerPolicy");
    std::printf("%s: cpuManagerPolicy %s, topologyManagerPolicy %s\n", name.c_str(),
                cpu_manager.c_str(), topology_manager.c_str());
    EXPECT_EQ(cpu_manager, "static")
        << "network-intensive worker " << name << " runs cpuManagerPolicy " << cpu_manager
        << ": no container can have CPUs of its own (the profile needs static)";
    EXPECT_EQ(topology_manager, "single-numa-node")
        << "network-intensive worker " << name << " runs topologyManagerPolicy " << topology_manager
        << " (the profile needs single-numa-node)";

    // Two containers of one Guaranteed pod: a whole CPU and a fraction of one.
    const std::string pod_name = "pinning-" + name;
    // Through the scheduler: beside other runs' pods the node may have no whole CPU free for a
    // moment, and the pod then waits instead of being refused by the kubelet.
    json pod =
        fixtures::ProbePodObject({.name = pod_name, .extra_spec = fixtures::ScheduledOnto(name)});
    pod["spec"]["containers"] =
        json::array({Container("whole-cpu", "1"), Container("shared", "50m")});
    RA2CERT_REQUIRE_OK(created, client->Create("/api/v1/namespaces/" + ns->name() + "/pods", pod));
    RA2CERT_REQUIRE_OK(finished,
                       fixtures::WaitForPod(*client, ns->name(), pod_name, {"Succeeded", "Failed"},
                                            fixtures::In(std::chrono::seconds(90))));
    RA2CERT_REQUIRE_OK(whole_log, client->PodLogs(ns->name(), pod_name, "whole-cpu"));
    RA2CERT_REQUIRE_OK(shared_log, client->PodLogs(ns->name(), pod_name, "shared"));
    const auto whole = AllowedCpus(*whole_log);
    const auto shared = AllowedCpus(*shared_log);
    if (!whole || !shared) {
      ADD_FAILURE() << "the pinning pod on " << name << " did not print its CPUs (whole-cpu: '"
                    << *whole_log << "', shared: '" << *shared_log << "')";
      continue;
    }
    std::printf("%s: whole-cpu container allowed CPUs %s, shared container %s\n", name.c_str(),
                CpuListText(*whole).c_str(), CpuListText(*shared).c_str());
    const bool overlaps =
        std::any_of(whole->begin(), whole->end(), [&](int cpu) { return shared->contains(cpu); });
    EXPECT_TRUE(whole->size() == 1 && !overlaps)
        << "a Guaranteed container asking for 1 CPU on " << name << " may run on CPUs "
        << CpuListText(*whole) << " and the pod's shared container on " << CpuListText(*shared)
        << ": the CPU is not pinned to it alone (ra2.k8s.009)";
  }
}

}  // namespace ra2cert::suites
