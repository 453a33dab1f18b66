// 4.4 Container runtimes: where a workload needs privilege, it gets it only inside a sandbox
// (RA2 4.4: privileged containers run under a runtime with extra isolation, chosen by
// RuntimeClass). A pod that asks for privilege without a sandboxed class must be refused at
// admission or end up in a sandbox anyway; one admitted onto the node's kernel is the
// violation. Under a class that claims a sandbox, privilege must still show nothing of the
// node.
#include <cstdio>

#include "fixtures/kube/case_access.h"
#include "fixtures/kube/case_cluster.h"
#include "harness/catalogue/case.h"
#include "suites/4.4/sandbox_claim.h"
#include "suites/4.4/sandbox_probe.h"

namespace ra2cert::suites {
namespace {
using fixtures::json;

// The ways a pod asks for the node: what Pod Security's baseline level forbids, the ones a
// sandbox has to contain.
struct PrivilegeRequest {
  const char* what;
  const char* pod;
  json extra_spec;
  json container_extra;
};

std::vector<PrivilegeRequest> PrivilegeRequests() {
  return {
      {"a privileged container",
       "privileged",
       json::object(),
       {{"securityContext", {{"privileged", true}}}}},
      {"the host's PID namespace", "host-pid", {{"hostPID", true}}, json::object()},
      {"the host's network", "host-network", {{"hostNetwork", true}}, json::object()},
      {"the host's IPC namespace", "host-ipc", {{"hostIPC", true}}, json::object()},
      {"the SYS_ADMIN capability",
       "sys-admin",
       json::object(),
       {{"securityContext", {{"capabilities", {{"add", {"SYS_ADMIN"}}}}}}}},
  };
}

}  // namespace

RA2CERT_CASE(
    ContainerRuntime, PrivilegedPodsRunOnlyInASandbox,
    {.id = "4.4.008",
     .title = "A pod asking for privilege (privileged, host namespaces, SYS_ADMIN) without a "
              "sandboxed RuntimeClass is refused or sandboxed; under the sandbox it sees "
              "nothing of its node",
     .requirements = {"draft.4.4.sandbox"},
     .needs = {"cluster"},
     .timeout = std::chrono::seconds(180),
     .violations = {"sandbox-policy-unbound", "sandbox-handler-runc"},
     .api_access =
         Combine({{{.verbs = {"list"}, .group = "node.k8s.io", .resource = "runtimeclasses"},
                   {.verbs = {"get"}, .resource = "nodes"}},
                  fixtures::access::TestNamespace(),
                  fixtures::access::RunProbePod()})}) {
  RA2CERT_REQUIRE_OK(client, kube::Client::ForCase());
  // Labelled for the privileged Pod Security level, as a namespace granted privilege for a
  // workload that needs it: what stands between such a pod and the node is the sandbox rule.
  RA2CERT_REQUIRE_OK(ns, fixtures::TestNamespace::Create(*client, "4.4.008", /*privileged=*/true));

  // Every class that claims a sandbox gets a pod with privilege of every kind at once.
  RA2CERT_REQUIRE_OK(classes, client->List("/apis/node.k8s.io/v1/runtimeclasses"));
  std::vector<std::string> sandbox_classes;
  for (const auto& rc : classes->items) {
    const std::string name = rc.value("metadata", json::object()).value("name", "");
    if (ClaimsSandbox(name, rc.value("handler", ""))) sandbox_classes.push_back(name);
  }
  if (sandbox_classes.empty()) {
    std::printf(
        "no RuntimeClass claims a sandbox: privileged workloads cannot run isolated "
        "(4.4.001 judges the offer)\n");
  }

  // Every pod is started before any is judged, so that a slow start (a sandbox on a loaded
  // node) overlaps the others and all share one deadline.
  std::vector<std::pair<PrivilegeRequest, bool>> admitted;  // request, admitted
  for (auto& request : PrivilegeRequests()) {
    auto started = StartSandboxProbe(*client, ns->name(),
                                     {.name = request.pod,
                                      .extra_spec = request.extra_spec,
                                      .container_extra = request.container_extra});
    if (!started && IsAdmissionRefusal(started.error())) {
      std::printf("without a RuntimeClass, %s: refused at admission (%s)\n", request.what,
                  started.error().message().c_str());
      admitted.emplace_back(std::move(request), false);
      continue;
    }
    RA2CERT_INFRA_ERROR_UNLESS_CLUSTER(started);
    admitted.emplace_back(std::move(request), true);
  }
  std::vector<std::pair<std::string, std::string>> sandboxed;  // class, pod admitted
  for (size_t i = 0; i < sandbox_classes.size(); ++i) {
    const std::string pod = "sandboxed-privileged-" + std::to_string(i);
    auto started =
        StartSandboxProbe(*client, ns->name(),
                          {.name = pod,
                           .runtime_class = sandbox_classes[i],
                           .extra_spec = {{"hostPID", true}, {"hostIPC", true}},
                           .container_extra = {{"securityContext", {{"privileged", true}}}}});
    if (!started && IsAdmissionRefusal(started.error())) {
      // Refusing privilege even in the sandbox keeps it off the node too.
      std::printf(
          "under RuntimeClass %s, a privileged pod with host PID and IPC: refused at "
          "admission (%s)\n",
          sandbox_classes[i].c_str(), started.error().message().c_str());
      continue;
    }
    RA2CERT_INFRA_ERROR_UNLESS_CLUSTER(started);
    sandboxed.emplace_back(sandbox_classes[i], pod);
  }
  // A sandboxed start takes seconds when the node is idle; the rest is for a loaded node.
  const auto deadline = fixtures::In(std::chrono::seconds(120));

  // Without a RuntimeClass: refused, or contained.
  for (const auto& [request, was_admitted] : admitted) {
    if (!was_admitted) continue;
    auto probe = FinishSandboxProbe(*client, ns->name(), request.pod, deadline);
    RA2CERT_INFRA_ERROR_UNLESS_CLUSTER(probe);
    if (!probe) {
      ADD_FAILURE() << "a pod asking for " << request.what << " without a sandboxed RuntimeClass "
                    << "was admitted (not refused), and did not run: " << probe.error().message();
      continue;
    }
    std::printf(
        "without a RuntimeClass, %s: admitted, ran on %s; exposes: %s\n", request.what,
        probe->node.c_str(),
        probe->exposures.empty() ? "nothing (sandboxed)" : JoinedPhrases(probe->exposures).c_str());
    if (!probe->exposures.empty()) {
      ADD_FAILURE() << "a pod asking for " << request.what
                    << " without a sandboxed RuntimeClass was "
                    << "admitted and ran on " << probe->node << " outside any sandbox: it sees "
                    << JoinedPhrases(probe->exposures);
    }
  }

  // Under each class that claims a sandbox: privilege still contained.
  for (const auto& [runtime_class, pod] : sandboxed) {
    auto probe = FinishSandboxProbe(*client, ns->name(), pod, deadline);
    RA2CERT_INFRA_ERROR_UNLESS_CLUSTER(probe);
    if (!probe) {
      ADD_FAILURE() << "a privileged pod under RuntimeClass " << runtime_class
                    << " was admitted and did not run, so privileged workloads cannot run "
                    << "sandboxed: " << probe.error().message();
      continue;
    }
    std::printf(
        "under RuntimeClass %s, a privileged pod with host PID and IPC ran on %s; "
        "exposes: %s\n",
        runtime_class.c_str(), probe->node.c_str(),
        probe->exposures.empty() ? "nothing" : JoinedPhrases(probe->exposures).c_str());
    if (!probe->exposures.empty()) {
      ADD_FAILURE() << "a privileged pod with host PID and IPC under RuntimeClass " << runtime_class
                    << " sees " << JoinedPhrases(probe->exposures) << " of node " << probe->node
                    << ": the sandbox does not contain privilege";
    }
  }
}

}  // namespace ra2cert::suites
