// 4.3 Kubernetes: the GA APIs stay. Every group version Kubernetes made GA up to 1.32 (the
// oldest minor the version matrix certifies) is served with its resources and their verbs,
// and an object written through one GA version of a group reads back the same through the
// other: what clients and manifests written against an earlier minor rely on.
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "fixtures/kube/case_access.h"
#include "fixtures/kube/case_cluster.h"
#include "harness/catalogue/case.h"

namespace ra2cert::suites {
namespace {
using fixtures::json;

enum class Verbs { kStored, kCreateOnly };  // a stored object, or a review that is only posted

struct GaResource {
  const char* group_version;
  const char* resource;
  Verbs verbs = Verbs::kStored;
};

// Kubernetes 1.32's GA group versions and their top-level resources.
const std::vector<GaResource>& GaResources() {
  static const std::vector<GaResource> kResources = {
      {"v1", "configmaps"},
      {"v1", "endpoints"},
      {"v1", "events"},
      {"v1", "limitranges"},
      {"v1", "namespaces"},
      {"v1", "nodes"},
      {"v1", "persistentvolumeclaims"},
      {"v1", "persistentvolumes"},
      {"v1", "pods"},
      {"v1", "podtemplates"},
      {"v1", "replicationcontrollers"},
      {"v1", "resourcequotas"},
      {"v1", "secrets"},
      {"v1", "serviceaccounts"},
      {"v1", "services"},
      {"admissionregistration.k8s.io/v1", "mutatingwebhookconfigurations"},
      {"admissionregistration.k8s.io/v1", "validatingwebhookconfigurations"},
      {"admissionregistration.k8s.io/v1", "validatingadmissionpolicies"},
      {"admissionregistration.k8s.io/v1", "validatingadmissionpolicybindings"},
      {"apiextensions.k8s.io/v1", "customresourcedefinitions"},
      {"apiregistration.k8s.io/v1", "apiservices"},
      {"apps/v1", "controllerrevisions"},
      {"apps/v1", "daemonsets"},
      {"apps/v1", "deployments"},
      {"apps/v1", "replicasets"},
      {"apps/v1", "statefulsets"},
      {"authentication.k8s.io/v1", "tokenreviews", Verbs::kCreateOnly},
      {"authentication.k8s.io/v1", "selfsubjectreviews", Verbs::kCreateOnly},
      {"authorization.k8s.io/v1", "localsubjectaccessreviews", Verbs::kCreateOnly},
      {"authorization.k8s.io/v1", "selfsubjectaccessreviews", Verbs::kCreateOnly},
      {"authorization.k8s.io/v1", "selfsubjectrulesreviews", Verbs::kCreateOnly},
      {"authorization.k8s.io/v1", "subjectaccessreviews", Verbs::kCreateOnly},
      {"autoscaling/v1", "horizontalpodautoscalers"},
      {"autoscaling/v2", "horizontalpodautoscalers"},
      {"batch/v1", "cronjobs"},
      {"batch/v1", "jobs"},
      {"certificates.k8s.io/v1", "certificatesigningrequests"},
      {"coordination.k8s.io/v1", "leases"},
      {"discovery.k8s.io/v1", "endpointslices"},
      {"events.k8s.io/v1", "events"},
      {"flowcontrol.apiserver.k8s.io/v1", "flowschemas"},
      {"flowcontrol.apiserver.k8s.io/v1", "prioritylevelconfigurations"},
      {"networking.k8s.io/v1", "ingressclasses"},
      {"networking.k8s.io/v1", "ingresses"},
      {"networking.k8s.io/v1", "networkpolicies"},
      {"node.k8s.io/v1", "runtimeclasses"},
      {"policy/v1", "poddisruptionbudgets"},
      {"rbac.authorization.k8s.io/v1", "clusterrolebindings"},
      {"rbac.authorization.k8s.io/v1", "clusterroles"},
      {"rbac.authorization.k8s.io/v1", "rolebindings"},
      {"rbac.authorization.k8s.io/v1", "roles"},
      {"scheduling.k8s.io/v1", "priorityclasses"},
      {"storage.k8s.io/v1", "csidrivers"},
      {"storage.k8s.io/v1", "csinodes"},
      {"storage.k8s.io/v1", "csistoragecapacities"},
      {"storage.k8s.io/v1", "storageclasses"},
      {"storage.k8s.io/v1", "volumeattachments"},
  };
  return kResources;
}

std::string DiscoveryPath(const std::string& group_version) {
  return group_version == "v1" ? "/api/v1" : "/apis/" + group_version;
}

// The verbs a client of the GA version relies on.
std::vector<std::string> NeededVerbs(Verbs verbs) {
  if (verbs == Verbs::kCreateOnly) return {"create"};
  return {"create", "delete", "get", "list", "patch", "update", "watch"};
}

// An autoscaling/v1 HorizontalPodAutoscaler aimed at 50 % CPU.
json HpaV1(const std::string& name) {
  return {
      {"apiVersion", "autoscaling/v1"},
      {"kind", "HorizontalPodAutoscaler"},
      {"metadata", {{"name", name}}},
      {"spec",
       {{"scaleTargetRef", {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", "web"}}},
        {"minReplicas", 1},
        {"maxReplicas", 3},
        {"targetCPUUtilizationPercentage", 50}}}};
}
}  // namespace

RA2CERT_CASE(
    Kubernetes, GaApisStayServedAndCompatible,
    {.id = "4.3.008",
     .title = "Every GA API of Kubernetes up to 1.32 is served with its resources and verbs, and "
              "autoscaling/v1 and v2 read one object alike",
     .requirements = {"ra2.k8s.013"},
     .needs = {"cluster"},
     .violations = {"apiserver-ga-api-disabled"},
     // Discovery documents need no grant (system:discovery); the round trip writes one
     // HorizontalPodAutoscaler in the case's namespace.
     .api_access = Combine({fixtures::access::TestNamespace(),
                            {{.verbs = {"create", "get"},
                              .group = "autoscaling",
                              .resource = "horizontalpodautoscalers"}}})}) {
  RA2CERT_REQUIRE_OK(client, kube::Client::ForCase());
  std::map<std::string, std::map<std::string, std::set<std::string>>> served;  // gv -> verbs
  std::set<std::string> missing_versions;
  for (const auto& ga : GaResources()) {
    if (served.contains(ga.group_version) || missing_versions.contains(ga.group_version)) continue;
    auto discovery = client->Get(DiscoveryPath(ga.group_version));
    if (!discovery && discovery.error().code() == 404) {
      missing_versions.insert(ga.group_version);
      ADD_FAILURE() << "the API server does not serve the GA API " << ga.group_version << " (GET "
                    << DiscoveryPath(ga.group_version)
                    << ": 404): clients and manifests written for it stop working";
      continue;
    }
    if (!discovery) RA2CERT_INFRA_ERROR(fixtures::DescribeHarnessError(discovery.error()));
    auto& resources = served[ga.group_version];
    for (const auto& resource : discovery->value("resources", json::array())) {
      auto& verbs = resources[resource.value("name", "")];
      for (const auto& verb : resource.value("verbs", json::array())) {
        if (verb.is_string()) verbs.insert(verb.get<std::string>());
      }
    }
  }
  int checked = 0;
  for (const auto& ga : GaResources()) {
    if (missing_versions.contains(ga.group_version)) continue;
    const auto& resources = served[ga.group_version];
    const auto found = resources.find(ga.resource);
    if (found == resources.end()) {
      ADD_FAILURE() << ga.group_version << " no longer serves " << ga.resource;
      continue;
    }
    std::string lacking;
    for (const auto& verb : NeededVerbs(ga.verbs)) {
      if (!found->second.contains(verb)) lacking += " " + verb;
    }
    EXPECT_TRUE(lacking.empty()) << ga.resource << " in " << ga.group_version << " lacks the verbs"
                                 << lacking;
    ++checked;
  }
  std::printf("%d GA resources in %zu group versions served with their verbs\n", checked,
              served.size());
  if (missing_versions.contains("autoscaling/v1") || missing_versions.contains("autoscaling/v2"))
    return;

  // One object, two GA versions: written as autoscaling/v1, read as v2 (and back).
  RA2CERT_REQUIRE_OK(ns, fixtures::TestNamespace::Create(*client, "4.3.008"));
  const std::string v1 =
      "/apis/autoscaling/v1/namespaces/" + ns->name() + "/horizontalpodautoscalers";
  const std::string v2 =
      "/apis/autoscaling/v2/namespaces/" + ns->name() + "/horizontalpodautoscalers";
  RA2CERT_REQUIRE_OK(created, client->Create(v1, HpaV1("web")));
  RA2CERT_REQUIRE_OK(as_v2, client->Get(v2 + "/web"));
  const json metrics = as_v2->value("spec", json::object()).value("metrics", json::array());
  const bool cpu_50 =
      metrics.size() == 1 &&
      metrics[0].value("resource", json::object()).value("name", "") == "cpu" &&
      metrics[0]["resource"].value("target", json::object()).value("averageUtilization", 0) == 50;
  EXPECT_TRUE(cpu_50)
      << "an autoscaling/v1 target of 50 % CPU reads back through autoscaling/v2 as "
      << metrics.dump();
  EXPECT_EQ(as_v2->value("spec", json::object()).value("maxReplicas", 0), 3) << as_v2->dump();
  RA2CERT_REQUIRE_OK(as_v1, client->Get(v1 + "/web"));
  EXPECT_EQ(as_v1->value("spec", json::object()).value("targetCPUUtilizationPercentage", 0), 50)
      << as_v1->dump();
}

}  // namespace ra2cert::suites
