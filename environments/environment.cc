#include "environments/environment.h"

#include <cstdlib>
#include <sstream>

#include "environments/attach/attach_provider.h"
#include "harness/core/bounded_file.h"

namespace ra2cert {
namespace {
const char* kNoClusterReason =
    "no cluster was given (pass --kubeconfig FILE, set KUBECONFIG, or use --local)";

ClusterHandle NoCluster() {
  ClusterHandle handle;
  handle.description = "none";
  for (const char* capability : {"cluster", "cri", "helm", "windows-nodes", "local-cluster"}) {
    handle.capabilities.absent[capability] = kNoClusterReason;
  }
  return handle;
}
}  // namespace

Result<EnvironmentRequest> CheckEnvironmentRequest(const std::string& kubeconfig_flag,
                                                   const std::string& context) {
  EnvironmentRequest request;
  request.context = context;
  if (!kubeconfig_flag.empty()) {
    request.kubeconfigs = {kubeconfig_flag};
    request.explicit_kubeconfig = true;
    // Bounded and non-blocking: a FIFO, a device or a huge file is refused here (exit 2)
    // instead of hanging or filling memory before the kubeconfig is parsed.
    if (auto readable = ReadBoundedFile(kubeconfig_flag, kConfigFileLimit, "--kubeconfig");
        !readable) {
      return readable.error();
    }
    return request;
  }
  if (const char* env = std::getenv("KUBECONFIG"); env && *env) {
    std::stringstream list(env);
    std::string item;
    while (std::getline(list, item, ':')) {
      if (!item.empty()) request.kubeconfigs.push_back(item);
    }
  }
  return request;
}

Result<ClusterHandle> OpenEnvironment(const EnvironmentRequest& request) {
  if (request.kubeconfigs.empty()) return NoCluster();
  return AttachToCluster(request.kubeconfigs, request.explicit_kubeconfig, request.context);
}

}  // namespace ra2cert
