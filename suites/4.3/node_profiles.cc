// 4.3 Kubernetes: every worker says which RA2 profile it serves, by its node label.
//
// RA2 writes the labels as anuket.io/profile/basic and anuket.io/profile/network-intensive.
// Kubernetes rejects both keys (a label key has at most one '/': an optional DNS prefix and
// a name), so no cluster can carry them. ra2cert reads the requirement in the nearest form
// Kubernetes accepts: key anuket.io/profile, value basic or network-intensive.
#include <cstdio>
#include <string>

#include "fixtures/kube/case_access.h"
#include "fixtures/kube/case_cluster.h"
#include "harness/catalogue/case.h"

namespace ra2cert::suites {
namespace {
using fixtures::json;

constexpr const char* kProfileLabel = "anuket.io/profile";
}  // namespace

RA2CERT_CASE(
    Kubernetes, WorkersCarryAProfileLabel,
    {.id = "4.3.005",
     .title = "Every worker node names its RA2 profile: label anuket.io/profile=basic or "
              "network-intensive (RA2's anuket.io/profile/<name> is not a valid label key)",
     .requirements = {"ra2.k8s.011"},
     .needs = {"cluster"},
     .violations = {"worker-profile-label-missing"},
     .api_access = fixtures::access::ReadNodes()}) {
  RA2CERT_REQUIRE_OK(client, kube::Client::ForCase());
  RA2CERT_REQUIRE_OK(nodes, fixtures::ReadNodes(*client));
  // Control-plane nodes run no workloads (4.2.001, 4.2.006): a profile says what a node
  // offers workloads, so only workers must carry one.
  ASSERT_FALSE(nodes->workers.empty()) << "the cluster has no worker node to carry a profile";
  for (const auto& node : nodes->workers) {
    const json labels = fixtures::Labels(node);
    const std::string name = fixtures::NodeName(node);
    if (!labels.contains(kProfileLabel)) {
      ADD_FAILURE() << "worker " << name << " carries no " << kProfileLabel
                    << " label (basic or network-intensive)";
      continue;
    }
    const std::string profile = labels.value(kProfileLabel, "");
    std::printf("%s: %s=%s\n", name.c_str(), kProfileLabel, profile.c_str());
    EXPECT_TRUE(profile == "basic" || profile == "network-intensive")
        << "worker " << name << " names profile '" << profile << "' in " << kProfileLabel
        << "; RA2 has basic and network-intensive";
  }
}

}  // namespace ra2cert::suites
