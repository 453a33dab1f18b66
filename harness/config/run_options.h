// Every setting of `ra2cert run`, whether it came from the YAML config file or a flag
// (flags win). Validate() names the flag or key at fault.
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
  bool dry_run = false;
  std::string image_registry;  // empty: the cluster's own (local) or the default images
  // The nodes' CRI sockets when this machine can reach them ("node=unix:///path,..."):
  // the CRI cases run through them on an attached cluster.
  std::string cri_endpoints;
  // The bundle's signing and vendor declarations (see `ra2cert keygen`).
  std::string sign_key, signer, declarations;

  Status Validate() const;
};

// Applies the keys of a YAML config file onto `options`. Keys are the long flag names
// without dashes (`kubeconfig`, `parallel`, `sections`, ...); an unknown key, a wrong
// type or unreadable YAML is an error naming the file, the key and its line.
Status ApplyConfigFile(const std::string& path, RunOptions& options);

}  // namespace ra2cert
