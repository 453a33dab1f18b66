// The local provider: builds the pinned components (cached), then drives
// environments/local/cluster.sh to spin a real multi-node cluster up on this machine, and
// tears it down again. The scripts own the machine-level work (namespaces, daemons,
// PKI); this side owns options, timing, and what a run needs to know about the result.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "environments/environment.h"
#include "harness/core/result.h"

namespace ra2cert {

struct LocalClusterOptions {
  int nodes = 2;
  int windows_nodes = 0;  // simulated Windows workers (kwok): scheduling real, pods never run
  std::string state_dir = "/var/lib/ra2cert/local";
  std::string kubernetes = "1.33";  // minor version; components/k8s-<minor>/go.mod pins it
  std::string image_registry;       // empty: the cluster's own registry
  // Seeded violations ("a,b", environments/local/violations.yaml): the cluster is broken on
  // purpose, to show that the cases that must fail do. Empty: the compliant cluster.
  std::string violate;
  // Readable (an InterruptWatch's descriptor): stop building or spinning up at once; the
  // result is then an error with code kToolCancelled and `cluster down` must follow.
  int cancel_fd = -1;
};

struct LocalCluster {
  std::string kubeconfig, state_dir, logs_dir, registry;
  std::vector<std::string> violations;  // seeded violations in force
  bool gvisor = false;
  std::string metrics_server;  // its version ("v0.8.0"); empty: the add-on was not built
  std::string nfd;             // Node Feature Discovery's version; empty: not built
  std::string runtime;  // "containerd-1.6 (v1.6.20, runc 1.1.5)", as cluster.sh up reports it
  double nodes_ready_seconds = 0, ready_seconds = 0, build_seconds = 0;
  std::map<std::string, std::string> component_bins;  // "helm" -> its bin directory
};

// Where the scripts live: $RA2CERT_HOME, else the source tree this binary was built from.
std::string ProjectRoot();

// Error code 2 for bad options, 3 when a build or the spin-up fails (the message names
// the log to read), kToolCancelled (130) when cancel_fd fired.
Result<LocalCluster> StartLocalCluster(const LocalClusterOptions& options);
Status StopLocalCluster(const std::string& state_dir, const std::string& save_logs_dir = "");
// Applies a live seeded violation to the running cluster, or reverts one ("--all": every
// one applied). Error code 2 for an unknown name or a spin-up one, 3 when the script fails.
Status ApplyViolation(const std::string& state_dir, const std::string& name);
Status RevertViolation(const std::string& state_dir, const std::string& name);
// Prints the scripts' status report; returns its exit code (0 up, 1 degraded, 4 none).
Result<int> ShowLocalClusterStatus(const std::string& state_dir);
// What a run against it needs: capabilities (cri, local-cluster, helm ...) and case env.
Result<ClusterHandle> OpenLocalCluster(const LocalCluster& cluster);

// Every image reference a run pulls, for air-gapped users (fixtures/images/images.sh).
Result<std::vector<std::string>> RequiredImages(const std::string& registry);
// Builds every image and pushes it to `registry` (plain HTTP), printing the references.
Status PushImages(const std::string& registry);

}  // namespace ra2cert
