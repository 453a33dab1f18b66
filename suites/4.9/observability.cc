// 4.9 Supplementary components: metrics and events are there to be collected.
#include "fixtures/kube/case_cluster.h"
#include "harness/catalogue/case.h"

namespace ra2cert::suites {
namespace {
using fixtures::json;
}  // namespace

RA2CERT_CASE(Supplementary, ControlPlaneExposesMetrics,
             {.id = "4.9.001",
              .title = "The API server exposes Prometheus metrics of its requests",
              .requirements = {"ra2.mon.001"},
              .needs = {"cluster"}}) {
  RA2CERT_OK_OR_INFRA(client, kube::Client::ForCase());
  auto metrics = client->GetText("/metrics");
  if (!metrics && metrics.error().code() == 403) {
    GTEST_SKIP() << "the credentials in use may not read /metrics: " << metrics.error().message();
  }
  if (!metrics) RA2CERT_INFRA_ERROR(metrics.error().message());
  EXPECT_NE(metrics->find("# TYPE apiserver_request_total counter"), std::string::npos)
      << "no apiserver_request_total counter in /metrics";
  EXPECT_NE(metrics->find("apiserver_request_total{"), std::string::npos);
}

RA2CERT_CASE(Supplementary, EventsAreRecorded,
             {.id = "4.9.002",
              .title = "Scheduling and kubelet events are recorded for a workload",
              .requirements = {"ra2.mon.003", "ra2.k8s.023"},
              .needs = {"cluster"},
              .timeout = std::chrono::seconds(120)}) {
  RA2CERT_OK_OR_INFRA(client, kube::Client::ForCase());
  RA2CERT_OK_OR_INFRA(ns, fixtures::TestNamespace::Create(*client, "4.9.002"));
  fixtures::ProbePodSpec spec{.name = "eventful", .command = {"true"}};
  RA2CERT_OK_OR_INFRA(outcome, fixtures::RunProbePod(*client, ns->name(), spec,
                                                     fixtures::In(std::chrono::seconds(90))));
  std::set<std::string> reasons;
  auto seen = kube::WaitFor(
      *client, "/apis/events.k8s.io/v1/namespaces/" + ns->name() + "/events", {},
      [&](const kube::WatchEvent& event) {
        if (event.type == "SYNCED") return false;
        reasons.insert(event.object.value("reason", ""));
        return reasons.contains("Scheduled") &&
               (reasons.contains("Started") || reasons.contains("Pulled"));
      },
      fixtures::In(std::chrono::seconds(30)));
  std::string all;
  for (const auto& r : reasons) all += " " + r;
  EXPECT_TRUE(seen) << "events seen:" << all;
}

}  // namespace ra2cert::suites
