// 4.9 Supplementary components: metrics are exposed where a collector scrapes them, and a
// workload's events can be read back and watched through the events APIs.
#include <chrono>
#include <cstdio>
#include <set>
#include <thread>

#include "fixtures/kube/case_access.h"
#include "fixtures/kube/case_cluster.h"
#include "harness/catalogue/case.h"
#include "harness/core/bounded_file.h"

namespace ra2cert::suites {
namespace {
using fixtures::json;

// GET `path` as text. `harness_problem`: the harness could not ask (transport, its own
// credentials: 401/403); `cluster_problem`: the cluster answered that it does not serve it.
struct Scrape {
  std::string body, harness_problem, cluster_problem;
};

Scrape ScrapeText(kube::Client& client, const std::string& path) {
  Scrape scrape;
  auto response = client.connection().Send({.method = "GET", .path = path, .accept = "text/plain"});
  if (!response) {
    scrape.harness_problem = "GET " + path + ": " + response.error().message();
  } else if (response->status == 401 || response->status == 403) {
    // The Status message names the verb and resource refused ("cannot get resource
    // \"nodes/proxy\""); the raw body would bury it in JSON escapes.
    const json status = json::parse(response->body, nullptr, /*allow_exceptions=*/false);
    const std::string message = status.is_object() && status.value("kind", "") == "Status"
                                    ? status.value("message", "")
                                    : response->body.substr(0, 300);
    scrape.harness_problem = fixtures::DescribeHarnessError(
        Error("GET " + path + ": HTTP " + std::to_string(response->status) + ": " + message,
              static_cast<int>(response->status)));
  } else if (response->status != 200) {
    scrape.cluster_problem =
        "HTTP " + std::to_string(response->status) + ": " + response->body.substr(0, 300);
  } else {
    scrape.body = std::move(response->body);
  }
  return scrape;
}
}  // namespace

RA2CERT_CASE(
    Supplementary, NodeAndControlPlaneMetricsAreExposed,
    {.id = "4.9.001",
     .title = "Every node's kubelet and the API server serve Prometheus metrics through "
              "the API, ready to be collected",
     .requirements = {"ra2.mon.001"},
     .needs = {"cluster"},
     .timeout = std::chrono::seconds(120),
     .violations = {"kubelet-port-blocked"},
     .api_access = Combine({{{.verbs = {"get"}, .url = "/metrics"},
                             {.verbs = {"get"}, .resource = "nodes", .subresource = "proxy"}},
                            fixtures::access::ReadNodes()})}) {
  RA2CERT_REQUIRE_OK(client, kube::Client::ForCase());
  const Scrape apiserver = ScrapeText(*client, "/metrics");
  if (!apiserver.harness_problem.empty()) RA2CERT_INFRA_ERROR(apiserver.harness_problem);
  EXPECT_TRUE(apiserver.cluster_problem.empty())
      << "the API server does not serve /metrics: " << apiserver.cluster_problem;
  EXPECT_NE(apiserver.body.find("apiserver_request_total{"), std::string::npos)
      << "no apiserver_request_total samples in the API server's /metrics";

  // Each node's kubelet, the way a collector reaches it: through the API server's node
  // proxy. Simulated nodes have no kubelet to ask.
  RA2CERT_REQUIRE_OK(nodes, fixtures::ReadNodes(*client));
  int scraped = 0;
  for (const auto& node : nodes->all) {
    const std::string name = fixtures::NodeName(node);
    if (fixtures::IsSimulated(node)) continue;
    // The kubelet builds /metrics/resource from its latest stats; under load a collection
    // can miss (the body is then little more than resource_scrape_error 1), so a node has a
    // short while to serve the node series before it counts as not serving them.
    const std::string path = "/api/v1/nodes/" + name + "/proxy/metrics/resource";
    Scrape kubelet;
    bool has_cpu = false, has_memory = false;
    for (auto until = fixtures::In(std::chrono::seconds(30));;) {
      kubelet = ScrapeText(*client, path);
      if (!kubelet.harness_problem.empty()) RA2CERT_INFRA_ERROR(kubelet.harness_problem);
      has_cpu = kubelet.body.find("node_cpu_usage_seconds_total") != std::string::npos;
      // Node-level series only: container series exist only while the node runs a container.
      has_memory = kubelet.body.find("node_memory_working_set_bytes") != std::string::npos;
      // A refused proxy (blocked kubelet port) is an answer already; waiting would not change it.
      if (!kubelet.cluster_problem.empty() || (has_cpu && has_memory)) break;
      if (std::chrono::steady_clock::now() >= until) break;
      std::this_thread::sleep_for(std::chrono::seconds(3));
    }
    if (!kubelet.cluster_problem.empty()) {
      ADD_FAILURE() << name << ": its kubelet's resource metrics cannot be scraped through the "
                    << "API server: " << kubelet.cluster_problem;
      continue;
    }
    EXPECT_TRUE(has_cpu) << name << ": the kubelet's /metrics/resource has no "
                         << "node_cpu_usage_seconds_total after 30 s; it serves: "
                         << PrintableExcerpt(kubelet.body, 200);
    EXPECT_TRUE(has_memory) << name << ": the kubelet's /metrics/resource has no "
                            << "node_memory_working_set_bytes after 30 s";
    ++scraped;
    std::printf("%s: kubelet resource metrics, %zu bytes\n", name.c_str(), kubelet.body.size());
  }
  EXPECT_GT(scraped, 0) << "no node's kubelet metrics could be scraped";
}

RA2CERT_CASE(Supplementary, WorkloadEventsCanBeReadAndWatched,
             {.id = "4.9.002",
              .title = "A workload's scheduling and kubelet events can be listed and watched "
                       "through events.k8s.io/v1 and core v1",
              .requirements = {"ra2.mon.003", "ra2.k8s.023"},
              .needs = {"cluster"},
              .timeout = std::chrono::seconds(120),
              .violations = {"events-api-disabled"},
              .api_access = Combine({{{.verbs = {"get"}, .url = "/apis/events.k8s.io/v1"}},
                                     fixtures::access::TestNamespace(),
                                     fixtures::access::StartProbePod(),
                                     fixtures::access::WaitFor("events", "events.k8s.io"),
                                     fixtures::access::DescribePodState(),
                                     {{.verbs = {"list"}, .resource = "events"}}})}) {
  RA2CERT_REQUIRE_OK(client, kube::Client::ForCase());
  // The GA events API (since 1.19) is what event collectors read; a cluster that does not
  // serve it hides its events from them.
  auto group = client->Get("/apis/events.k8s.io/v1");
  if (!group && group.error().code() != 404) {
    RA2CERT_INFRA_ERROR(fixtures::DescribeHarnessError(group.error()));
  }
  ASSERT_TRUE(group) << "the API server does not serve events.k8s.io/v1, the GA events API: "
                     << group.error().message();

  RA2CERT_REQUIRE_OK(ns, fixtures::TestNamespace::Create(*client, "4.9.002"));
  // The watch starts before the workload, so what it sees arrived as notifications.
  std::set<std::string> reasons;
  fixtures::ProbePodSpec spec{.name = "eventful", .command = {"true"}};
  RA2CERT_REQUIRE_OK(started, fixtures::StartProbePod(*client, ns->name(), spec));
  auto seen = kube::WaitFor(
      *client, "/apis/events.k8s.io/v1/namespaces/" + ns->name() + "/events", {},
      [&](const kube::WatchEvent& event) {
        if (event.type == "SYNCED") return false;
        reasons.insert(event.object.value("reason", ""));
        return reasons.contains("Scheduled") && reasons.contains("Started");
      },
      fixtures::In(std::chrono::seconds(60)));
  RA2CERT_INFRA_ERROR_UNLESS_CLUSTER(seen);
  std::string all;
  for (const auto& r : reasons) all += " " + r;
  EXPECT_TRUE(seen) << "the pod's Scheduled and Started events did not arrive through a watch "
                       "on events.k8s.io/v1 within 60 s; seen:"
                    << all << "; " << fixtures::DescribePodState(*client, ns->name(), "eventful");
  // The same events through the core API, which older collectors read.
  RA2CERT_REQUIRE_OK(core, client->List("/api/v1/namespaces/" + ns->name() + "/events",
                                        {.field_selector = "involvedObject.name=eventful"}));
  std::set<std::string> core_reasons;
  for (const auto& event : core->items) core_reasons.insert(event.value("reason", ""));
  EXPECT_TRUE(core_reasons.contains("Scheduled"))
      << "the core v1 events API does not list the pod's Scheduled event";
  std::printf("events.k8s.io/v1 watch:%s; core v1 list: %zu events\n", all.c_str(),
              core->items.size());
}

}  // namespace ra2cert::suites
