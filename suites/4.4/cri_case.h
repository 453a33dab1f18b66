// What the 4.4 CRI cases share: a CRI client per node (from RA2CERT_CRI_ENDPOINTS), the
// labels the kubelet puts on a pod's sandbox, and sleeping probe pods pinned to nodes
// whose sandboxes the cases then find through CRI.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "fixtures/kube/case_access.h"
#include "fixtures/kube/case_cluster.h"
#include "harness/cri/cri_client.h"

namespace ra2cert::suites {

// Connection and per-call deadlines of the cases' CRI clients: a local socket answers in
// milliseconds, so seconds mean the runtime is stuck.
inline constexpr std::chrono::seconds kCriConnectTimeout{3};
inline constexpr std::chrono::seconds kCriCallTimeout{5};

// The labels the kubelet sets on every pod sandbox it asks the runtime for.
inline constexpr const char* kPodNamespaceLabel = "io.kubernetes.pod.namespace";
inline constexpr const char* kPodNameLabel = "io.kubernetes.pod.name";
inline constexpr const char* kPodUidLabel = "io.kubernetes.pod.uid";

struct NodeRuntime {
  std::string node;
  cri::CriClient cri;
};

// A connected client for every node in RA2CERT_CRI_ENDPOINTS, in its order. Errors
// (the variable missing or malformed, a socket that does not connect) are the
// infrastructure's: the case ends as Error, never as Failed.
Result<std::vector<NodeRuntime>> ConnectNodeRuntimes();

// The selector that finds a pod's sandbox.
cri::Labels PodSandboxSelector(const std::string& namespace_, const std::string& pod);

// "containerd://0123..." (a pod status' containerID) -> "0123...".
std::string StripRuntimeScheme(const std::string& container_id);

// The runtime's id of a pod's first container (its status' containerID without the
// scheme); empty when the pod reports none.
std::string ContainerIdOf(const fixtures::json& pod);

// Starts `sleep 600` pods named `<prefix>-<i>` pinned to each of `nodes` (tolerating a
// control-plane taint) and waits until all run; returns the pods as the API server
// last reported them, in the order of `nodes`. A pod that does not reach Running by
// `deadline` is a cluster failure (fixtures::IsClusterFailure) naming it and its state.
Result<std::vector<fixtures::json>> RunSleepers(kube::Client& client, const std::string& namespace_,
                                                const std::string& prefix,
                                                const std::vector<std::string>& nodes,
                                                fixtures::Deadline deadline);
// What RunSleepers asks of the API.
inline std::vector<ApiAccess> SleepersAccess() {
  return Combine({fixtures::access::StartProbePod(), fixtures::access::WaitForPod()});
}

}  // namespace ra2cert::suites
