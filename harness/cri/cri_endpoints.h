// Which CRI socket belongs to which node. The orchestrator hands a case process
// RA2CERT_CRI_ENDPOINTS="node1=unix:///path/containerd.sock,node2=unix:///..." when the
// environment can reach the nodes' runtimes (a local cluster: the sockets are files on
// this machine); the plan runs cases that need "cri" only then.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "harness/core/result.h"

namespace ra2cert::cri {

inline constexpr const char* kEndpointsVariable = "RA2CERT_CRI_ENDPOINTS";

struct NodeEndpoint {
  std::string node;      // the Kubernetes node name
  std::string endpoint;  // "unix:///abs/path"

  bool operator==(const NodeEndpoint&) const = default;
};

// "unix:///abs/path" as it is, an absolute path as "unix:///abs/path"; any other form
// (a relative path, tcp://, npipe://) is an error naming it.
Result<std::string> NormalizeEndpoint(std::string_view endpoint);

// Parses "node=endpoint[,node=endpoint...]" in the given order; blanks around items and
// empty items are ignored, so an empty text is an empty list. A malformed item, an empty
// node name, a node named twice or an endpoint NormalizeEndpoint refuses is an error
// naming the item.
Result<std::vector<NodeEndpoint>> ParseEndpoints(std::string_view text);

// ParseEndpoints of $RA2CERT_CRI_ENDPOINTS; unset or empty is an error (a case that
// needs "cri" was started without the runtimes' sockets).
Result<std::vector<NodeEndpoint>> EndpointsFromEnvironment();

}  // namespace ra2cert::cri
