#include "environments/environment.h"

#include <cstdlib>
#include <fstream>

namespace ra2cert {
namespace {
const char* kNoClusterReason =
    "no cluster was given (pass --kubeconfig FILE or set KUBECONFIG to attach to one)";

ClusterHandle NoCluster() {
  ClusterHandle handle;
  handle.description = "none";
  for (const char* capability : {"cluster", "cri", "helm", "runtime-class", "sandbox-runtime",
                                 "windows-nodes", "multi-node", "local-cluster"}) {
    handle.capabilities.absent[capability] = kNoClusterReason;
  }
  return handle;
}
}  // namespace

Result<EnvironmentRequest> CheckEnvironmentRequest(EnvironmentRequest request) {
  std::string source = "--kubeconfig";
  if (request.kubeconfig.empty()) {
    const char* env = std::getenv("KUBECONFIG");
    if (env && *env) {
      request.kubeconfig = env;
      source = "KUBECONFIG";
    }
  }
  if (request.kubeconfig.empty()) return request;
  std::string first = request.kubeconfig.substr(0, request.kubeconfig.find(':'));
  std::ifstream in(first);
  if (!in) {
    return Error(source + ": cannot read kubeconfig '" + first +
                 "' (check the path and its permissions)");
  }
  return request;
}

Result<ClusterHandle> OpenEnvironment(const EnvironmentRequest& request) {
  if (request.kubeconfig.empty()) return NoCluster();
  return Error(
      "attaching to a cluster through a kubeconfig needs the Kubernetes client, "
      "which this build does not have yet; run without --kubeconfig to list and "
      "plan only");
}

}  // namespace ra2cert
