#include "suites/4.4/cri_case.h"

#include "harness/cri/cri_endpoints.h"

namespace ra2cert::suites {

using fixtures::json;

Result<std::vector<NodeRuntime>> ConnectNodeRuntimes() {
  auto endpoints = cri::EndpointsFromEnvironment();
  if (!endpoints) return endpoints.error();
  if (endpoints->empty()) return Error(std::string(cri::kEndpointsVariable) + " names no node");
  std::vector<NodeRuntime> runtimes;
  for (const auto& [node, endpoint] : *endpoints) {
    auto client = cri::CriClient::Connect(endpoint, kCriConnectTimeout, kCriCallTimeout);
    if (!client) return client.error().Wrap("node " + node);
    runtimes.push_back({node, std::move(*client)});
  }
  return runtimes;
}

cri::Labels PodSandboxSelector(const std::string& namespace_, const std::string& pod) {
  return {{kPodNamespaceLabel, namespace_}, {kPodNameLabel, pod}};
}

std::string StripRuntimeScheme(const std::string& container_id) {
  const auto scheme = container_id.find("://");
  return scheme == std::string::npos ? container_id : container_id.substr(scheme + 3);
}

std::string ContainerIdOf(const json& pod) {
  const json statuses =
      pod.value("status", json::object()).value("containerStatuses", json::array());
  if (statuses.empty()) return {};
  return StripRuntimeScheme(statuses.front().value("containerID", ""));
}

Result<std::vector<json>> RunSleepers(kube::Client& client, const std::string& namespace_,
                                      const std::string& prefix,
                                      const std::vector<std::string>& nodes,
                                      fixtures::Deadline deadline) {
  std::vector<std::string> names;
  for (size_t i = 0; i < nodes.size(); ++i) {
    names.push_back(prefix + "-" + std::to_string(i));
    fixtures::ProbePodSpec spec{.name = names.back(),
                                .command = {"sleep", "600"},
                                .node_name = nodes[i],
                                .tolerate_control_plane = true};
    auto started = fixtures::StartProbePod(client, namespace_, spec);
    if (!started) return started.error().Wrap("starting pod " + names.back() + " on " + nodes[i]);
  }
  std::vector<json> pods;
  for (size_t i = 0; i < nodes.size(); ++i) {
    auto pod = fixtures::WaitForPod(client, namespace_, names[i],
                                    {"Running", "Succeeded", "Failed"}, deadline);
    if (!pod) return pod.error().Wrap("pod " + names[i] + " pinned to " + nodes[i]);
    const std::string phase = pod->value("status", json::object()).value("phase", "");
    if (phase != "Running") {
      // The runtime ran and ended a `sleep 600`: the cluster's failure, not the harness's.
      return Error("pod " + names[i] + " on " + nodes[i] + " ended " + phase +
                       " instead of running: " + pod->value("status", json::object()).dump(),
                   kube::kWaitExpired);
    }
    pods.push_back(std::move(*pod));
  }
  return pods;
}

}  // namespace ra2cert::suites
