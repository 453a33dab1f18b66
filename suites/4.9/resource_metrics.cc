// 4.9 Supplementary components: resource usage is really collected. The resource metrics
// API (metrics.k8s.io, served through the aggregation layer by metrics-server or another
// provider) reports every real node's usage and a workload's usage, and the figure follows
// what the workload does: a container that burns CPU is reported busy beside an idle one.
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "fixtures/kube/case_access.h"
#include "fixtures/kube/case_cluster.h"
#include "harness/catalogue/case.h"
#include "suites/4.9/resource_usage.h"

namespace ra2cert::suites {
namespace {
using fixtures::json;

constexpr const char* kApiService =
    "/apis/apiregistration.k8s.io/v1/apiservices/v1beta1.metrics.k8s.io";
constexpr const char* kMetricsApi = "/apis/metrics.k8s.io/v1beta1";
// A shell busy loop under a 500m limit uses 0.5 core when the node has it to give. On a node
// saturated by other work it gets far less (kubepods as a whole competes with every busy
// process outside it, which can leave the loop near 0.1 core). So the loop counts
// as busy from 30m and at four times the idle container's figure; `sleep` shows 0-2m.
constexpr double kBurningCores = 0.03;
constexpr double kBusyOverIdle = 4;
constexpr double kIdleCores = 0.05;
constexpr auto kUsageWindow = std::chrono::seconds(60);

// A failed call: the harness's own problem (no answer, its credentials refused) ends the
// case as Error; any other HTTP status is the cluster's answer.
bool IsHarnessProblem(const Error& error) {
  return error.code() < 100 || error.code() == 401 || error.code() == 403;
}

std::string Cores(double cores) { return std::to_string(static_cast<int>(cores * 1000)) + "m"; }
}  // namespace

RA2CERT_CASE(
    Supplementary, ResourceMetricsFollowRealUsage,
    {.id = "4.9.003",
     .title = "The resource metrics API (metrics.k8s.io) reports every real node's usage and a "
              "pod's, and the pod's CPU figure follows the CPU it burns",
     .requirements = {"ra2.mon.001", "ra2.k8s.023"},
     .needs = {"cluster"},
     .timeout = std::chrono::seconds(180),
     .violations = {"metrics-server-removed"},
     .api_access =
         Combine({{{.verbs = {"get"}, .group = "apiregistration.k8s.io", .resource = "apiservices"},
                   {.verbs = {"list"}, .group = "metrics.k8s.io", .resource = "nodes"},
                   {.verbs = {"get"}, .group = "metrics.k8s.io", .resource = "pods"}},
                  fixtures::access::ReadNodes(),
                  fixtures::access::TestNamespace(),
                  fixtures::access::StartProbePod(),
                  fixtures::access::WaitForPod()})}) {
  RA2CERT_REQUIRE_OK(client, kube::Client::ForCase());
  const auto started_at = std::chrono::steady_clock::now();
  auto api_service = client->Get(kApiService);
  if (!api_service && IsHarnessProblem(api_service.error()))
    RA2CERT_INFRA_ERROR(fixtures::DescribeHarnessError(api_service.error()));
  if (!api_service && api_service.error().code() == 404) {
    FAIL() << "there is no APIService v1beta1.metrics.k8s.io: the cluster serves no resource "
              "metrics API (deploy metrics-server or another provider of metrics.k8s.io)";
  }
  ASSERT_TRUE(api_service) << "reading APIService v1beta1.metrics.k8s.io: "
                           << api_service.error().message();
  const std::string unavailable = ApiServiceUnavailability(*api_service);
  ASSERT_TRUE(unavailable.empty())
      << "APIService v1beta1.metrics.k8s.io is not available, so nothing collects resource "
         "usage: "
      << unavailable;

  // The workload starts first: its first sample needs two of the provider's scrapes.
  RA2CERT_REQUIRE_OK(ns, fixtures::TestNamespace::Create(*client, "4.9.003"));
  json pod = fixtures::ProbePodObject({.name = "usage", .command = {"exec sleep 3600"}});
  json& idle = pod["spec"]["containers"][0];
  idle["name"] = "idle";
  idle["resources"] = {{"requests", {{"cpu", "10m"}}}, {"limits", {{"cpu", "100m"}}}};
  json burner = idle;
  burner["name"] = "burner";
  burner["command"] = {"/bin/sh", "-c", "while :; do :; done"};
  // Its request sets its CPU share against the other pods when the node is saturated.
  burner["resources"] = {{"requests", {{"cpu", "200m"}}}, {"limits", {{"cpu", "500m"}}}};
  pod["spec"]["containers"].push_back(burner);
  RA2CERT_REQUIRE_OK(created, client->Create("/api/v1/namespaces/" + ns->name() + "/pods", pod));
  RA2CERT_REQUIRE_OK(running, fixtures::WaitForPod(*client, ns->name(), "usage", {"Running"},
                                                   fixtures::In(std::chrono::seconds(60))));
  // One window for the node figures and the pod's: four of metrics-server's 15 s scrapes. A
  // kubelet on a loaded node can miss two in a row (four full runs at once on 2 cores did).
  const auto window_end = std::chrono::steady_clock::now() + kUsageWindow;

  // Every real node: simulated ones run no kubelet that could be scraped.
  RA2CERT_REQUIRE_OK(nodes, fixtures::ReadNodes(*client));
  std::vector<std::string> expected;
  for (const auto& node : nodes->all) {
    if (!fixtures::IsSimulated(node)) expected.push_back(fixtures::NodeName(node));
  }
  std::map<std::string, Usage> node_usages;
  std::string nodes_problem;
  for (;;) {
    auto list = client->Get(std::string(kMetricsApi) + "/nodes");
    if (!list && IsHarnessProblem(list.error()))
      RA2CERT_INFRA_ERROR(fixtures::DescribeHarnessError(list.error()));
    nodes_problem = list ? "" : list.error().message();
    // A provider can leave a node out of one answer (no new kubelet sample since its last
    // scrape): a node counts once any answer within the window reports it.
    if (list) node_usages.merge(NodeUsages(*list));
    std::string missing;
    for (const auto& name : expected) {
      if (!node_usages.contains(name)) missing += (missing.empty() ? "" : ", ") + name;
    }
    if (nodes_problem.empty() && !missing.empty())
      nodes_problem = "no usage reported for " + missing;
    if (nodes_problem.empty() || std::chrono::steady_clock::now() >= window_end) break;
    std::this_thread::sleep_for(std::chrono::seconds(3));
  }
  EXPECT_TRUE(nodes_problem.empty()) << "the resource metrics API does not report every node's "
                                        "usage within 60 s of the pod running: "
                                     << nodes_problem;
  for (const auto& [name, usage] : node_usages) {
    EXPECT_GT(usage.memory_bytes, 0) << name << ": reported with no memory in use";
    std::printf("node %s: cpu %s, memory %.0f MiB\n", name.c_str(), Cores(usage.cpu_cores).c_str(),
                usage.memory_bytes / (1024 * 1024));
  }

  // The pod: a sample in which the burning container is busy and the idle one is not.
  const std::string pod_path =
      std::string(kMetricsApi) + "/namespaces/" + ns->name() + "/pods/usage";
  std::map<std::string, Usage> containers;
  std::string pod_problem = "no sample yet";
  int polls = 0;
  for (;;) {
    auto metrics = client->Get(pod_path);
    ++polls;
    if (!metrics && IsHarnessProblem(metrics.error()))
      RA2CERT_INFRA_ERROR(fixtures::DescribeHarnessError(metrics.error()));
    if (metrics) {
      containers = ContainerUsages(*metrics);
      if (containers.contains("burner") && containers.contains("idle") &&
          containers.at("burner").cpu_cores >= kBurningCores &&
          containers.at("burner").cpu_cores >= kBusyOverIdle * containers.at("idle").cpu_cores) {
        pod_problem.clear();
        break;
      }
      pod_problem = "the last sample (window " + metrics->value("window", std::string("?")) +
                    ") reports burner " +
                    (containers.contains("burner") ? Cores(containers.at("burner").cpu_cores)
                                                   : std::string("missing")) +
                    ", idle " +
                    (containers.contains("idle") ? Cores(containers.at("idle").cpu_cores)
                                                 : std::string("missing"));
    } else if (metrics.error().code() != 404) {
      // 404 is the normal answer until the provider has the pod's first sample.
      pod_problem = metrics.error().message();
    }
    if (std::chrono::steady_clock::now() >= window_end) break;
    std::this_thread::sleep_for(std::chrono::seconds(3));
  }
  ASSERT_TRUE(pod_problem.empty())
      << "the resource metrics API did not report the pod's burning container above "
      << Cores(kBurningCores) << " CPU and " << kBusyOverIdle
      << " times the idle one within 60 s of it running: " << pod_problem << "; "
      << fixtures::DescribePodState(*client, ns->name(), "usage");
  EXPECT_LT(containers.at("idle").cpu_cores, kIdleCores)
      << "the idle container (sleep) is reported at " << Cores(containers.at("idle").cpu_cores)
      << " CPU, as busy as the one burning CPU: the figures do not follow real usage";
  EXPECT_GT(containers.at("burner").memory_bytes, 0) << "the pod's memory is reported as zero";
  std::printf("pod usage: burner %s, idle %s CPU (%d polls, %.0f s into the case)\n",
              Cores(containers.at("burner").cpu_cores).c_str(),
              Cores(containers.at("idle").cpu_cores).c_str(), polls,
              std::chrono::duration<double>(std::chrono::steady_clock::now() - started_at).count());
}

}  // namespace ra2cert::suites
