// 4.3 Kubernetes: sidecar containers (init containers with restartPolicy Always) on every
// worker's kubelet: started before the main container, running beside it, stopped after it.
#include <cstdio>
#include <string>
#include <vector>

#include "fixtures/kube/case_access.h"
#include "fixtures/kube/case_cluster.h"
#include "harness/catalogue/case.h"

namespace ra2cert::suites {
namespace {
using fixtures::json;

// The main container's exit codes, told apart in the verdict.
constexpr int kSidecarNotStarted = 7;
constexpr int kSidecarNotRunning = 8;

fixtures::ProbePodSpec SidecarPod(const std::string& node) {
  // The sidecar marks that it started and then beats once a second until it is stopped.
  const json sidecar = {{"name", "sidecar"},
                        {"image", fixtures::ProbeImage()},
                        {"imagePullPolicy", "IfNotPresent"},
                        {"restartPolicy", "Always"},
                        {"command",
                         {"/bin/sh", "-c",
                          "trap 'exit 0' TERM; touch /shared/started; i=0; "
                          "while true; do i=$((i+1)); echo $i >/shared/beat; sleep 1; done"}},
                        {"volumeMounts", {{{"name", "shared"}, {"mountPath", "/shared"}}}}};
  // The main container sees the sidecar's start, then its heartbeat move while it runs.
  const std::string main = "[ -f /shared/started ] || exit " + std::to_string(kSidecarNotStarted) +
                           "; a=$(cat /shared/beat); sleep 3; b=$(cat /shared/beat); "
                           "echo \"sidecar beat $a -> $b\"; [ \"$a\" != \"$b\" ] || exit " +
                           std::to_string(kSidecarNotRunning);
  fixtures::ProbePodSpec spec{.name = "sidecar-" + node, .command = {main}, .node_name = node};
  spec.extra_spec = {{"initContainers", json::array({sidecar})},
                     {"volumes", {{{"name", "shared"}, {"emptyDir", json::object()}}}},
                     {"terminationGracePeriodSeconds", 5}};
  spec.container_extra = {{"volumeMounts", {{{"name", "shared"}, {"mountPath", "/shared"}}}}};
  return spec;
}

int MainExitCode(const json& pod) {
  for (const auto& c :
       pod.value("status", json::object()).value("containerStatuses", json::array()))
    return c.value("state", json::object())
        .value("terminated", json::object())
        .value("exitCode", -1);
  return -1;
}

std::string WhyMainFailed(int exit_code) {
  if (exit_code == kSidecarNotStarted) return "the main container started before the sidecar had";
  if (exit_code == kSidecarNotRunning)
    return "the sidecar was not running beside the main container (its heartbeat stood still)";
  return "the main container ended with exit code " + std::to_string(exit_code);
}
}  // namespace

RA2CERT_CASE(
    Kubernetes, SidecarContainersRunBesideTheMainContainer,
    {.id = "4.3.006",
     .title = "On every Linux worker, a sidecar (init container with restartPolicy Always) "
              "starts before the main container, runs beside it and is stopped after it",
     .requirements = {"ra2.k8s.024"},
     .needs = {"cluster"},
     .timeout = std::chrono::seconds(150),
     .violations = {"kubelet-sidecars-disabled"},
     .api_access = Combine({fixtures::access::ReadNodes(), fixtures::access::TestNamespace(),
                            fixtures::access::StartProbePod(), fixtures::access::WaitForPod()})}) {
  RA2CERT_REQUIRE_OK(client, kube::Client::ForCase());
  RA2CERT_REQUIRE_OK(nodes, fixtures::ReadNodes(*client));
  std::vector<std::string> workers;
  for (const auto& node : nodes->workers) {
    // Simulated nodes run no pod; a Windows worker would need a Windows image.
    if (fixtures::IsSimulated(node) || !fixtures::IsLinux(node)) continue;
    if (fixtures::IsReady(node)) workers.push_back(fixtures::NodeName(node));
  }
  ASSERT_FALSE(workers.empty()) << "no Ready Linux worker to run a pod with a sidecar on";
  RA2CERT_REQUIRE_OK(ns, fixtures::TestNamespace::Create(*client, "4.3.006"));

  std::vector<std::string> started;
  for (const auto& node : workers) {
    const auto spec = SidecarPod(node);
    RA2CERT_REQUIRE_OK(created, fixtures::StartProbePod(*client, ns->name(), spec));
    // An API server without sidecar support drops the field: the pod would then wait forever
    // on an init container that never ends.
    const json inits =
        created->value("spec", json::object()).value("initContainers", json::array());
    if (inits.empty() || inits[0].value("restartPolicy", "") != "Always") {
      ADD_FAILURE() << node << ": the API server dropped restartPolicy Always from the init "
                    << "container: it does not serve sidecar containers";
      continue;
    }
    started.push_back(spec.name);
  }
  const auto deadline = fixtures::In(std::chrono::seconds(90));
  for (const auto& pod : started) {
    auto finished =
        fixtures::WaitForPod(*client, ns->name(), pod, {"Succeeded", "Failed"}, deadline);
    RA2CERT_INFRA_ERROR_UNLESS_CLUSTER(finished);
    if (!finished) {
      ADD_FAILURE() << "pod " << pod << " did not finish within 90 s (a sidecar that runs as a "
                    << "plain init container never ends and keeps the main container from "
                       "starting): "
                    << finished.error().message();
      continue;
    }
    const json status = finished->value("status", json::object());
    const std::string phase = status.value("phase", "");
    if (phase == "Succeeded") {
      std::printf(
          "%s: Succeeded: the sidecar started first, beat beside the main container and "
          "was stopped after it\n",
          pod.c_str());
      continue;
    }
    // Refused by the kubelet (status reason and message), or a main container that saw no
    // sidecar.
    const std::string reason = status.value("reason", "");
    if (!reason.empty()) {
      ADD_FAILURE() << "pod " << pod << " Failed on its node: " << reason << ": "
                    << status.value("message", "");
    } else {
      ADD_FAILURE() << "pod " << pod << " Failed: " << WhyMainFailed(MainExitCode(*finished));
    }
  }
}

}  // namespace ra2cert::suites
