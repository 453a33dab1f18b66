// Where a run's cluster comes from, reduced to what the rest of the flow needs: a
// printable description, the capabilities the plan checks needs against, and the
// environment variables that tell a case process how to reach the cluster.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/core/result.h"
#include "harness/plan/capabilities.h"

namespace ra2cert {

struct ClusterHandle {
  std::string
      description;  // "none", "attach https://10.0.0.1:6443 (context x, Kubernetes v1.33.1)"
  std::string kubernetes_version;
  Capabilities capabilities;
  std::map<std::string, std::string> case_env;
  // What the cluster is made of, for the bundle's cluster-facts.json: nodes (roles, OS,
  // kernel, runtime, kubelet), runtime classes, storage classes, API group versions.
  nlohmann::json facts = nlohmann::json::object();
};

struct EnvironmentRequest {
  std::vector<std::string> kubeconfigs;  // empty: no cluster
  bool explicit_kubeconfig = false;      // from --kubeconfig/config: the file must exist
  std::string context;
};

// From --kubeconfig (or the config file) or else KUBECONFIG. Without either there is no
// cluster: ra2cert never certifies ~/.kube/config's cluster by accident.
// Usage error (exit 2) when a named kubeconfig cannot be read.
Result<EnvironmentRequest> CheckEnvironmentRequest(const std::string& kubeconfig_flag,
                                                   const std::string& context);

// Connects and discovers capabilities. Error code 2: the kubeconfig is unusable;
// 3: the cluster does not answer (the message names the URL).
Result<ClusterHandle> OpenEnvironment(const EnvironmentRequest& request);

}  // namespace ra2cert
