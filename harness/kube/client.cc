#include "harness/kube/client.h"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <sstream>

namespace ra2cert::kube {
namespace {
// The Status object's message where the server sent one, else the start of the body.
std::string DescribeFailure(const HttpResponse& response) {
  const auto body = json::parse(response.body, nullptr, false);
  if (!body.is_discarded() && body.is_object() && body.value("kind", "") == "Status") {
    return body.value("message", body.value("reason", ""));
  }
  return response.body.substr(0, 300);
}

// The documents of a YAML stream as the text they were written in, split at "---" and
// "..." lines. Server-side apply gets that text: re-emitting a parsed node loses quoting,
// so "010" or "yes" would reach the server as a number or a boolean.
std::vector<std::string> SplitDocuments(const std::string& stream) {
  std::vector<std::string> documents(1);
  std::stringstream lines(stream);
  for (std::string line; std::getline(lines, line);) {
    const bool marker = (line.rfind("---", 0) == 0 || line.rfind("...", 0) == 0) &&
                        (line.size() == 3 || line[3] == ' ' || line[3] == '\t' || line[3] == '\r');
    if (!marker) {
      documents.back() += line + "\n";
      continue;
    }
    documents.emplace_back();
    if (line[0] == '-') documents.back() += line.substr(3) + "\n";  // "--- {kind: ...}"
  }
  return documents;
}

std::string PrefixFor(const std::string& group_version) {
  return group_version.find('/') == std::string::npos ? "/api/" + group_version
                                                      : "/apis/" + group_version;
}
}  // namespace

std::string QueryEscape(const std::string& text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

Result<Client> Client::Connect(ClusterAccess access, ConnectionOptions options) {
  auto connection = ApiConnection::Open(std::move(access), options);
  if (!connection) return connection.error();
  return Client(std::move(connection).value());
}

Result<Client> Client::FromKubeconfig(const std::string& path, const std::string& context,
                                      ConnectionOptions options) {
  auto config = LoadKubeconfigs(KubeconfigPaths(path), !path.empty());
  if (!config) return config.error();
  auto access = ResolveContext(*config, context);
  if (!access) return access.error();
  return Connect(std::move(access).value(), options);
}

Result<Client> Client::ForCase() {
  const char* kubeconfig = std::getenv("RA2CERT_KUBECONFIG");
  const char* context = std::getenv("RA2CERT_CONTEXT");
  if (!kubeconfig || !*kubeconfig) {
    return Error("this case process was given no cluster (RA2CERT_KUBECONFIG is not set)");
  }
  // A case run by the node agent inside a pod talks to the API with the pod's service account.
  if (std::string(kubeconfig) == kInClusterKubeconfig) {
    auto access = InClusterAccess(kServiceAccountDir);
    if (!access) return access.error();
    return Connect(std::move(access).value());
  }
  return FromCaseCluster(kubeconfig, context ? context : "");
}

Result<Client> Client::FromCaseCluster(const std::string& kubeconfig_list,
                                       const std::string& context) {
  std::vector<std::string> paths;
  std::stringstream list(kubeconfig_list);
  std::string item;
  while (std::getline(list, item, ':')) paths.push_back(item);
  auto config = LoadKubeconfigs(paths, true);
  if (!config) return config.error();
  auto access = ResolveContext(*config, context);
  if (!access) return access.error();
  return Connect(std::move(access).value());
}

Result<json> Client::Decode(const std::string& what, const Result<HttpResponse>& response) {
  if (!response) return response.error();
  if (response->status < 200 || response->status >= 300) {
    return Error(
        what + ": HTTP " + std::to_string(response->status) + ": " + DescribeFailure(*response),
        static_cast<int>(response->status));
  }
  auto body = json::parse(response->body, nullptr, false);
  if (body.is_discarded()) return Error(what + ": the response is not JSON");
  return body;
}

Result<json> Client::Get(const std::string& path) {
  return Decode("GET " + path, connection_->Send({"GET", path}));
}

Result<std::string> Client::GetText(const std::string& path) {
  HttpRequest request{"GET", path};
  request.accept = "*/*";
  auto response = connection_->Send(request);
  if (!response) return response.error();
  if (response->status < 200 || response->status >= 300) {
    return Error("GET " + path + ": HTTP " + std::to_string(response->status) + ": " +
                     DescribeFailure(*response),
                 static_cast<int>(response->status));
  }
  return response->body;
}

Result<ObjectList> Client::List(const std::string& collection_path, const ListOptions& options) {
  ObjectList list;
  std::string continue_token;
  do {
    std::string path = collection_path +
                       (collection_path.find('?') == std::string::npos ? "?" : "&") +
                       "limit=" + std::to_string(options.page_size);
    if (!options.label_selector.empty())
      path += "&labelSelector=" + QueryEscape(options.label_selector);
    if (!options.field_selector.empty())
      path += "&fieldSelector=" + QueryEscape(options.field_selector);
    if (!continue_token.empty()) path += "&continue=" + QueryEscape(continue_token);
    auto page = Get(path);
    if (!page) return page.error();
    if (page->contains("items") && (*page)["items"].is_array()) {
      for (auto& item : (*page)["items"]) list.items.push_back(std::move(item));
    }
    const json metadata = page->value("metadata", json::object());
    continue_token = metadata.value("continue", "");
    list.resource_version = metadata.value("resourceVersion", "");
  } while (!continue_token.empty());
  return list;
}

Result<json> Client::Create(const std::string& collection_path, const json& object) {
  return Decode("POST " + collection_path,
                connection_->Send({"POST", collection_path, object.dump()}));
}

Result<json> Client::Delete(const std::string& path, const std::string& propagation) {
  const json options = {
      {"kind", "DeleteOptions"}, {"apiVersion", "v1"}, {"propagationPolicy", propagation}};
  return Decode("DELETE " + path, connection_->Send({"DELETE", path, options.dump()}));
}

Result<json> Client::Patch(const std::string& path, const json& patch,
                           const std::string& content_type) {
  return Decode("PATCH " + path, connection_->Send({"PATCH", path, patch.dump(), content_type}));
}

Result<json> Client::ReplaceStatus(const std::string& object_path, const json& object) {
  return Decode("PUT " + object_path + "/status",
                connection_->Send({"PUT", object_path + "/status", object.dump()}));
}

Result<std::vector<std::string>> Client::GroupVersions() {
  std::vector<std::string> versions;
  auto core = Get("/api");
  if (!core) return core.error();
  for (const auto& v : core->value("versions", json::array()))
    versions.push_back(v.get<std::string>());
  auto groups = Get("/apis");
  if (!groups) return groups.error();
  for (const auto& group : groups->value("groups", json::array())) {
    for (const auto& v : group.value("versions", json::array())) {
      versions.push_back(v.value("groupVersion", ""));
    }
  }
  return versions;
}

Result<ResourceInfo> Client::Resource(const std::string& api_version, const std::string& kind) {
  auto cached = discovery_->find(api_version);
  if (cached == discovery_->end()) {
    auto list = Get(PrefixFor(api_version));
    if (!list) return list.error().Wrap("discovering " + api_version);
    std::vector<ResourceInfo> resources;
    for (const auto& r : list->value("resources", json::array())) {
      const std::string name = r.value("name", "");
      if (name.find('/') != std::string::npos) continue;  // subresources
      resources.push_back({api_version, r.value("kind", ""), name, r.value("namespaced", false)});
    }
    cached = discovery_->emplace(api_version, std::move(resources)).first;
  }
  for (const auto& r : cached->second) {
    if (r.kind == kind) return r;
  }
  return Error("the API server has no kind " + kind + " in " + api_version, 404);
}

Result<std::string> Client::PathFor(const std::string& api_version, const std::string& kind,
                                    const std::string& namespace_, const std::string& name,
                                    const std::string& subresource) {
  auto resource = Resource(api_version, kind);
  if (!resource) return resource.error();
  std::string path = PrefixFor(api_version);
  if (resource->namespaced) {
    path += "/namespaces/" + (namespace_.empty() ? default_namespace() : namespace_);
  }
  path += "/" + resource->plural;
  if (!name.empty()) path += "/" + name;
  if (!subresource.empty()) path += "/" + subresource;
  return path;
}

Result<std::vector<json>> Client::Apply(const std::string& manifests,
                                        const std::string& default_namespace) {
  // Every document is checked before any is applied.
  std::vector<std::pair<std::string, YAML::Node>> documents;
  for (std::string& text : SplitDocuments(manifests)) {
    try {
      YAML::Node document = YAML::Load(text);
      if (!document.IsNull()) documents.emplace_back(std::move(text), std::move(document));
    } catch (const YAML::Exception& e) {
      return Error("manifest document " + std::to_string(documents.size() + 1) +
                   " is not valid YAML: " + e.what());
    }
  }
  std::vector<json> applied;
  int index = 0;
  for (const auto& [text, document] : documents) {
    const std::string where = "manifest document " + std::to_string(++index);
    if (!document.IsMap()) return Error(where + ": expected a Kubernetes object");
    const std::string api_version = document["apiVersion"] ? document["apiVersion"].Scalar() : "";
    const std::string kind = document["kind"] ? document["kind"].Scalar() : "";
    const YAML::Node metadata = document["metadata"];
    const std::string name = metadata && metadata["name"] ? metadata["name"].Scalar() : "";
    if (api_version.empty() || kind.empty() || name.empty()) {
      return Error(where + ": needs apiVersion, kind and metadata.name");
    }
    std::string namespace_ =
        metadata["namespace"] ? metadata["namespace"].Scalar() : default_namespace;
    auto path = PathFor(api_version, kind, namespace_, name);
    if (!path) return path.error().Wrap(where);
    // Server-side apply takes the YAML as written: no lossy conversion of scalars.
    auto response = Decode("apply " + kind + "/" + name,
                           connection_->Send({"PATCH", *path + "?fieldManager=ra2cert&force=true",
                                              text, "application/apply-patch+yaml"}));
    if (!response) return response.error();
    applied.push_back(std::move(response).value());
  }
  return applied;
}

Result<std::string> Client::PodLogs(const std::string& namespace_, const std::string& pod,
                                    const std::string& container) {
  std::string path = "/api/v1/namespaces/" + namespace_ + "/pods/" + pod + "/log";
  if (!container.empty()) path += "?container=" + QueryEscape(container);
  return GetText(path);
}

}  // namespace ra2cert::kube
