// Attach to any cluster through a kubeconfig: check that it answers, read its version,
// and discover the capabilities the plan checks case needs against.
#pragma once

#include <string>

#include "environments/environment.h"
#include "harness/kube/client.h"

namespace ra2cert {

// Error code 2: the kubeconfig is unusable (names file, entry, field);
// error code 3: the cluster does not answer (names the URL and the error).
// `kubeconfigs` in KUBECONFIG order; `all_must_exist` for an explicit --kubeconfig.
Result<ClusterHandle> AttachToCluster(const std::vector<std::string>& kubeconfigs,
                                      bool all_must_exist, const std::string& context);

// Capability discovery on a connected client (exposed for the local provider); what it
// learns on the way goes into `facts` (see ClusterHandle::facts).
Capabilities DiscoverCapabilities(kube::Client& client, nlohmann::json& facts);

}  // namespace ra2cert
