// 4.3 Kubernetes: version, control-plane components, scheduling onto workers.
#include <algorithm>
#include <cstdio>
#include <regex>

#include "fixtures/kube/case_access.h"
#include "fixtures/kube/case_cluster.h"
#include "harness/catalogue/case.h"

namespace ra2cert::suites {
namespace {
using fixtures::json;

// {major, minor} of "v1.33.13" (or "v1.33.13-gke.1").
std::optional<std::pair<int, int>> MinorVersion(const std::string& version) {
  std::smatch match;
  if (!std::regex_search(version, match, std::regex(R"(^v?(\d+)\.(\d+))"))) return std::nullopt;
  return std::make_pair(std::stoi(match[1]), std::stoi(match[2]));
}

// RA2 (later releases) requires Kubernetes 1.33.
constexpr int kRequiredMinor = 33;
}  // namespace

RA2CERT_CASE(
    Kubernetes, VersionAndKubeletSkew,
    {.id = "4.3.001",
     .title = "API server is Kubernetes 1.33 or newer and kubelets are at most 3 minors behind",
     .requirements = {"ra2.k8s.005"},
     .needs = {"cluster"},
     .violations = {"stale-node"},
     .api_access = Combine({{{.verbs = {"get"}, .url = "/version"}},
                            fixtures::access::ReadNodes()})}) {
  RA2CERT_REQUIRE_OK(client, kube::Client::ForCase());
  RA2CERT_REQUIRE_OK(version, client->Get("/version"));
  const std::string server = version->value("gitVersion", "");
  auto server_minor = MinorVersion(server);
  ASSERT_TRUE(server_minor) << "the API server reports an unreadable version '" << server << "'";
  EXPECT_EQ(server_minor->first, 1) << server;
  EXPECT_GE(server_minor->second, kRequiredMinor)
      << "the API server runs " << server << "; RA2 requires 1.33";
  RA2CERT_REQUIRE_OK(nodes, fixtures::ReadNodes(*client));
  for (const auto& node : nodes->all) {
    const std::string kubelet = node.value("status", json::object())
                                    .value("nodeInfo", json::object())
                                    .value("kubeletVersion", "");
    auto kubelet_minor = MinorVersion(kubelet);
    ASSERT_TRUE(kubelet_minor) << fixtures::NodeName(node) << " reports kubelet '" << kubelet
                               << "'";
    EXPECT_LE(server_minor->second - kubelet_minor->second, 3)
        << fixtures::NodeName(node) << " runs kubelet " << kubelet << ", more than 3 minors behind "
        << server;
    EXPECT_LE(kubelet_minor->second, server_minor->second)
        << fixtures::NodeName(node) << " runs kubelet " << kubelet << ", newer than the API server "
        << server;
  }
}

RA2CERT_CASE(
    Kubernetes, ControlPlaneComponentsRun,
    {.id = "4.3.002",
     .title = "API server is ready and scheduler and controller manager keep renewing their "
              "leader leases",
     .requirements = {"ra2.k8s.012"},
     .needs = {"cluster"},
     .timeout = std::chrono::seconds(90),
     .violations = {"scheduler-stopped", "controller-manager-stopped"},
     .api_access =
         Combine({{{.verbs = {"get"}, .url = "/readyz"},
                   {.verbs = {"get"}, .group = "coordination.k8s.io", .resource = "leases"}},
                  fixtures::access::WaitFor("leases", "coordination.k8s.io")})}) {
  RA2CERT_REQUIRE_OK(client, kube::Client::ForCase());
  // /readyz answers 500 with the failing checks when the API server is not ready: that is
  // the cluster's answer, not a broken request.
  auto readyz = client->connection().Send(
      {.method = "GET", .path = "/readyz?verbose", .accept = "text/plain"});
  if (!readyz) RA2CERT_INFRA_ERROR(fixtures::DescribeHarnessError(readyz.error()));
  if (readyz->status == 401 || readyz->status == 403) {
    RA2CERT_INFRA_ERROR("GET /readyz: HTTP " + std::to_string(readyz->status) + ": " +
                        readyz->body.substr(0, 300));
  }
  EXPECT_EQ(readyz->status, 200) << "the API server is not ready:\n" << readyz->body;
  EXPECT_NE(readyz->body.find("readyz check passed"), std::string::npos) << readyz->body;

  for (const char* component : {"kube-scheduler", "kube-controller-manager"}) {
    const std::string leases = "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases";
    auto lease = client->Get(leases + "/" + component);
    if (!lease && lease.error().code() == 404) {
      ADD_FAILURE() << "no leader lease kube-system/" << component
                    << ": the component is not running (or not leader-elected)";
      continue;
    }
    if (!lease) RA2CERT_INFRA_ERROR(fixtures::DescribeHarnessError(lease.error()));
    const json spec = lease->value("spec", json::object());
    const std::string holder = spec.value("holderIdentity", "");
    const std::string renewed = spec.value("renewTime", "");
    EXPECT_FALSE(holder.empty()) << component << " lease has no holder: nobody leads";
    // A running leader renews well within its lease duration (every retry period, 2 s by
    // default); one that does not renew within the duration has stopped.
    const int duration = std::clamp(spec.value("leaseDurationSeconds", 15), 1, 60);
    auto renewal = kube::WaitFor(
        *client, leases, {.field_selector = std::string("metadata.name=") + component},
        [&](const kube::WatchEvent& event) {
          return event.object.value("spec", json::object()).value("renewTime", "") != renewed &&
                 event.type != "SYNCED";
        },
        fixtures::In(std::chrono::seconds(duration + 5)));
    RA2CERT_INFRA_ERROR_UNLESS_CLUSTER(renewal);
    EXPECT_TRUE(renewal) << component << " did not renew its leader lease within " << duration + 5
                         << " s (holder " << holder << ", last renewed " << renewed
                         << "): it is not running";
    if (renewal) {
      std::printf("%s: lease held by %s, renewed at %s\n", component, holder.c_str(),
                  renewal->value("spec", json::object()).value("renewTime", "").c_str());
    }
  }
}

RA2CERT_CASE(Kubernetes, PodRunsOnAWorker,
             {.id = "4.3.003",
              .title = "A pod pulls its image, is scheduled onto a worker and runs to completion",
              .requirements = {"ra2.k8s.021", "ra2.k8s.022"},
              .needs = {"cluster"},
              .timeout = std::chrono::seconds(120),
              .violations = {"registry-unreachable", "scheduler-stopped"},
              .api_access = Combine({fixtures::access::TestNamespace(),
                                     fixtures::access::RunProbePod(),
                                     {{.verbs = {"get"}, .resource = "nodes"}}})}) {
  RA2CERT_REQUIRE_OK(client, kube::Client::ForCase());
  RA2CERT_REQUIRE_OK(ns, fixtures::TestNamespace::Create(*client, "4.3.003"));
  fixtures::ProbePodSpec spec{.name = "probe", .command = {"echo ra2cert-probe-ran; uname -s"}};
  // Always: the image is pulled from its registry now, not taken from a node's cache.
  spec.container_extra = {{"imagePullPolicy", "Always"},
                          {"resources",
                           {{"requests", {{"cpu", "10m"}, {"memory", "16Mi"}}},
                            {"limits", {{"cpu", "100m"}, {"memory", "64Mi"}}}}}};
  RA2CERT_REQUIRE_OK(outcome, fixtures::RunProbePod(*client, ns->name(), spec,
                                                    fixtures::In(std::chrono::seconds(60))));
  EXPECT_EQ(outcome->phase, "Succeeded") << outcome->pod.dump(2);
  EXPECT_EQ(outcome->exit_code, 0);
  EXPECT_NE(outcome->logs.find("ra2cert-probe-ran"), std::string::npos) << outcome->logs;
  RA2CERT_REQUIRE_OK(node, client->Get("/api/v1/nodes/" + outcome->node));
  EXPECT_FALSE(fixtures::IsControlPlaneNode(*node))
      << "the pod ran on control-plane node " << outcome->node;
}

}  // namespace ra2cert::suites
