// The node agent: how a case that needs the CRI runs on an attached cluster whose nodes'
// runtime sockets this machine cannot reach. The case process, instead of running the case
// body itself, starts one pod per node (in a namespace of the run's own, labelled for the
// privileged Pod Security level, tolerating every taint) from the node-agent image — this
// very harness, packed by fixtures/images/node-agent — mounting that node's CRI socket. Each
// pod runs the same case against its own node's runtime, with a service account granted
// exactly the case's api_access, and leaves its result in its termination message. The
// per-node results are merged into the case's result (Failed anywhere is Failed); the pods,
// the namespace and the RBAC objects are removed on success, failure and interrupt.
#pragma once

#include <string>
#include <vector>

#include "harness/catalogue/case_metadata.h"

namespace ra2cert {

// Set in the case processes' environment by `run` when the CRI is reached through node
// agents: the image reference the agent pods run.
inline constexpr char kNodeAgentImageVariable[] = "RA2CERT_NODE_AGENT_IMAGE";
// --cri-socket: the socket's path on every node (else the kubelet's configz, else by runtime).
inline constexpr char kNodeAgentSocketVariable[] = "RA2CERT_NODE_AGENT_SOCKET";

// What the harness needs of the API to run a case through node agents (the CRI cases
// declare it, so that `ra2cert rbac` grants it); the agents themselves get only the rest.
std::vector<ApiAccess> NodeAgentAccess();

// True when this case process should hand `meta` to node agents.
bool RunsThroughNodeAgents(const CaseMetadata& meta);

// Runs the case through the node agents and writes its merged result to `result_file`
// (what RunCaseChild writes). Returns the process's exit code (0 passed, 1 otherwise).
int RunCaseThroughNodeAgents(const CaseDefinition& definition, const std::string& result_file);

}  // namespace ra2cert
