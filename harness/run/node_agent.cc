#include "harness/run/node_agent.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "fixtures/kube/case_cluster.h"
#include "harness/kube/client.h"
#include "harness/plan/rbac.h"
#include "harness/run/case_child.h"
#include "harness/run/case_signals.h"
#include "harness/run/run_objects.h"

namespace ra2cert {
namespace {
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr char kAgentSocketPath[] = "/run/ra2cert/cri.sock";
constexpr char kAgentAccount[] = "ra2cert-node-agent";
// Files a case hands the runtime (container log directories) must be at the same path for
// the runtime on the node and for the case in the pod: one node directory, mounted at its
// own path, is the agent's TMPDIR.
constexpr char kAgentScratch[] = "/var/tmp/ra2cert-node-agent";
// The node's cgroup tree, where a CRI case removes the pod cgroups it made.
constexpr char kAgentCgroupRoot[] = "/run/ra2cert/node-cgroup";
// Pulling the agent image and starting a pod on every node, on top of the case's own time.
constexpr std::chrono::seconds kAgentStartAllowance{75};

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

json Field(const json& object, std::initializer_list<const char*> path) {
  const json* at = &object;
  for (const char* key : path) {
    if (!at->is_object() || !at->contains(key)) return json();
    at = &(*at)[key];
  }
  return *at;
}

std::string Text(const json& value) { return value.is_string() ? value.get<std::string>() : ""; }

// The API refused the harness's own credentials: the run lacks a grant (`ra2cert rbac`).
bool IsHarnessRefusal(const Error& error) { return error.code() == 401 || error.code() == 403; }

struct AgentNode {
  std::string name, socket, pod;
};

// The node's CRI socket: --cri-socket, else what its kubelet's configz names (the
// authoritative answer), else the usual path of the runtime it reports.
Result<std::string> SocketOf(kube::Client& client, const json& node) {
  const std::string name = Text(Field(node, {"metadata", "name"}));
  if (auto configured = Env(kNodeAgentSocketVariable); !configured.empty()) return configured;
  auto configz = client.Get("/api/v1/nodes/" + name + "/proxy/configz");
  if (configz) {
    const std::string endpoint =
        Text(Field(*configz, {"kubeletconfig", "containerRuntimeEndpoint"}));
    if (endpoint.rfind("unix://", 0) == 0) return endpoint.substr(7);
    if (!endpoint.empty() && endpoint.front() == '/') return endpoint;
  } else if (IsHarnessRefusal(configz.error())) {
    // Guessing the path instead would mount a socket that may not exist and wait in vain.
    return Error(fixtures::DescribeHarnessError(configz.error()), configz.error().code());
  }
  const std::string runtime = Text(Field(node, {"status", "nodeInfo", "containerRuntimeVersion"}));
  if (runtime.rfind("containerd://", 0) == 0) return std::string("/run/containerd/containerd.sock");
  if (runtime.rfind("cri-o://", 0) == 0) return std::string("/var/run/crio/crio.sock");
  return Error("node " + name + " runs '" + runtime +
               "', whose CRI socket the node agent does not know, and its kubelet's configz "
               "names none: give the path with --cri-socket");
}

// The service account's cluster-wide RBAC objects of one case's agents (the namespace is a
// fixtures::TestNamespace); removed when the case process ends (RA2CERT_KEEP=1 keeps them).
class AgentRbac {
 public:
  explicit AgentRbac(kube::Client& client) : client_(client) {}
  AgentRbac(const AgentRbac&) = delete;
  AgentRbac& operator=(const AgentRbac&) = delete;
  ~AgentRbac() {
    if (name.empty() || Env("RA2CERT_KEEP") == "1") return;
    (void)client_.Delete("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/" + name);
    (void)client_.Delete("/apis/rbac.authorization.k8s.io/v1/clusterroles/" + name);
  }
  std::string name;

 private:
  kube::Client& client_;
};

// The agents' service account in `namespace_`, granted the case's own access: what starting
// the agents takes stays with the harness.
Status GrantAccess(kube::Client& client, const CaseDefinition& definition,
                   const std::string& namespace_, AgentRbac& rbac) {
  json labels = {{"app.kubernetes.io/managed-by", "ra2cert"}};
  if (auto run = Env(kRunIdVariable); !run.empty()) labels[kRunLabel] = run;
  auto account = client.Create("/api/v1/namespaces/" + namespace_ + "/serviceaccounts",
                               {{"apiVersion", "v1"},
                                {"kind", "ServiceAccount"},
                                {"metadata", {{"name", kAgentAccount}, {"labels", labels}}}});
  if (!account) return account.error().Wrap("creating the node agents' service account");
  CaseDefinition in_pod = definition;
  in_pod.meta.needs.clear();
  auto objects = RbacObjects(DeriveRbacRules({&in_pod}, {}), {namespace_, kAgentAccount});
  for (auto& object : objects) object["metadata"]["labels"].update(labels);
  const std::string base = "/apis/rbac.authorization.k8s.io/v1/";
  rbac.name = Text(Field(objects[0], {"metadata", "name"}));
  if (auto role = client.Create(base + "clusterroles", objects[0]); !role)
    return role.error().Wrap("creating the node agents' ClusterRole");
  if (auto binding = client.Create(base + "clusterrolebindings", objects[1]); !binding)
    return binding.error().Wrap("creating the node agents' ClusterRoleBinding");
  return Ok();
}

json AgentPod(const CaseDefinition& definition, const AgentNode& node, const std::string& image) {
  json env = json::array({
      {{"name", "RA2CERT_KUBECONFIG"}, {"value", kube::kInClusterKubeconfig}},
      {{"name", "RA2CERT_CRI_ENDPOINTS"},
       {"value", node.name + "=unix://" + std::string(kAgentSocketPath)}},
      {{"name", "RA2CERT_CASE_ID"}, {"value", definition.meta.id}},
      {{"name", "TMPDIR"}, {"value", kAgentScratch}},
      {{"name", "RA2CERT_NODE_CGROUP_ROOT"}, {"value", kAgentCgroupRoot}},
  });
  for (const char* passed : {kRunIdVariable, kTimeoutMultiplierVariable, "RA2CERT_CASE_ATTEMPT",
                             "RA2CERT_PROBE_IMAGE"}) {
    if (auto value = Env(passed); !value.empty())
      env.push_back({{"name", passed}, {"value", value}});
  }
  json container = {
      {"name", "agent"},
      {"image", image},
      {"imagePullPolicy", "IfNotPresent"},
      {"args",
       {"__case", "--gtest-name", definition.gtest_name, "--result-file", kTerminationMessagePath}},
      {"env", env},
      {"terminationMessagePath", kTerminationMessagePath},
      {"terminationMessagePolicy", "File"},
      // Root on the node's socket; nothing else of the node is asked for.
      {"securityContext", {{"runAsUser", 0}, {"allowPrivilegeEscalation", false}}},
      {"volumeMounts",
       {{{"name", "cri"}, {"mountPath", kAgentSocketPath}},
        {{"name", "scratch"}, {"mountPath", kAgentScratch}},
        {{"name", "cgroup"}, {"mountPath", kAgentCgroupRoot}}}}};
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata",
           {{"name", node.pod}, {"labels", {{"app.kubernetes.io/name", "ra2cert-node-agent"}}}}},
          {"spec",
           {{"nodeName", node.name},
            {"restartPolicy", "Never"},
            {"serviceAccountName", kAgentAccount},
            {"automountServiceAccountToken", true},
            {"terminationGracePeriodSeconds", 5},
            {"tolerations", {{{"operator", "Exists"}}}},
            {"containers", {container}},
            {"volumes",
             {{{"name", "cri"}, {"hostPath", {{"path", node.socket}, {"type", "Socket"}}}},
              {{"name", "scratch"},
               {"hostPath", {{"path", kAgentScratch}, {"type", "DirectoryOrCreate"}}}},
              {{"name", "cgroup"},
               {"hostPath", {{"path", "/sys/fs/cgroup"}, {"type", "Directory"}}}}}}}}};
}

// One node's answer: the case's result as its agent left it, or why there is none.
struct NodeResult {
  std::string node;
  CaseResult result;
};

json Merge(const std::vector<NodeResult>& results) {
  const auto with = [&](Outcome outcome) {
    std::vector<const NodeResult*> found;
    for (const auto& r : results) {
      if (r.result.outcome == outcome) found.push_back(&r);
    }
    return found;
  };
  json out;
  for (Outcome outcome : {Outcome::kFailed, Outcome::kError, Outcome::kSkipped}) {
    const auto matching = with(outcome);
    if (matching.empty()) continue;
    std::string message;
    for (const auto* r : matching) {
      message += (message.empty() ? "" : "\n") + ("node " + r->node + ": " + r->result.message);
    }
    out = {{"outcome", OutcomeName(outcome)},
           {"message", message},
           {"file", matching.front()->result.file},
           {"line", matching.front()->result.line}};
    if (outcome == Outcome::kSkipped) {
      const bool applicable = std::any_of(matching.begin(), matching.end(), [](const auto* r) {
        return r->result.skip_kind != SkipKind::kNotApplicable;
      });
      out["skip_kind"] = applicable ? "unverifiable" : "not-applicable";
    }
    return out;
  }
  return {{"outcome", "Passed"}};
}
}  // namespace

std::vector<ApiAccess> NodeAgentAccess() {
  return {{.verbs = {"create", "delete"}, .resource = "namespaces"},
          {.verbs = {"create"}, .resource = "serviceaccounts"},
          {.verbs = {"create", "delete"},
           .group = "rbac.authorization.k8s.io",
           .resource = "clusterroles"},
          {.verbs = {"create", "delete"},
           .group = "rbac.authorization.k8s.io",
           .resource = "clusterrolebindings"},
          {.verbs = {"create", "list"}, .resource = "pods"},
          {.verbs = {"get"}, .resource = "pods", .subresource = "log"},
          {.verbs = {"list"}, .resource = "nodes"},
          {.verbs = {"get"}, .resource = "nodes", .subresource = "proxy"}};
}

bool RunsThroughNodeAgents(const CaseMetadata& meta) {
  return !Env(kNodeAgentImageVariable).empty() &&
         std::find(meta.needs.begin(), meta.needs.end(), "cri") != meta.needs.end();
}

int RunCaseThroughNodeAgents(const CaseDefinition& definition, const std::string& result_file) {
  case_signals_internal::InstallInterruptHandler();
  const auto error = [&](const std::string& message) {
    (void)WriteCaseChildResult(result_file,
                               {{"outcome", "Error"}, {"message", "node agent: " + message}});
    return 1;
  };
  auto client = kube::Client::ForCase();
  if (!client) return error(client.error().message());
  auto nodes = client->List("/api/v1/nodes");
  if (!nodes) return error("listing the nodes: " + nodes.error().message());

  std::vector<AgentNode> agents;
  std::vector<std::string> not_ready;  // per agent: why its node cannot run a pod, if so
  for (const auto& node : nodes->items) {
    if (fixtures::IsSimulated(node) || !fixtures::IsLinux(node)) continue;
    auto socket = SocketOf(*client, node);
    if (!socket) return error(socket.error().message());
    agents.push_back({fixtures::NodeName(node), *socket, "agent-" + std::to_string(agents.size())});
    not_ready.push_back(fixtures::IsReady(node) ? "" : fixtures::DescribeReadiness(node));
  }
  if (agents.empty()) {
    (void)WriteCaseChildResult(result_file, {{"outcome", "Skipped"},
                                             {"skip_kind", "unverifiable"},
                                             {"message",
                                              "no node a node agent can run on (every node is "
                                              "simulated or not Linux): the CRI was not reached"}});
    return 1;
  }

  // hostPath (the CRI socket) is beyond the baseline Pod Security level.
  auto ns = fixtures::TestNamespace::Create(*client, "agent-" + definition.meta.id,
                                            /*privileged=*/true);
  if (!ns) return error("creating the node agents' namespace: " + ns.error().message());
  AgentRbac rbac(*client);
  if (auto granted = GrantAccess(*client, definition, ns->name(), rbac); !granted)
    return error(granted.error().message());
  const std::string image = Env(kNodeAgentImageVariable);
  for (const auto& agent : agents) {
    auto pod = client->Create("/api/v1/namespaces/" + ns->name() + "/pods",
                              AgentPod(definition, agent, image));
    if (!pod) return error("starting the agent on " + agent.name + ": " + pod.error().message());
  }
  std::printf("node agents (image %s) started in namespace %s on: ", image.c_str(),
              ns->name().c_str());
  for (const auto& agent : agents)
    std::printf("%s (%s) ", agent.name.c_str(), agent.socket.c_str());
  std::printf("\n");
  std::fflush(stdout);

  const auto deadline = Clock::now() + definition.meta.timeout + kAgentStartAllowance;
  std::vector<NodeResult> results;
  for (size_t i = 0; i < agents.size(); ++i) {
    const auto& agent = agents[i];
    auto done =
        fixtures::WaitForPod(*client, ns->name(), agent.pod, {"Succeeded", "Failed"}, deadline);
    if (InterruptRequested()) return error("interrupted while the agents ran");
    if (!done && !fixtures::IsClusterFailure(done.error()))
      return error(fixtures::DescribeHarnessError(done.error()));
    NodeResult node{.node = agent.name, .result = {}};
    if (auto logs = client->PodLogs(ns->name(), agent.pod); logs) {
      std::string text = *logs;
      if (text.size() > 20000) text = "[...]\n" + text.substr(text.size() - 20000);
      std::printf("=== node %s: the agent's log ===\n%s\n", agent.name.c_str(), text.c_str());
    }
    if (!done) {
      // A node whose runtime or kubelet is down cannot start the agent: that is the
      // node's failure. A ready node that does not run it is the agent's trouble.
      node.result.outcome = not_ready[i].empty() ? Outcome::kError : Outcome::kFailed;
      node.result.message =
          not_ready[i].empty()
              ? "the node agent did not finish in time (" + done.error().message() +
                    "); is its image pushed (ra2cert images push --image-registry ...), and "
                    "is " +
                    agent.socket + " the node's CRI socket (else --cri-socket)?"
              : "the node agent could not run there, the node is not Ready: " + not_ready[i] +
                    " (" + done.error().message() + ")";
      results.push_back(std::move(node));
      continue;
    }
    std::string message;
    const json statuses = Field(*done, {"status", "containerStatuses"});
    if (statuses.is_array() && !statuses.empty())
      message = Text(Field(statuses.front(), {"state", "terminated", "message"}));
    const json parsed = json::parse(message, nullptr, /*allow_exceptions=*/false);
    Status applied = Error("no result");
    if (parsed.is_object() && parsed.contains("outcome")) {
      try {
        applied = ApplyChildResult(parsed, node.result);
      } catch (const json::exception& e) {
        applied = Error(e.what());
      }
    }
    if (!applied) {
      node.result.outcome = Outcome::kError;
      node.result.message = "the node agent ended (" +
                            fixtures::DescribePodState(*client, ns->name(), agent.pod) +
                            ") without a readable result: " + applied.error().message();
    }
    results.push_back(std::move(node));
  }
  const json merged = Merge(results);
  (void)WriteCaseChildResult(result_file, merged);
  return merged.value("outcome", "") == "Passed" ? 0 : 1;
}

}  // namespace ra2cert
