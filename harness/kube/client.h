// The Kubernetes API as suites use it: typed enough to be pleasant (paths built from
// discovery, Status errors turned into messages with their HTTP code), generic enough
// for any resource (objects are nlohmann::json).
#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "harness/core/result.h"
#include "harness/kube/api_connection.h"

namespace ra2cert::kube {

using nlohmann::json;

struct ResourceInfo {
  std::string group_version;  // "v1", "apps/v1"
  std::string kind;           // "Deployment"
  std::string plural;         // "deployments"
  bool namespaced = false;
};

struct ListOptions {
  std::string label_selector, field_selector;
  int page_size = 500;  // `limit` per request; continue tokens fetch the rest
};

struct ObjectList {
  std::vector<json> items;
  std::string resource_version;  // of the list, to watch from
};

inline constexpr char kInClusterKubeconfig[] = "in-cluster";
inline constexpr char kServiceAccountDir[] = "/var/run/secrets/kubernetes.io/serviceaccount";

class Client {
 public:
  static Result<Client> Connect(ClusterAccess access, ConnectionOptions options = {});
  // kubeconfig path(s) as kubectl takes them; empty path: KUBECONFIG, ~/.kube/config.
  static Result<Client> FromKubeconfig(const std::string& path, const std::string& context,
                                       ConnectionOptions options = {});
  // Inside a case process: the cluster the orchestrator handed over
  // (RA2CERT_KUBECONFIG, RA2CERT_CONTEXT); RA2CERT_KUBECONFIG=in-cluster: the service
  // account of the pod it runs in (the node agent).
  static Result<Client> ForCase();
  // What ForCase does with the two values the orchestrator hands its case processes
  // (a ':'-separated kubeconfig list and a context, empty for the current one).
  static Result<Client> FromCaseCluster(const std::string& kubeconfig_list,
                                        const std::string& context);

  const std::string& default_namespace() const { return access().namespace_; }
  const ClusterAccess& access() const { return connection_->access(); }
  ApiConnection& connection() { return *connection_; }

  Result<json> Get(const std::string& path);
  // Non-JSON endpoints: /version is JSON but /readyz?verbose, /metrics and logs are text.
  Result<std::string> GetText(const std::string& path);
  Result<ObjectList> List(const std::string& collection_path, const ListOptions& options = {});
  Result<json> Create(const std::string& collection_path, const json& object);
  // propagation: Foreground, Background or Orphan. A missing object is an error with code 404.
  Result<json> Delete(const std::string& path, const std::string& propagation = "Background");
  Result<json> Patch(const std::string& path, const json& patch,
                     const std::string& content_type = "application/merge-patch+json");
  Result<json> ReplaceStatus(const std::string& object_path, const json& object);

  // Server-side apply (field manager "ra2cert") of every document of a YAML or JSON text.
  Result<std::vector<json>> Apply(const std::string& manifests,
                                  const std::string& default_namespace = "");

  // Discovery, cached per client.
  Result<ResourceInfo> Resource(const std::string& api_version, const std::string& kind);
  Result<std::vector<std::string>> GroupVersions();
  // "/api/v1/namespaces/NS/pods/NAME[/SUB]" for any kind.
  Result<std::string> PathFor(const std::string& api_version, const std::string& kind,
                              const std::string& namespace_, const std::string& name = "",
                              const std::string& subresource = "");

  Result<std::string> PodLogs(const std::string& namespace_, const std::string& pod,
                              const std::string& container = "");

 private:
  explicit Client(std::shared_ptr<ApiConnection> connection) : connection_(std::move(connection)) {}
  Result<json> Decode(const std::string& what, const Result<HttpResponse>& response);
  std::shared_ptr<ApiConnection> connection_;
  std::shared_ptr<std::map<std::string, std::vector<ResourceInfo>>> discovery_ =
      std::make_shared<std::map<std::string, std::vector<ResourceInfo>>>();
};

// Percent-encodes a query value (label and field selectors).
std::string QueryEscape(const std::string& text);

}  // namespace ra2cert::kube
