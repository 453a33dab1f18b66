// 4.3 Kubernetes: version, control-plane components, scheduling onto workers.
#include <regex>

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
     .needs = {"cluster"}}) {
  RA2CERT_OK_OR_INFRA(client, kube::Client::ForCase());
  RA2CERT_OK_OR_INFRA(version, client->Get("/version"));
  const std::string server = version->value("gitVersion", "");
  auto server_minor = MinorVersion(server);
  ASSERT_TRUE(server_minor) << "the API server reports an unreadable version '" << server << "'";
  EXPECT_EQ(server_minor->first, 1) << server;
  EXPECT_GE(server_minor->second, kRequiredMinor)
      << "the API server runs " << server << "; RA2 requires 1.33";
  RA2CERT_OK_OR_INFRA(nodes, fixtures::ReadNodes(*client));
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
     .title = "API server is ready and scheduler and controller manager hold fresh leader leases",
     .requirements = {"ra2.k8s.012"},
     .needs = {"cluster"}}) {
  RA2CERT_OK_OR_INFRA(client, kube::Client::ForCase());
  RA2CERT_OK_OR_INFRA(readyz, client->GetText("/readyz?verbose"));
  EXPECT_NE(readyz->find("readyz check passed"), std::string::npos) << *readyz;
  for (const char* component : {"kube-scheduler", "kube-controller-manager"}) {
    auto lease = client->Get(
        std::string("/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/") + component);
    if (!lease && lease.error().code() == 404) {
      ADD_FAILURE() << "no leader lease kube-system/" << component
                    << ": the component is not running (or not leader-elected)";
      continue;
    }
    if (!lease) RA2CERT_INFRA_ERROR(lease.error().message());
    const json spec = lease->value("spec", json::object());
    EXPECT_FALSE(spec.value("holderIdentity", "").empty()) << component << " lease has no holder";
    const std::string renewed = spec.value("renewTime", "");
    std::tm tm{};
    ASSERT_NE(strptime(renewed.c_str(), "%Y-%m-%dT%H:%M:%S", &tm), nullptr)
        << component << " lease renewTime '" << renewed << "'";
    const auto age =
        std::chrono::system_clock::now() - std::chrono::system_clock::from_time_t(timegm(&tm));
    EXPECT_LT(std::chrono::duration_cast<std::chrono::seconds>(age).count(), 60)
        << component << " last renewed its lease at " << renewed << ": it is not running";
  }
}

RA2CERT_CASE(Kubernetes, PodRunsOnAWorker,
             {.id = "4.3.003",
              .title = "A pod pulls its image, is scheduled onto a worker and runs to completion",
              .requirements = {"ra2.k8s.021", "ra2.k8s.022"},
              .needs = {"cluster", "multi-node"},
              .timeout = std::chrono::seconds(120)}) {
  RA2CERT_OK_OR_INFRA(client, kube::Client::ForCase());
  RA2CERT_OK_OR_INFRA(ns, fixtures::TestNamespace::Create(*client, "4.3.003"));
  fixtures::ProbePodSpec spec{.name = "probe", .command = {"echo ra2cert-probe-ran; uname -s"}};
  spec.container_extra = {{"resources",
                           {{"requests", {{"cpu", "10m"}, {"memory", "16Mi"}}},
                            {"limits", {{"cpu", "100m"}, {"memory", "64Mi"}}}}}};
  RA2CERT_OK_OR_INFRA(outcome, fixtures::RunProbePod(*client, ns->name(), spec,
                                                     fixtures::In(std::chrono::seconds(90))));
  EXPECT_EQ(outcome->phase, "Succeeded") << outcome->pod.dump(2);
  EXPECT_EQ(outcome->exit_code, 0);
  EXPECT_NE(outcome->logs.find("ra2cert-probe-ran"), std::string::npos) << outcome->logs;
  RA2CERT_OK_OR_INFRA(node, client->Get("/api/v1/nodes/" + outcome->node));
  EXPECT_FALSE(fixtures::IsControlPlaneNode(*node))
      << "the pod ran on control-plane node " << outcome->node;
}

}  // namespace ra2cert::suites
