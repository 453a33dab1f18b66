// 4.3 Kubernetes: which API versions the API server serves. Alpha versions of Kubernetes'
// own APIs must be off; beta ones only where RA2 allows them.
#include <cstdio>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "fixtures/kube/case_access.h"
#include "fixtures/kube/case_cluster.h"
#include "harness/catalogue/case.h"

namespace ra2cert::suites {
namespace {
using fixtures::json;

// The kube-aggregator labels the APIService of every group version the kube-apiserver
// serves itself with automanaged=onstart; CRD versions get "true", aggregated servers none.
constexpr const char* kAutomanagedLabel = "kube-aggregator.kubernetes.io/automanaged";

// Beta resources Kubernetes 1.23 served by default: RA2 lets beta APIs that existed before
// 1.24 stay on (1.24 turned new beta APIs off by default). Kept as resource@group/version,
// since a later beta can reuse an old version string for a new resource.
const std::set<std::string>& BetaBefore124() {
  static const std::set<std::string> kResources = {
      "cronjobs@batch/v1beta1",
      "poddisruptionbudgets@policy/v1beta1",
      "podsecuritypolicies@policy/v1beta1",
      "horizontalpodautoscalers@autoscaling/v2beta1",
      "horizontalpodautoscalers@autoscaling/v2beta2",
      "endpointslices@discovery.k8s.io/v1beta1",
      "events@events.k8s.io/v1beta1",
      "runtimeclasses@node.k8s.io/v1beta1",
      "csistoragecapacities@storage.k8s.io/v1beta1",
      "flowschemas@flowcontrol.apiserver.k8s.io/v1beta1",
      "prioritylevelconfigurations@flowcontrol.apiserver.k8s.io/v1beta1",
      "flowschemas@flowcontrol.apiserver.k8s.io/v1beta2",
      "prioritylevelconfigurations@flowcontrol.apiserver.k8s.io/v1beta2",
  };
  return kResources;
}

// RA2 allows Node Feature Discovery's alpha API.
bool AlphaAllowed(const std::string& group) { return group == "nfd.k8s-sigs.io"; }

std::string GroupVersion(const std::string& group, const std::string& version) {
  return group.empty() ? version : group + "/" + version;
}
}  // namespace

RA2CERT_CASE(
    Kubernetes, NoAlphaAndOnlyAllowedBetaApis,
    {.id = "4.3.004",
     .title = "The API server serves no alpha version of a Kubernetes API (NFD's excepted) and "
              "no beta one newer than 1.24",
     .requirements = {"ra2.k8s.012", "ra2.k8s.019"},
     .needs = {"cluster"},
     .violations = {"apiserver-all-api-versions"},
     // The discovery documents (/apis/GROUP/VERSION) need no grant: the default
     // system:discovery role gives them to every authenticated user.
     .api_access = {
         {.verbs = {"list"}, .group = "apiregistration.k8s.io", .resource = "apiservices"}}}) {
  RA2CERT_REQUIRE_OK(client, kube::Client::ForCase());
  RA2CERT_REQUIRE_OK(services, client->List("/apis/apiregistration.k8s.io/v1/apiservices"));
  const std::regex alpha(R"(^v\d+alpha\d+$)");
  const std::regex beta(R"(^v\d+beta\d+$)");
  int built_in = 0;
  std::vector<std::string> extensions;
  for (const auto& service : services->items) {
    const json spec = service.value("spec", json::object());
    const std::string group = spec.value("group", "");
    const std::string version = spec.value("version", "");
    const std::string automanaged = service.value("metadata", json::object())
                                        .value("labels", json::object())
                                        .value(kAutomanagedLabel, "");
    const bool pre_release = std::regex_match(version, alpha) || std::regex_match(version, beta);
    if (automanaged != "onstart") {
      if (pre_release) extensions.push_back(GroupVersion(group, version));
      continue;
    }
    ++built_in;
    if (std::regex_match(version, alpha)) {
      EXPECT_TRUE(AlphaAllowed(group))
          << "the API server serves the alpha API " << GroupVersion(group, version)
          << " (enabled with --runtime-config or a feature gate)";
    } else if (std::regex_match(version, beta)) {
      const std::string path = "/apis/" + GroupVersion(group, version);
      RA2CERT_REQUIRE_OK(resources, client->Get(path));
      std::string new_ones;
      for (const auto& resource : resources->value("resources", json::array())) {
        const std::string name = resource.value("name", "");
        if (name.find('/') != std::string::npos) continue;  // a subresource
        if (!BetaBefore124().contains(name + "@" + GroupVersion(group, version)))
          new_ones += " " + name;
      }
      EXPECT_TRUE(new_ones.empty())
          << "the API server serves the beta API " << GroupVersion(group, version) << " ("
          << new_ones.substr(new_ones.empty() ? 0 : 1)
          << "), which did not exist before 1.24 (enabled with --runtime-config or a feature "
             "gate)";
    }
  }
  if (built_in == 0) {
    GTEST_SKIP() << "no APIService carries " << kAutomanagedLabel
                 << "=onstart: the API server's own versions cannot be told from extensions";
  }
  std::string listed;
  for (const auto& name : extensions) listed += " " + name;
  std::printf(
      "%d built-in group versions checked; pre-release versions served by extensions "
      "(CRDs, aggregated servers; not judged):%s\n",
      built_in, listed.empty() ? " none" : listed.c_str());
}

}  // namespace ra2cert::suites
