#include "suites/4.4/sandbox_probe.h"

#include "harness/kube/watch.h"

namespace ra2cert::suites {

using fixtures::json;

Result<json> StartSandboxProbe(kube::Client& client, const std::string& namespace_,
                               fixtures::ProbePodSpec spec) {
  spec.command = {IsolationProbeScript()};
  return fixtures::StartProbePod(client, namespace_, spec);
}

Result<SandboxProbe> FinishSandboxProbe(kube::Client& client, const std::string& namespace_,
                                        const std::string& pod, fixtures::Deadline deadline) {
  auto finished = fixtures::WaitForPod(client, namespace_, pod, {"Succeeded", "Failed"}, deadline);
  if (!finished) return finished.error();
  auto logs = client.PodLogs(namespace_, pod);
  if (!logs) return logs.error();
  const json status = finished->value("status", json::object());
  if (status.value("phase", "") != "Succeeded") {
    return Error("pod " + pod + " ended " + status.value("phase", "") + ": " +
                     fixtures::DescribePodState(client, namespace_, pod) + "; output: " + *logs,
                 kube::kWaitExpired);
  }
  auto view = ParseIsolationView(*logs);
  if (!view) return Error("pod " + pod + ": " + view.error().message(), kube::kWaitExpired);
  SandboxProbe probe{.node = finished->value("spec", json::object()).value("nodeName", ""),
                     .view = std::move(*view)};
  auto node = client.Get("/api/v1/nodes/" + probe.node);
  if (!node) return node.error();
  probe.exposures = NodeExposures(probe.view, *node);
  return probe;
}

bool IsAdmissionRefusal(const Error& error) {
  const int code = error.code();
  if (code != 400 && code != 403 && code != 422) return false;
  // RBAC's refusal of the harness itself reads 'User "x" cannot create resource "pods"'.
  return error.message().find("cannot create resource") == std::string::npos;
}

}  // namespace ra2cert::suites
