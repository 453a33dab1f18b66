// Where a run's cluster comes from, reduced to what the rest of the flow needs: a
// printable description, the capabilities the plan checks needs against, and the
// environment variables that tell a case process how to reach the cluster.
#pragma once

#include <map>
#include <string>

#include "harness/core/result.h"
#include "harness/plan/capabilities.h"

namespace ra2cert {

struct ClusterHandle {
  std::string description;  // "none", "attach https://10.0.0.1:6443 (context kind-x)"
  Capabilities capabilities;
  std::map<std::string, std::string> case_env;
};

struct EnvironmentRequest {
  std::string kubeconfig;  // explicit --kubeconfig / config file; empty: KUBECONFIG or none
  std::string context;
};

// Usage errors (exit 2): a named kubeconfig that does not exist or cannot be read.
Result<EnvironmentRequest> CheckEnvironmentRequest(EnvironmentRequest request);

// Connects and discovers capabilities. Errors are infrastructure errors (exit 3) that
// name the server URL and what went wrong.
Result<ClusterHandle> OpenEnvironment(const EnvironmentRequest& request);

}  // namespace ra2cert
