// 4.4 Container runtimes: the cluster offers a sandboxed runtime through a RuntimeClass.
// Every RuntimeClass is measured, not judged by its name: a pod under it looks for its node
// (kernel, processes, block devices, module loading, interfaces). A class whose pod sees
// none of that is a sandbox; a class that claims to be one and shows the node fails.
#include <cstdio>

#include "fixtures/kube/case_access.h"
#include "fixtures/kube/case_cluster.h"
#include "harness/catalogue/case.h"
#include "suites/4.4/sandbox_claim.h"
#include "suites/4.4/sandbox_probe.h"

namespace ra2cert::suites {
namespace {
using fixtures::json;
}  // namespace

RA2CERT_CASE(ContainerRuntime, SandboxRuntimeClassIsolatesTheNode,
             {.id = "4.4.001",
              .title = "A sandboxed RuntimeClass is offered: a pod under it sees nothing of its "
                       "node (kernel, processes, block devices, modules, interfaces)",
              .requirements = {"draft.4.4.sandbox"},
              .needs = {"cluster"},
              .timeout = std::chrono::seconds(150),
              .violations = {"sandbox-handler-runc", "sandbox-class-missing"},
              .api_access = Combine(
                  {{{.verbs = {"list"}, .group = "node.k8s.io", .resource = "runtimeclasses"},
                    {.verbs = {"get"}, .resource = "nodes"}},
                   fixtures::access::TestNamespace(),
                   fixtures::access::RunProbePod()})}) {
  RA2CERT_REQUIRE_OK(client, kube::Client::ForCase());
  RA2CERT_REQUIRE_OK(classes, client->List("/apis/node.k8s.io/v1/runtimeclasses"));
  ASSERT_FALSE(classes->items.empty())
      << "the cluster has no RuntimeClass at all, so it offers no sandboxed runtime (gVisor, "
         "Kata ...) for workloads that need isolation";

  RA2CERT_REQUIRE_OK(ns, fixtures::TestNamespace::Create(*client, "4.4.001"));
  struct Measured {
    std::string name, handler, pod;
  };
  std::vector<Measured> measured;
  for (const auto& rc : classes->items) {
    Measured m{.name = rc.value("metadata", json::object()).value("name", ""),
               .handler = rc.value("handler", ""),
               .pod = "class-" + std::to_string(measured.size())};
    RA2CERT_REQUIRE_OK(
        started, StartSandboxProbe(*client, ns->name(), {.name = m.pod, .runtime_class = m.name}));
    measured.push_back(std::move(m));
  }
  std::vector<std::string> sandboxes, exposed_claims, all;
  const auto deadline = fixtures::In(std::chrono::seconds(100));
  for (const auto& m : measured) {
    const std::string described = m.name + " (handler " + m.handler + ")";
    auto probe = FinishSandboxProbe(*client, ns->name(), m.pod, deadline);
    RA2CERT_INFRA_ERROR_UNLESS_CLUSTER(probe);
    if (!probe) {
      // A class whose pods do not run offers nothing; one that claims a sandbox fails here.
      all.push_back(described + ": its pod did not run");
      if (ClaimsSandbox(m.name, m.handler)) {
        ADD_FAILURE() << "a pod under RuntimeClass " << described
                      << ", which claims a sandbox, did not run: " << probe.error().message();
      }
      continue;
    }
    std::printf(
        "RuntimeClass %s: pod on %s sees kernel %s, %zu processes, %d block device nodes; "
        "module load: %s; exposes: %s\n",
        described.c_str(), probe->node.c_str(), probe->view.kernel.c_str(),
        probe->view.processes.size(), probe->view.block_device_nodes,
        probe->view.module_load.c_str(),
        probe->exposures.empty() ? "nothing of its node" : JoinedPhrases(probe->exposures).c_str());
    all.push_back(described + (probe->exposures.empty() ? ": isolates" : ": shows its node"));
    if (probe->exposures.empty()) {
      sandboxes.push_back(m.name);
    } else if (ClaimsSandbox(m.name, m.handler)) {
      ADD_FAILURE() << "RuntimeClass " << described << " claims a sandbox but its pod on "
                    << probe->node << " sees " << JoinedPhrases(probe->exposures)
                    << ": it is not isolated";
    }
  }
  EXPECT_FALSE(sandboxes.empty())
      << "no RuntimeClass isolates its pods from the node (each shows the node's kernel or "
         "more), so privileged workloads have nowhere isolated to run; measured: "
      << JoinedPhrases(all);
}

}  // namespace ra2cert::suites
