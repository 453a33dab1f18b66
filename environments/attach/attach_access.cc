#include "environments/attach/attach_access.h"

namespace ra2cert {

const std::vector<ApiAccess>& AttachApiAccess() {
  static const std::vector<ApiAccess> access = {
      // AttachToCluster: the cluster answers, and with which Kubernetes version.
      {.verbs = {"get"}, .url = "/version"},
      // DiscoverNodes: the node census and the windows-nodes capability.
      {.verbs = {"list"}, .resource = "nodes"},
      // DiscoverRuntimeClasses: the RuntimeClasses recorded as facts.
      {.verbs = {"list"}, .group = "node.k8s.io", .resource = "runtimeclasses"},
      // DiscoverStorageAndApis: StorageClasses and the served group versions (/api, /apis).
      {.verbs = {"list"}, .group = "storage.k8s.io", .resource = "storageclasses"},
      {.verbs = {"get"}, .url = "/api"},
      {.verbs = {"get"}, .url = "/apis"},
      // RemoveRunObjects, the end-of-run sweep: what a killed case left, found by run label.
      {.verbs = {"list", "delete"}, .resource = "namespaces"},
      {.verbs = {"list", "delete"},
       .group = "rbac.authorization.k8s.io",
       .resource = "clusterroles"},
      {.verbs = {"list", "delete"},
       .group = "rbac.authorization.k8s.io",
       .resource = "clusterrolebindings"},
  };
  return access;
}

}  // namespace ra2cert
