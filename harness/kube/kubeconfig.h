// Kubeconfig files as kubectl reads them: a KUBECONFIG list is merged with the first
// file to define a cluster, user or context name (or current-context) winning, and
// relative paths resolve against the folder of the file that holds them. Resolving a
// context gives everything a connection needs, with credentials held in memory only.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "harness/core/result.h"

namespace ra2cert::kube {

struct ExecConfig {  // client.authentication.k8s.io credential plugin
  std::string api_version;
  std::string command;
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> env;
  std::string install_hint;
  bool provide_cluster_info = false;
  std::string source;  // "FILE: users[NAME].exec", for messages
};

struct ClusterEntry {
  std::string server, certificate_authority, certificate_authority_data, tls_server_name, proxy_url;
  bool insecure_skip_tls_verify = false;
  std::string file;
};

struct UserEntry {
  std::string client_certificate, client_certificate_data, client_key, client_key_data, token,
      token_file;
  std::string username, password;               // basic authentication
  std::string impersonate, impersonate_uid;     // as, as-uid
  std::vector<std::string> impersonate_groups;  // as-groups
  std::string auth_provider;                    // its name; unsupported
  std::optional<ExecConfig> exec;
  std::string file;
};

struct ContextEntry {
  std::string cluster, user, namespace_;
  std::string file;
};

struct Kubeconfig {
  std::map<std::string, ClusterEntry> clusters;
  std::map<std::string, UserEntry> users;
  std::map<std::string, ContextEntry> contexts;
  std::string current_context;
  std::vector<std::string> files;  // the files that were read, in order
};

// What one context resolves to: enough to open a connection.
struct ClusterAccess {
  std::string context, cluster_name, user_name;
  std::string server;  // https://host:port
  std::string ca_pem;  // empty: the system trust store
  bool insecure_skip_tls_verify = false;
  std::string tls_server_name, proxy_url;
  std::string client_certificate_pem, client_key_pem;
  std::string token;       // a static bearer token
  std::string token_file;  // re-read on every request (rotated tokens)
  std::string username, password;
  std::string impersonate, impersonate_uid;
  std::vector<std::string> impersonate_groups;
  std::optional<ExecConfig> exec;
  std::string namespace_ = "default";
  // Where each value came from, for messages: "FILE: clusters[c].cluster.server" etc.
  // Empty for access not taken from a kubeconfig (in-cluster).
  std::string cluster_where, user_where, ca_where, client_certificate_where, client_key_where;
};

Result<Kubeconfig> ParseKubeconfig(const std::string& yaml_text, const std::string& file);

// `paths` in KUBECONFIG order. Files that do not exist are skipped, as kubectl does,
// unless `all_must_exist` (an explicit --kubeconfig).
Result<Kubeconfig> LoadKubeconfigs(const std::vector<std::string>& paths, bool all_must_exist);

// The list to load: the explicit path if given, else KUBECONFIG split on ':', else
// ~/.kube/config.
std::vector<std::string> KubeconfigPaths(const std::string& explicit_path);

// `context` empty: current-context. Reads referenced certificate files now, so every
// problem surfaces here with the file, entry and field it comes from.
Result<ClusterAccess> ResolveContext(const Kubeconfig& config, const std::string& context);

// The pod's service account (KUBERNETES_SERVICE_HOST/PORT and
// /var/run/secrets/kubernetes.io/serviceaccount), as in-cluster clients use it.
Result<ClusterAccess> InClusterAccess(
    const std::string& secrets_dir = "/var/run/secrets/kubernetes.io/serviceaccount");

}  // namespace ra2cert::kube
