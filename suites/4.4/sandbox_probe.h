// Runs the isolation probe (isolation_view.h) in a pod and reads what it saw of its node:
// the shared step of the sandbox cases.
#pragma once

#include <string>
#include <vector>

#include "fixtures/kube/case_cluster.h"
#include "suites/4.4/isolation_view.h"

namespace ra2cert::suites {

struct SandboxProbe {
  std::string node;  // where the pod ran
  IsolationView view;
  std::vector<std::string> exposures;  // NodeExposures: empty when it saw nothing of the node
};

// Starts the probe pod (`spec.command` is replaced by the probe) and returns without
// waiting; the error is the API's answer to the create, so an admission refusal shows here.
Result<kube::json> StartSandboxProbe(kube::Client& client, const std::string& namespace_,
                                     fixtures::ProbePodSpec spec);

// Waits for a started probe to finish and reads its view. A pod that fails or prints an
// incomplete view is an error with code kube::kWaitExpired (the cluster's failure: it
// did not run what was asked), its message saying what the pod did.
Result<SandboxProbe> FinishSandboxProbe(kube::Client& client, const std::string& namespace_,
                                        const std::string& pod, fixtures::Deadline deadline);

// An API error that is an admission refusal (a policy or Pod Security said no), not the
// harness's own missing permission.
bool IsAdmissionRefusal(const Error& error);

}  // namespace ra2cert::suites
