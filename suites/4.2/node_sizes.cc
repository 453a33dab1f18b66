// 4.2 Host OS: the worker nodes meet RA2's hardware figures (320 GB local filesystem, 16 CPUs,
// 32 GB memory), read from the capacity each kubelet publishes. The figures belong to a
// deployment, not to a distribution: a vendor certifying its distribution on a small test bed
// gets them reported; a run certifying a deployment (--scope deployment) has them judged.
#include <cstdio>
#include <string>
#include <vector>

#include "fixtures/kube/case_access.h"
#include "fixtures/kube/case_cluster.h"
#include "harness/catalogue/case.h"
#include "harness/core/joined.h"
#include "suites/4.2/node_sizing.h"

namespace ra2cert::suites {

RA2CERT_CASE(
    HostOs, WorkerNodesMeetHardwareFigures,
    {.id = "4.2.010",
     .title = "Worker nodes have at least 16 CPUs, 32 GB memory and 320 GB local filesystem "
              "(judged with --scope deployment; reported otherwise)",
     .requirements = {"ra2.ch.010", "ra2.ch.011", "ra2.ch.012"},
     .needs = {"cluster"},
     .no_violation_reason =
         "a node's CPUs, memory and filesystem are the machine's own: no seeded change makes a "
         "kubelet report less than it has. The local cluster's nodes are smaller than the "
         "figures, so `--scope deployment` on it is this case's negative control "
         "(tests/cluster: CertifyCluster.DeploymentScopeJudgesNodeSizes)",
     .api_access = fixtures::access::ReadNodes()}) {
  RA2CERT_REQUIRE_OK(client, kube::Client::ForCase());
  RA2CERT_REQUIRE_OK(nodes, fixtures::ReadNodes(*client));
  std::vector<std::string> measured, shortfalls;
  int judged = 0;
  for (const auto& node : nodes->all) {
    // A simulated node reports whatever it was told: there is no machine to measure.
    if (fixtures::IsSimulated(node)) continue;
    const std::string name = fixtures::NodeName(node);
    const NodeSizing sizing = JudgeNodeSizing(node);
    const bool worker = !fixtures::IsControlPlaneNode(node);
    std::printf("%s (%s): %s\n", name.c_str(), worker ? "worker" : "control plane, not judged",
                sizing.figures.c_str());
    if (!worker) continue;
    ++judged;
    measured.push_back(name + ": " + sizing.figures);
    for (const auto& shortfall : sizing.shortfalls) shortfalls.push_back(name + " " + shortfall);
  }
  if (judged == 0) GTEST_SKIP() << "no worker node with a kubelet to measure";
  if (!fixtures::CertifiesDeployment()) {
    RA2CERT_NOT_APPLICABLE(
        "this run certifies the distribution (--scope distribution): hardware figures belong to "
        "a deployment and are reported, not judged; measured " +
        Joined(measured, "; ") +
        (shortfalls.empty()
             ? std::string(" (meets RA2's figures)")
             : " (a deployment would fall short: " + Joined(shortfalls, "; ") + ")"));
  }
  EXPECT_TRUE(shortfalls.empty()) << "worker nodes fall short of RA2's hardware figures: "
                                  << Joined(shortfalls, "; ");
}

}  // namespace ra2cert::suites
