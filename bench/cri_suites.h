// cri_bench --suites: the wall time of ra2cert's CRI cases against critest's specs of the
// same areas (tests/critest/areas.tsv: runtime info, sandbox and container lifecycle, exec,
// idempotence), both against one node's runtime of the running local cluster, alternating,
// in one invocation. critest runs once per handler its areas name (default, runsc); ra2cert's
// cases check both handlers in one run. While critest runs, the node's kubelet is paused (as
// upstream runs critest where no kubelet is); the node is Ready again before ra2cert runs.
#pragma once

#include <string>

namespace ra2cert::bench {

struct SuitesOptions {
  std::string state_dir = "/var/lib/ra2cert/local";  // the local cluster's
  std::string node = "ra2cert-node2";
  std::string image_registry;  // default: the cluster's (its cluster.env)
  std::string ra2cert;         // default: ra2cert beside this binary
  std::string critest;         // default: the components cache's
  std::string areas;           // default: tests/critest/areas.tsv of this source tree
  int rounds = 3;
};

// Prints the rounds and the ratio; returns the process exit code (0, 2 bad input, 3 a
// run that could not be made).
int RunSuites(const SuitesOptions& options);

}  // namespace ra2cert::bench
