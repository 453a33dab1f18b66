// The Kubernetes API access the harness itself needs, outside any case: attaching to the
// cluster (attach_provider.cc: AttachToCluster and DiscoverCapabilities), which the local
// provider goes through too. `ra2cert rbac` adds it to the cases' access.
#pragma once

#include <vector>

#include "harness/catalogue/api_access.h"

namespace ra2cert {

// One entry per call attach_provider.cc makes; a new call there adds its line here.
const std::vector<ApiAccess>& AttachApiAccess();

}  // namespace ra2cert
