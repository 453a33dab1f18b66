// What a run leaves in the cluster and how it is found again. Every object a case creates
// sits in a namespace labelled with the run's id, so concurrent runs never touch each
// other's objects and a run that was killed (SIGKILL, a lost machine) can be cleaned up
// later by label: `ra2cert cleanup --run ID`.
#pragma once

#include <string>
#include <vector>

#include "harness/core/result.h"
#include "harness/kube/client.h"

namespace ra2cert {

inline constexpr char kRunLabel[] = "ra2cert.io/run";
inline constexpr char kCaseLabel[] = "ra2cert.io/case";
// How a case process learns its run's id (the orchestrator sets it).
inline constexpr char kRunIdVariable[] = "RA2CERT_RUN_ID";
// How a case process learns --timeout-multiplier: its own waits (a pod to start, a lease to
// renew) scale with it, not only the case's overall timeout.
inline constexpr char kTimeoutMultiplierVariable[] = "RA2CERT_TIMEOUT_MULTIPLIER";
// How a case process learns --scope ("distribution" or "deployment").
inline constexpr char kScopeVariable[] = "RA2CERT_SCOPE";

// "20261130t182715-3fa9c1": UTC start time and 24 random bits; a valid label value.
std::string NewRunId();
// Refuses what is not a run id as NewRunId writes them (so a typo cannot select objects
// of every run through an empty or wildcard selector). Errors carry code 2.
Status CheckRunId(const std::string& run_id);

struct RemovedObjects {
  std::vector<std::string> namespaces;       // deletion requested (Background)
  std::vector<std::string> cluster_objects;  // "clusterroles/NAME" ..., deleted
};

// Deletes every namespace, ClusterRole and ClusterRoleBinding labelled with `run_id` (empty: with
// any run label, i.e. every run's). Namespaces already terminating are left to finish and not
// listed; one that vanished in between is not an error.
Result<RemovedObjects> RemoveRunObjects(kube::Client& client, const std::string& run_id);

}  // namespace ra2cert
