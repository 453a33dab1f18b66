#include "environments/attach/attach_provider.h"

#include <boost/process/search_path.hpp>
#include <cstdlib>
#include <filesystem>

namespace ra2cert {
namespace {
using kube::json;

std::string Label(const json& object, const std::string& key) {
  const json labels = object.value("metadata", json::object()).value("labels", json::object());
  auto it = labels.find(key);
  return it != labels.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool IsControlPlane(const json& node) {
  const json labels = node.value("metadata", json::object()).value("labels", json::object());
  return labels.contains("node-role.kubernetes.io/control-plane") ||
         labels.contains("node-role.kubernetes.io/master");
}

std::string Name(const json& object) {
  return object.value("metadata", json::object()).value("name", "");
}

// A node as the bundle records it: what a lab reading the result needs to know it by.
json NodeFacts(const json& node) {
  const json info = node.value("status", json::object()).value("nodeInfo", json::object());
  std::string ready = "Unknown";
  const json conditions = node.value("status", json::object()).value("conditions", json::array());
  for (const auto& condition : conditions) {
    if (condition.value("type", "") == "Ready") ready = condition.value("status", "Unknown");
  }
  json roles = json::array();
  const json labels = node.value("metadata", json::object()).value("labels", json::object());
  for (const auto& [key, value] : labels.items()) {
    const std::string prefix = "node-role.kubernetes.io/";
    if (key.rfind(prefix, 0) == 0) roles.push_back(key.substr(prefix.size()));
  }
  return {{"name", Name(node)},
          {"roles", roles},
          {"profile", Label(node, "anuket.io/profile")},
          {"ready", ready},
          {"simulated", Label(node, "ra2cert.io/simulated") == "true"},
          {"os", info.value("operatingSystem", "")},
          {"os_image", info.value("osImage", "")},
          {"kernel", info.value("kernelVersion", "")},
          {"architecture", info.value("architecture", "")},
          {"container_runtime", info.value("containerRuntimeVersion", "")},
          {"kubelet", info.value("kubeletVersion", "")}};
}

void DiscoverNodes(kube::Client& client, Capabilities& capabilities, json& facts) {
  auto nodes = client.List("/api/v1/nodes");
  if (!nodes) {
    capabilities.absent["windows-nodes"] = "cannot list nodes: " + nodes.error().message();
    return;
  }
  int control_plane = 0, workers = 0, windows = 0, simulated_windows = 0, simulated = 0;
  facts["nodes"] = json::array();
  for (const auto& node : nodes->items) {
    facts["nodes"].push_back(NodeFacts(node));
    // Simulated nodes (ra2cert.io/simulated=true, e.g. kwok's) run no pod: not a worker to
    // run workloads on.
    const bool is_simulated = Label(node, "ra2cert.io/simulated") == "true";
    if (is_simulated) {
      ++simulated;
    } else if (IsControlPlane(node)) {
      ++control_plane;
    } else {
      ++workers;
    }
    if (Label(node, "kubernetes.io/os") == "windows") {
      ++windows;
      if (is_simulated) ++simulated_windows;
    }
  }
  // Not a capability: a must requirement asks for control-plane and worker nodes, so
  // the cases check them and fail without them. The census is a fact.
  facts["node_census"] = {
      {"control_plane", control_plane}, {"workers", workers}, {"simulated", simulated}};
  if (windows > 0 && simulated_windows == windows) {
    capabilities.present["windows-nodes"] = std::to_string(windows) +
                                            " simulated Windows node(s) (kwok): scheduling is "
                                            "real, pods never run";
  } else if (simulated_windows > 0) {
    capabilities.present["windows-nodes"] =
        std::to_string(windows) + " Windows node(s), " + std::to_string(simulated_windows) +
        " of them simulated (kwok): scheduling onto those is real, pods there never run";
  } else if (windows > 0) {
    capabilities.present["windows-nodes"] = std::to_string(windows) + " Windows node(s)";
  } else {
    capabilities.absent["windows-nodes"] = "no node is labelled kubernetes.io/os=windows";
  }
}

// Facts only: whether a RuntimeClass really sandboxes is measured by the 4.4 cases, and
// a missing sandbox runtime fails them (it is a must), so it is no capability.
void DiscoverRuntimeClasses(kube::Client& client, json& facts) {
  auto classes = client.List("/apis/node.k8s.io/v1/runtimeclasses");
  if (!classes) {
    facts["runtime_classes_error"] = classes.error().message();
    return;
  }
  facts["runtime_classes"] = json::array();
  for (const auto& rc : classes->items) {
    facts["runtime_classes"].push_back({{"name", Name(rc)}, {"handler", rc.value("handler", "")}});
  }
}

void DiscoverHelm(Capabilities& capabilities) {
  const char* configured = std::getenv("RA2CERT_HELM");
  std::string helm =
      configured && *configured ? configured : boost::process::search_path("helm").string();
  if (!helm.empty() && std::filesystem::exists(helm)) {
    capabilities.present["helm"] = helm;
  } else {
    capabilities.absent["helm"] = "no helm binary on PATH (or set RA2CERT_HELM)";
  }
}
}  // namespace

// Facts only: no case needs these yet, so a failure is recorded, not fatal.
void DiscoverStorageAndApis(kube::Client& client, json& facts) {
  if (auto classes = client.List("/apis/storage.k8s.io/v1/storageclasses"); classes) {
    facts["storage_classes"] = json::array();
    for (const auto& sc : classes->items) {
      const json annotations =
          sc.value("metadata", json::object()).value("annotations", json::object());
      facts["storage_classes"].push_back(
          {{"name", Name(sc)},
           {"provisioner", sc.value("provisioner", "")},
           {"default",
            annotations.value("storageclass.kubernetes.io/is-default-class", "") == "true"}});
    }
  } else {
    facts["storage_classes_error"] = classes.error().message();
  }
  if (auto versions = client.GroupVersions(); versions) {
    facts["api_group_versions"] = *versions;
  } else {
    facts["api_group_versions_error"] = versions.error().message();
  }
}

Capabilities DiscoverCapabilities(kube::Client& client, json& facts) {
  Capabilities capabilities;
  DiscoverNodes(client, capabilities, facts);
  DiscoverRuntimeClasses(client, facts);
  DiscoverStorageAndApis(client, facts);
  DiscoverHelm(capabilities);
  capabilities.absent["cri"] =
      "the CRI socket is only reachable on a cluster ra2cert spun up (ra2cert run --local)";
  capabilities.absent["local-cluster"] = "the cluster was not spun up by ra2cert";
  return capabilities;
}

Result<ClusterHandle> AttachToCluster(const std::vector<std::string>& kubeconfigs,
                                      bool all_must_exist, const std::string& context) {
  auto config = kube::LoadKubeconfigs(kubeconfigs, all_must_exist);
  if (!config) return Error(config.error().message(), 2);
  auto access = kube::ResolveContext(*config, context);
  if (!access) return Error(access.error().message(), 2);
  const std::string server = access->server;
  const std::string context_name = access->context;
  auto client = kube::Client::Connect(std::move(access).value());
  if (!client) return Error(client.error().message(), 2);
  auto version = client->Get("/version");
  if (!version) {
    // Credentials are only obtained with the first request (exec plugins, token files):
    // their failures are the kubeconfig's, not an unanswering cluster's.
    if (version.error().code() == 2) return Error(version.error().message(), 2);
    return Error("the cluster at " + server + " does not answer: " + version.error().message(), 3);
  }
  ClusterHandle handle;
  handle.kubernetes_version = version->value("gitVersion", "unknown");
  handle.description = "attach " + server + " (context " + context_name + ", Kubernetes " +
                       handle.kubernetes_version + ")";
  handle.capabilities = DiscoverCapabilities(*client, handle.facts);
  handle.capabilities.present["cluster"] =
      "Kubernetes " + handle.kubernetes_version + " at " + server;
  // Every report names the environment: simulated nodes are said there too.
  if (auto windows = handle.capabilities.present.find("windows-nodes");
      windows != handle.capabilities.present.end() &&
      windows->second.find("simulated") != std::string::npos) {
    handle.description += "; windows-nodes: " + windows->second;
  }
  std::string list;
  for (const auto& path : config->files) list += (list.empty() ? "" : ":") + path;
  // Case processes resolve the same files and the same context.
  handle.case_env["RA2CERT_KUBECONFIG"] = list;
  handle.case_env["RA2CERT_CONTEXT"] = context_name;
  return handle;
}

}  // namespace ra2cert
