// The settings of `ra2cert run` that do not concern the local cluster, whether they came
// from the YAML config file (harness/config/config_file.h) or a flag (flags win).
// Validate() names the flag at fault.
#pragma once

#include <string>
#include <vector>

#include "harness/core/result.h"
#include "harness/plan/plan.h"

namespace ra2cert {

struct RunOptions {
  std::string kubeconfig;  // empty: KUBECONFIG, else no cluster
  std::string context;
  Selection selection;
  int parallel = 1;
  int retries = 0;
  double timeout_multiplier = 1.0;
  double stop_grace_seconds = 10;
  std::string output_dir = "ra2cert-results";
  std::string junit_flavor = "strict";
  // What the run certifies: "distribution" (the Kubernetes distribution, on whatever nodes it
  // was given: node sizes are reported, not judged) or "deployment" (this deployment, whose
  // nodes must meet RA2's hardware figures).
  std::string scope = "distribution";
  bool dry_run = false;
  std::string image_registry;  // empty: the cluster's own (local) or the default images
  // The nodes' CRI sockets when this machine can reach them ("node=unix:///path,..."):
  // the CRI cases run through them on an attached cluster.
  std::string cri_endpoints;
  // Without cri_endpoints, the CRI cases reach each node's runtime through a node agent pod
  // (harness/run/node_agent.h) unless no_node_agent; cri_socket overrides its socket path.
  bool no_node_agent = false;
  std::string cri_socket;
  // The bundle's signing and vendor declarations (see `ra2cert keygen`).
  std::string sign_key, signer, declarations;

  Status Validate() const;
};

}  // namespace ra2cert
