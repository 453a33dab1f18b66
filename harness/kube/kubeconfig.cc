#include "harness/kube/kubeconfig.h"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "harness/core/bounded_file.h"
#include "harness/core/yaml_text.h"
#include "harness/kube/base64.h"

namespace ra2cert::kube {
namespace {
namespace fs = std::filesystem;

// Names and values from a kubeconfig as a message shows them: the file may hold any bytes.
std::string Shown(const std::string& text) { return PrintableExcerpt(text, 200); }

// Reads optional scalar fields of one entry, recording the first type problem.
class Fields {
 public:
  Fields(const YAML::Node& node, std::string where) : node_(node), where_(std::move(where)) {}

  void String(const char* key, std::string& out) {
    const YAML::Node value = node_[key];
    if (!value || value.IsNull()) return;
    if (!value.IsScalar()) return Fail(std::string(key) + ": expected a string");
    out = value.Scalar();
  }
  void Strings(const char* key, std::vector<std::string>& out) {
    const YAML::Node value = node_[key];
    if (!value || value.IsNull()) return;
    if (!value.IsSequence()) return Fail(std::string(key) + ": expected a list of strings");
    for (const auto& item : value) {
      if (!item.IsScalar()) return Fail(std::string(key) + ": expected a list of strings");
      out.push_back(item.Scalar());
    }
  }
  void Bool(const char* key, bool& out) {
    const YAML::Node value = node_[key];
    if (!value || value.IsNull()) return;
    try {
      out = value.as<bool>();
    } catch (const YAML::Exception&) {
      Fail(std::string(key) + ": expected true or false");
    }
  }
  void Path(const char* key, std::string& out, const std::string& folder) {
    String(key, out);
    if (!out.empty() && fs::path(out).is_relative()) out = (fs::path(folder) / out).string();
  }
  void Fail(const std::string& message) {
    if (error_.empty()) error_ = where_ + "." + message;
  }
  const std::string& error() const { return error_; }

 private:
  const YAML::Node& node_;
  std::string where_;
  std::string error_;
};

Status ParseExec(const YAML::Node& node, const std::string& where, const std::string& folder,
                 ExecConfig& exec) {
  if (!node.IsMap()) return Error(where + ": expected a mapping");
  Fields fields(node, where);
  fields.String("apiVersion", exec.api_version);
  fields.String("command", exec.command);
  fields.String("installHint", exec.install_hint);
  fields.Bool("provideClusterInfo", exec.provide_cluster_info);
  if (!fields.error().empty()) return Error(fields.error());
  if (exec.command.empty()) return Error(where + ".command: missing");
  // A command with a slash is a path, relative to the kubeconfig; a bare name is looked
  // up on PATH.
  if (exec.command.find('/') != std::string::npos && fs::path(exec.command).is_relative()) {
    exec.command = (fs::path(folder) / exec.command).string();
  }
  if (const YAML::Node args = node["args"]; args && !args.IsNull()) {
    if (!args.IsSequence()) return Error(where + ".args: expected a list of strings");
    for (const auto& arg : args) {
      if (!arg.IsScalar()) return Error(where + ".args: expected a list of strings");
      exec.args.push_back(arg.Scalar());
    }
  }
  if (const YAML::Node env = node["env"]; env && !env.IsNull()) {
    if (!env.IsSequence()) return Error(where + ".env: expected a list of {name, value}");
    for (const auto& item : env) {
      if (!item.IsMap() || !item["name"] || !item["name"].IsScalar() ||
          (item["value"] && !item["value"].IsNull() && !item["value"].IsScalar())) {
        return Error(where + ".env: every item needs a name and a string value");
      }
      exec.env.emplace_back(item["name"].Scalar(), item["value"] ? item["value"].Scalar() : "");
    }
  }
  exec.source = where;
  return Ok();
}

template <typename Entry, typename Fill>
Status ParseList(const YAML::Node& root, const char* list_key, const char* body_key,
                 const std::string& file, std::map<std::string, Entry>& out, Fill fill) {
  const YAML::Node list = root[list_key];
  if (!list || list.IsNull()) return Ok();
  if (!list.IsSequence()) return Error(file + ": " + list_key + ": expected a list");
  const std::string folder = fs::path(file).parent_path().string();
  for (const auto& item : list) {
    if (!item.IsMap()) return Error(file + ": " + list_key + ": every item must be a mapping");
    const YAML::Node name = item["name"];
    if (!name || !name.IsScalar() || name.Scalar().empty()) {
      return Error(file + ": " + list_key + ": an item has no name (line " +
                   std::to_string(item.Mark().line + 1) + ")");
    }
    const std::string where = file + ": " + list_key + "[" + Shown(name.Scalar()) + "]." + body_key;
    const YAML::Node body = item[body_key];
    if (!body || !body.IsMap()) return Error(where + ": missing or not a mapping");
    Entry entry;
    entry.file = file;
    if (auto status = fill(body, where, folder, entry); !status) return status;
    // kubectl's merge rule: within one file too, the first definition of a name wins.
    out.emplace(name.Scalar(), std::move(entry));
  }
  return Ok();
}

Status MergeInto(Kubeconfig& into, Kubeconfig&& from) {
  for (auto& [name, entry] : from.clusters) into.clusters.emplace(name, std::move(entry));
  for (auto& [name, entry] : from.users) into.users.emplace(name, std::move(entry));
  for (auto& [name, entry] : from.contexts) into.contexts.emplace(name, std::move(entry));
  if (into.current_context.empty()) into.current_context = from.current_context;
  for (auto& file : from.files) into.files.push_back(std::move(file));
  return Ok();
}

Result<std::string> InlineOrFile(const std::string& data, const std::string& path,
                                 const std::string& where, const char* data_field,
                                 const char* path_field) {
  if (!data.empty()) {
    auto decoded = DecodeBase64(data);
    if (!decoded) return Error(where + "." + data_field + ": " + decoded.error().message());
    return decoded;
  }
  if (!path.empty()) {
    auto text = ReadBoundedFile(path, kConfigFileLimit, "file");
    if (!text) return text.error().Wrap(where + "." + path_field);
    return text;
  }
  return std::string();
}
}  // namespace

Result<Kubeconfig> ParseKubeconfig(const std::string& yaml_text, const std::string& file) {
  if (auto checked = CheckYamlText(yaml_text, file); !checked) return checked.error();
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    return Error(file + ": not valid YAML: " + PrintableExcerpt(e.what(), 300));
  }
  Kubeconfig config;
  config.files.push_back(file);
  if (root.IsNull()) return config;
  if (!root.IsMap())
    return Error(file + ": expected a kubeconfig mapping (apiVersion: v1, kind: Config)");

  auto clusters =
      ParseList(root, "clusters", "cluster", file, config.clusters,
                [](const YAML::Node& body, const std::string& where, const std::string& folder,
                   ClusterEntry& entry) -> Status {
                  Fields fields(body, where);
                  fields.String("server", entry.server);
                  fields.Path("certificate-authority", entry.certificate_authority, folder);
                  fields.String("certificate-authority-data", entry.certificate_authority_data);
                  fields.Bool("insecure-skip-tls-verify", entry.insecure_skip_tls_verify);
                  fields.String("tls-server-name", entry.tls_server_name);
                  fields.String("proxy-url", entry.proxy_url);
                  if (!fields.error().empty()) return Error(fields.error());
                  return Ok();
                });
  if (!clusters) return clusters.error();
  auto users = ParseList(
      root, "users", "user", file, config.users,
      [](const YAML::Node& body, const std::string& where, const std::string& folder,
         UserEntry& entry) -> Status {
        Fields fields(body, where);
        fields.Path("client-certificate", entry.client_certificate, folder);
        fields.String("client-certificate-data", entry.client_certificate_data);
        fields.Path("client-key", entry.client_key, folder);
        fields.String("client-key-data", entry.client_key_data);
        fields.String("token", entry.token);
        fields.Path("tokenFile", entry.token_file, folder);
        fields.String("username", entry.username);
        fields.String("password", entry.password);
        fields.String("as", entry.impersonate);
        fields.String("as-uid", entry.impersonate_uid);
        fields.Strings("as-groups", entry.impersonate_groups);
        if (!fields.error().empty()) return Error(fields.error());
        if (const YAML::Node provider = body["auth-provider"]; provider && !provider.IsNull()) {
          const YAML::Node name = provider.IsMap() ? provider["name"] : YAML::Node();
          entry.auth_provider =
              name && name.IsScalar() && !name.Scalar().empty() ? name.Scalar() : "?";
        }
        if (const YAML::Node exec = body["exec"]; exec && !exec.IsNull()) {
          ExecConfig parsed;
          if (auto status = ParseExec(exec, where + ".exec", folder, parsed); !status) {
            return status;
          }
          entry.exec = std::move(parsed);
        }
        return Ok();
      });
  if (!users) return users.error();
  auto contexts = ParseList(root, "contexts", "context", file, config.contexts,
                            [](const YAML::Node& body, const std::string& where, const std::string&,
                               ContextEntry& entry) -> Status {
                              Fields fields(body, where);
                              fields.String("cluster", entry.cluster);
                              fields.String("user", entry.user);
                              fields.String("namespace", entry.namespace_);
                              if (!fields.error().empty()) return Error(fields.error());
                              return Ok();
                            });
  if (!contexts) return contexts.error();
  if (const YAML::Node current = root["current-context"]; current && !current.IsNull()) {
    if (!current.IsScalar()) return Error(file + ": current-context: expected a string");
    config.current_context = current.Scalar();
  }
  return config;
}

Result<Kubeconfig> LoadKubeconfigs(const std::vector<std::string>& paths, bool all_must_exist) {
  Kubeconfig merged;
  std::string empty_files;
  for (const auto& path : paths) {
    if (path.empty()) continue;
    std::error_code ec;
    // symlink_status: a dangling link is a broken file, not a missing one.
    if (!fs::exists(fs::symlink_status(path, ec))) {
      if (all_must_exist) return Error("kubeconfig '" + path + "' does not exist", 2);
      continue;
    }
    auto text = ReadBoundedFile(path, kConfigFileLimit, "kubeconfig");
    if (!text) return text.error();
    auto parsed = ParseKubeconfig(*text, path);
    if (!parsed) return Error(parsed.error().message(), 2);
    if (parsed->clusters.empty() && parsed->users.empty() && parsed->contexts.empty() &&
        parsed->current_context.empty()) {
      empty_files += (empty_files.empty() ? "" : ", ") + path;
    }
    if (auto status = MergeInto(merged, std::move(parsed).value()); !status) return status.error();
  }
  if (merged.files.empty()) {
    std::string list;
    for (const auto& path : paths) list += (list.empty() ? "" : ", ") + path;
    return Error("no kubeconfig found (looked at: " + list + ")", 2);
  }
  // Empty files merge away silently, as kubectl merges them; only all of them empty is a
  // mistake worth its own message.
  if (merged.clusters.empty() && merged.users.empty() && merged.contexts.empty() &&
      merged.current_context.empty()) {
    return Error("kubeconfig " + empty_files + (merged.files.size() > 1 ? " are" : " is") +
                     " empty: no cluster, user or context is defined; name the kubeconfig of "
                     "the cluster to certify (apiVersion: v1, kind: Config)",
                 2);
  }
  return merged;
}

std::vector<std::string> KubeconfigPaths(const std::string& explicit_path) {
  if (!explicit_path.empty()) return {explicit_path};
  std::vector<std::string> paths;
  if (const char* env = std::getenv("KUBECONFIG"); env && *env) {
    std::stringstream list(env);
    std::string item;
    while (std::getline(list, item, ':')) {
      if (!item.empty()) paths.push_back(item);
    }
    return paths;
  }
  const char* home = std::getenv("HOME");
  paths.push_back(std::string(home ? home : "") + "/.kube/config");
  return paths;
}

Result<ClusterAccess> ResolveContext(const Kubeconfig& config, const std::string& context) {
  const std::string name = context.empty() ? config.current_context : context;
  std::string files;
  for (const auto& file : config.files) files += (files.empty() ? "" : ", ") + file;
  if (name.empty()) {
    return Error("kubeconfig " + files + ": no current-context is set; pass --context NAME", 2);
  }
  auto ctx = config.contexts.find(name);
  if (ctx == config.contexts.end()) {
    std::string known;
    for (const auto& [known_name, entry] : config.contexts)
      known += (known.empty() ? "" : ", ") + Shown(known_name);
    return Error("kubeconfig " + files + ": context '" + Shown(name) +
                     "' is not defined (defined: " + (known.empty() ? "none" : known) + ")",
                 2);
  }
  const std::string where_ctx = ctx->second.file + ": contexts[" + Shown(name) + "].context";
  ClusterAccess access;
  access.context = name;
  access.cluster_name = ctx->second.cluster;
  access.user_name = ctx->second.user;
  if (!ctx->second.namespace_.empty()) access.namespace_ = ctx->second.namespace_;

  auto cluster = config.clusters.find(ctx->second.cluster);
  if (ctx->second.cluster.empty()) return Error(where_ctx + ".cluster: missing");
  if (cluster == config.clusters.end()) {
    return Error(where_ctx + ".cluster: names cluster '" + Shown(ctx->second.cluster) +
                 "', which no kubeconfig defines");
  }
  const ClusterEntry& c = cluster->second;
  const std::string where_cluster =
      c.file + ": clusters[" + Shown(ctx->second.cluster) + "].cluster";
  if (c.server.empty()) return Error(where_cluster + ".server: missing");
  if (c.server.rfind("https://", 0) != 0 && c.server.rfind("http://", 0) != 0) {
    return Error(where_cluster + ".server: '" + Shown(c.server) + "' is not an http(s) URL");
  }
  access.cluster_where = where_cluster;
  access.ca_where =
      where_cluster + (c.certificate_authority_data.empty() ? ".certificate-authority"
                                                            : ".certificate-authority-data");
  access.server = c.server;
  while (!access.server.empty() && access.server.back() == '/') access.server.pop_back();
  access.insecure_skip_tls_verify = c.insecure_skip_tls_verify;
  access.tls_server_name = c.tls_server_name;
  access.proxy_url = c.proxy_url;
  auto ca = InlineOrFile(c.certificate_authority_data, c.certificate_authority, where_cluster,
                         "certificate-authority-data", "certificate-authority");
  if (!ca) return ca.error();
  access.ca_pem = std::move(ca).value();

  if (ctx->second.user.empty()) return access;
  auto user = config.users.find(ctx->second.user);
  if (user == config.users.end()) {
    return Error(where_ctx + ".user: names user '" + Shown(ctx->second.user) +
                 "', which no kubeconfig defines");
  }
  const UserEntry& u = user->second;
  const std::string where_user = u.file + ": users[" + Shown(ctx->second.user) + "].user";
  if (!u.auth_provider.empty()) {
    // Sending the requests without the provider's credentials would fail later with a
    // misleading 401 or, worse, succeed as anonymous.
    return Error(where_user + ".auth-provider: the '" + Shown(u.auth_provider) +
                     "' auth provider is not supported (kubectl dropped them too); use an exec "
                     "credential plugin instead (users[].user.exec, e.g. gke-gcloud-auth-plugin "
                     "or kubelogin)",
                 2);
  }
  access.user_where = where_user;
  access.client_certificate_where =
      where_user +
      (u.client_certificate_data.empty() ? ".client-certificate" : ".client-certificate-data");
  access.client_key_where =
      where_user + (u.client_key_data.empty() ? ".client-key" : ".client-key-data");
  auto cert = InlineOrFile(u.client_certificate_data, u.client_certificate, where_user,
                           "client-certificate-data", "client-certificate");
  if (!cert) return cert.error();
  auto key =
      InlineOrFile(u.client_key_data, u.client_key, where_user, "client-key-data", "client-key");
  if (!key) return key.error();
  if (cert->empty() != key->empty()) {
    return Error(where_user + ": has a client " + (cert->empty() ? "key" : "certificate") +
                 " but no client " + (cert->empty() ? "certificate" : "key"));
  }
  access.client_certificate_pem = std::move(cert).value();
  access.client_key_pem = std::move(key).value();
  access.token = u.token;
  access.token_file = u.token_file;
  access.username = u.username;
  access.password = u.password;
  access.impersonate = u.impersonate;
  access.impersonate_uid = u.impersonate_uid;
  access.impersonate_groups = u.impersonate_groups;
  access.exec = u.exec;
  return access;
}

Result<ClusterAccess> InClusterAccess(const std::string& secrets_dir) {
  const char* host = std::getenv("KUBERNETES_SERVICE_HOST");
  const char* port = std::getenv("KUBERNETES_SERVICE_PORT");
  if (!host || !port || !*host || !*port) {
    return Error("not running in a pod: KUBERNETES_SERVICE_HOST/PORT are not set");
  }
  ClusterAccess access;
  access.context = "in-cluster";
  const std::string host_text = host;
  access.server = "https://" +
                  (host_text.find(':') != std::string::npos ? "[" + host_text + "]" : host_text) +
                  ":" + port;
  auto ca = ReadBoundedFile(secrets_dir + "/ca.crt", kConfigFileLimit, "CA certificate");
  if (!ca) return ca.error().Wrap("in-cluster service account");
  access.ca_pem = std::move(ca).value();
  access.ca_where = "in-cluster service account: " + secrets_dir + "/ca.crt";
  access.token_file = secrets_dir + "/token";
  if (auto ns = ReadBoundedFile(secrets_dir + "/namespace", kConfigFileLimit, "namespace");
      ns && !ns->empty())
    access.namespace_ = *ns;
  return access;
}

}  // namespace ra2cert::kube
