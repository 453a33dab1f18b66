// RA2's hardware figures for a node (ra2.ch.010-012), judged from what its kubelet reports as
// capacity: the CPUs, memory and ephemeral-storage filesystem the node really has.
#pragma once

#include <string>
#include <vector>

#include "harness/kube/client.h"

namespace ra2cert::suites {

struct NodeSizing {
  std::string figures;                  // "16 CPU, 62.8 GB memory, 480.1 GB local filesystem"
  std::vector<std::string> shortfalls;  // "8 CPU, below 16 (ra2.ch.011)"; empty when it meets all
};

// GB are decimal (10^9 bytes), as hardware is sold: a 32 GB node whose kernel keeps a little
// memory back still reports more than 32·10^9 bytes. A figure the node does not publish is a
// shortfall ("publishes no memory capacity"), not a pass.
NodeSizing JudgeNodeSizing(const kube::json& node);

}  // namespace ra2cert::suites
