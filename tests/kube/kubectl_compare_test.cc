// The project's kubeconfig resolver against the Go-built kubectl on the same merged
// KUBECONFIG list: several files, overlapping names (the first file to define one wins),
// relative paths, namespaces, every auth form. For each context, `kubectl config view
// --minify --raw --flatten --context X` and LoadKubeconfigs + ResolveContext must agree on
// the server, the user (certificate, key, token, token file, exec plugin) and the namespace.
// And `kubectl get --raw /version` against the live cluster equals Client::Get("/version").
//
// RA2CERT_TEST_KUBECTL: the kubectl binary (unset: skip). RA2CERT_TEST_KUBECONFIG: the live
// cluster's admin kubeconfig (needed by the /version test only).
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <functional>

#include "harness/kube/base64.h"
#include "tests/kube/kube_test_util.h"

namespace {
using namespace ra2cert::kube;
using namespace ra2cert::kube::testing_util;

std::string Kubectl() { return Env("RA2CERT_TEST_KUBECTL"); }

// Credentials are compared without ever being printed.
std::string Fingerprint(const std::string& secret) {
  return secret.empty() ? "(empty)"
                        : std::to_string(secret.size()) + " bytes, hash " +
                              std::to_string(std::hash<std::string>{}(secret) % 100000);
}

std::string Scalar(const YAML::Node& node, const char* key) {
  if (!node || !node.IsMap()) return "";
  const YAML::Node value = node[key];
  return value && value.IsScalar() ? value.Scalar() : "";
}

std::string Decoded(const YAML::Node& node, const char* key) {
  auto decoded = ra2cert::DecodeBase64(Scalar(node, key));
  return decoded ? *decoded : "(bad base64)";
}

// The merged set, built once per process in a private temporary folder:
//   a/config      clusters shared, cluster-a; users shared-user, token-user; contexts
//                 ctx-a (current), ctx-shared, ctx-overlap
//   b/config      clusters shared (shadowed), cluster-b, live; users shared-user (shadowed),
//                 data-user, file-token-user, exec-user, live-admin; contexts ctx-overlap
//                 (shadowed), ctx-b (current, shadowed), ctx-file-token, ctx-exec, live
//   c.yaml        cluster-c; contexts ctx-c (a user from a/config), ctx-no-user
//   empty.yaml    an empty file;  missing.yaml  does not exist (skipped, as kubectl does)
class MergedKubeconfigs {
 public:
  static MergedKubeconfigs& Get() {
    static MergedKubeconfigs instance;
    return instance;
  }
  const std::vector<std::string>& paths() const { return paths_; }
  std::string kubeconfig_env() const {
    std::string joined;
    for (const auto& path : paths_) joined += (joined.empty() ? "" : ":") + path;
    return joined;
  }
  std::string root() const { return dir_.path().string(); }
  bool live() const { return live_; }

 private:
  MergedKubeconfigs() {
    const std::string root = dir_.path().string();
    auto pem = [](const std::string& what) {
      return "-----BEGIN " + what + "-----\n" + ra2cert::EncodeBase64(what + RandomSuffix()) +
             "\n-----END " + what + "-----\n";
    };
    WriteFile(root + "/pki/ca-a.pem", pem("CERTIFICATE"));
    WriteFile(root + "/pki/ca-b.pem", pem("CERTIFICATE"));
    WriteFile(root + "/a/certs/a.crt", pem("CERTIFICATE"));
    WriteFile(root + "/a/certs/a.key", pem("EC PRIVATE KEY"));
    WriteFile(root + "/b/tokens/b.token", "token-from-file-" + RandomSuffix() + "\n");
    const std::string inline_ca = ra2cert::EncodeBase64(pem("CERTIFICATE"));
    const std::string data_cert = ra2cert::EncodeBase64(pem("CERTIFICATE"));
    const std::string data_key = ra2cert::EncodeBase64(pem("PRIVATE KEY"));

    // The live cluster, reached through files next to b/config (relative paths).
    std::string live_server = "https://127.0.0.1:1";
    std::string live_ca = pem("CERTIFICATE"), live_cert = pem("CERTIFICATE"),
                live_key = pem("PRIVATE KEY");
    if (!AdminKubeconfig().empty()) {
      auto config = LoadKubeconfigs({AdminKubeconfig()}, true);
      if (config) {
        if (auto access = ResolveContext(*config, ""); access) {
          live_ = true;
          live_server = access->server;
          live_ca = access->ca_pem;
          live_cert = access->client_certificate_pem;
          live_key = access->client_key_pem;
        }
      }
    }
    WriteFile(root + "/live/ca.crt", live_ca);
    WriteFile(root + "/live/admin.crt", live_cert);
    WriteFile(root + "/live/admin.key", live_key);

    WriteFile(root + "/a/config", R"(apiVersion: v1
kind: Config
current-context: ctx-a
clusters:
- name: shared
  cluster:
    server: https://shared-a.example:6443
    certificate-authority: ../pki/ca-a.pem
- name: cluster-a
  cluster:
    server: https://a.example/prefix
    certificate-authority-data: )" + inline_ca +
                                      R"(
    tls-server-name: api.a.example
users:
- name: shared-user
  user:
    client-certificate: certs/a.crt
    client-key: certs/a.key
- name: token-user
  user:
    token: token-from-a
contexts:
- name: ctx-a
  context: {cluster: cluster-a, user: shared-user, namespace: team-a}
- name: ctx-shared
  context: {cluster: shared, user: token-user}
- name: ctx-overlap
  context: {cluster: shared, user: shared-user, namespace: from-a}
)");
    WriteFile(root + "/b/config", R"(apiVersion: v1
kind: Config
current-context: ctx-b
preferences: {}
clusters:
- name: shared
  cluster:
    server: https://shared-b.example:6443
    insecure-skip-tls-verify: true
- name: cluster-b
  cluster:
    server: https://b.example:6443
    certificate-authority: ../pki/ca-b.pem
    proxy-url: http://proxy.example:3128
- name: live
  cluster:
    server: )" + live_server + R"(
    certificate-authority: ../live/ca.crt
users:
- name: shared-user
  user:
    token: token-from-b
- name: data-user
  user:
    client-certificate-data: )" + data_cert +
                                      R"(
    client-key-data: )" + data_key + R"(
- name: file-token-user
  user:
    tokenFile: tokens/b.token
- name: exec-user
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ./bin/credential
      args: [--flag, value]
      env:
      - {name: PLUGIN_MODE, value: "1"}
      interactiveMode: Never
      provideClusterInfo: true
- name: live-admin
  user:
    client-certificate: ../live/admin.crt
    client-key: ../live/admin.key
contexts:
- name: ctx-overlap
  context: {cluster: cluster-b, user: data-user, namespace: from-b}
- name: ctx-b
  context: {cluster: cluster-b, user: data-user, namespace: team-b}
- name: ctx-file-token
  context: {cluster: shared, user: file-token-user}
- name: ctx-exec
  context: {cluster: cluster-b, user: exec-user, namespace: exec-ns}
- name: live
  context: {cluster: live, user: live-admin, namespace: kube-system}
)");
    WriteFile(root + "/c.yaml", R"(apiVersion: v1
kind: Config
current-context: ctx-c
clusters:
- name: cluster-c
  cluster:
    server: http://c.example:8080
    insecure-skip-tls-verify: true
contexts:
- name: ctx-c
  context: {cluster: cluster-c, user: shared-user, namespace: team-c}
- name: ctx-no-user
  context: {cluster: cluster-b}
)");
    WriteFile(root + "/empty.yaml", "");
    paths_ = {root + "/a/config", root + "/b/config", root + "/c.yaml", root + "/empty.yaml",
              root + "/missing.yaml"};
  }

  TempDir dir_;
  std::vector<std::string> paths_;
  bool live_ = false;
};

CommandResult RunKubectl(std::vector<std::string> args) {
  const auto& merged = MergedKubeconfigs::Get();
  args.insert(args.begin(), Kubectl());
  return RunCommand(args, {{"KUBECONFIG", merged.kubeconfig_env()}, {"HOME", merged.root()}},
                    std::chrono::seconds(60));
}

class KubectlCompareTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (Kubectl().empty() || !fs::exists(Kubectl())) {
      GTEST_SKIP() << "RA2CERT_TEST_KUBECTL does not name a kubectl binary";
    }
  }
};

TEST_P(KubectlCompareTest, ResolverMatchesKubectlConfigView) {
  const std::string context = GetParam();
  const auto& merged = MergedKubeconfigs::Get();
  std::vector<std::string> args = {"config", "view", "--minify", "--raw", "--flatten"};
  if (!context.empty()) args.insert(args.end(), {"--context", context});
  const CommandResult kubectl = RunKubectl(args);

  auto config = LoadKubeconfigs(merged.paths(), false);
  ASSERT_TRUE(config) << config.error().message();
  EXPECT_EQ(config->files.size(), 4u) << "the missing file is skipped";
  auto ours = ResolveContext(*config, context);

  if (kubectl.exit_code != 0) {
    EXPECT_FALSE(ours) << "kubectl refused context '" << context << "' (" << kubectl.output
                       << ") but the resolver accepted it";
    return;
  }
  ASSERT_TRUE(ours) << "kubectl resolved context '" << context
                    << "' but the resolver did not: " << ours.error().message();
  YAML::Node view;
  ASSERT_NO_THROW(view = YAML::Load(kubectl.output)) << "kubectl printed no YAML";
  const YAML::Node context_entry = view["contexts"][0];
  const YAML::Node ctx = context_entry["context"];
  const YAML::Node cluster = view["clusters"][0]["cluster"];
  const YAML::Node user = view["users"] && view["users"].IsSequence() && view["users"].size() > 0
                              ? view["users"][0]["user"]
                              : YAML::Node();

  EXPECT_EQ(ours->context, Scalar(view, "current-context"));
  EXPECT_EQ(ours->context, Scalar(context_entry, "name"));
  EXPECT_EQ(ours->cluster_name, Scalar(ctx, "cluster"));
  EXPECT_EQ(ours->user_name, Scalar(ctx, "user"));
  const std::string kubectl_namespace = Scalar(ctx, "namespace");
  EXPECT_EQ(ours->namespace_, kubectl_namespace.empty() ? "default" : kubectl_namespace);

  // Cluster: server and transport.
  EXPECT_EQ(ours->server, Scalar(cluster, "server"));
  EXPECT_TRUE(ours->ca_pem == Decoded(cluster, "certificate-authority-data") ||
              (ours->ca_pem.empty() && Scalar(cluster, "certificate-authority-data").empty()))
      << "CA: ours " << Fingerprint(ours->ca_pem) << ", kubectl "
      << Fingerprint(Decoded(cluster, "certificate-authority-data"));
  EXPECT_EQ(ours->insecure_skip_tls_verify, Scalar(cluster, "insecure-skip-tls-verify") == "true");
  EXPECT_EQ(ours->tls_server_name, Scalar(cluster, "tls-server-name"));
  EXPECT_EQ(ours->proxy_url, Scalar(cluster, "proxy-url"));

  // User: certificate, key, token, token file, exec plugin.
  const std::string cert = Scalar(user, "client-certificate-data").empty()
                               ? ""
                               : Decoded(user, "client-certificate-data");
  const std::string key =
      Scalar(user, "client-key-data").empty() ? "" : Decoded(user, "client-key-data");
  EXPECT_TRUE(ours->client_certificate_pem == cert)
      << "client certificate: ours " << Fingerprint(ours->client_certificate_pem) << ", kubectl "
      << Fingerprint(cert);
  EXPECT_TRUE(ours->client_key_pem == key)
      << "client key: ours " << Fingerprint(ours->client_key_pem) << ", kubectl "
      << Fingerprint(key);
  EXPECT_TRUE(ours->token == Scalar(user, "token"))
      << "token: ours " << Fingerprint(ours->token) << ", kubectl "
      << Fingerprint(Scalar(user, "token"));
  // kubectl prints file paths as written, relative to the file that defined the user.
  const std::string user_file =
      ours->user_name.empty() ? "" : config->users.at(ours->user_name).file;
  auto resolved = [&](const std::string& path) {
    if (path.empty() || fs::path(path).is_absolute()) return path;
    return (fs::path(user_file).parent_path() / path).lexically_normal().string();
  };
  EXPECT_EQ(fs::path(ours->token_file).lexically_normal().string(),
            resolved(Scalar(user, "tokenFile")));
  const YAML::Node exec = user ? user["exec"] : YAML::Node();
  ASSERT_EQ(ours->exec.has_value(), exec && exec.IsMap());
  if (ours->exec) {
    const std::string command = Scalar(exec, "command");
    EXPECT_EQ(fs::path(ours->exec->command).lexically_normal().string(),
              command.find('/') == std::string::npos ? command : resolved(command));
    EXPECT_EQ(ours->exec->api_version, Scalar(exec, "apiVersion"));
    EXPECT_EQ(ours->exec->provide_cluster_info, Scalar(exec, "provideClusterInfo") == "true");
    std::vector<std::string> kubectl_args;
    for (const auto& arg : exec["args"]) kubectl_args.push_back(arg.Scalar());
    EXPECT_EQ(ours->exec->args, kubectl_args);
    std::vector<std::pair<std::string, std::string>> kubectl_env;
    for (const auto& item : exec["env"])
      kubectl_env.emplace_back(Scalar(item, "name"), Scalar(item, "value"));
    EXPECT_EQ(ours->exec->env, kubectl_env);
  }
}

INSTANTIATE_TEST_SUITE_P(Contexts, KubectlCompareTest,
                         ::testing::Values("", "ctx-a", "ctx-shared", "ctx-overlap", "ctx-b",
                                           "ctx-file-token", "ctx-exec", "live", "ctx-c",
                                           "ctx-no-user", "no-such-context"),
                         [](const ::testing::TestParamInfo<std::string>& param_info) {
                           std::string name =
                               param_info.param.empty() ? "current_context" : param_info.param;
                           for (char& c : name) {
                             if (c == '-') c = '_';
                           }
                           return name;
                         });

// The set's shape is what the comparisons above rely on: kubectl and the resolver could
// agree because both ignored the later files.
TEST(MergedKubeconfigSet, OverlapsAreResolvedByFileOrder) {
  auto config = LoadKubeconfigs(MergedKubeconfigs::Get().paths(), false);
  ASSERT_TRUE(config) << config.error().message();
  EXPECT_EQ(config->current_context, "ctx-a");
  EXPECT_EQ(config->clusters.at("shared").server, "https://shared-a.example:6443");
  EXPECT_EQ(config->contexts.at("ctx-overlap").namespace_, "from-a");
  EXPECT_EQ(config->users.at("shared-user").token, "");
  EXPECT_EQ(config->contexts.at("ctx-b").file, MergedKubeconfigs::Get().paths()[1]);
  EXPECT_EQ(config->contexts.at("ctx-c").file, MergedKubeconfigs::Get().paths()[2]);
}

TEST(KubectlCompareLive, VersionMatchesKubectlGetRaw) {
  if (Kubectl().empty() || !fs::exists(Kubectl())) {
    GTEST_SKIP() << "RA2CERT_TEST_KUBECTL does not name a kubectl binary";
  }
  RA2CERT_REQUIRE_CLUSTER();
  const auto& merged = MergedKubeconfigs::Get();
  ASSERT_TRUE(merged.live()) << "the admin kubeconfig did not resolve";
  const CommandResult kubectl = RunKubectl(
      {"--context", "live", "--cache-dir", merged.root() + "/cache", "get", "--raw", "/version"});
  ASSERT_EQ(kubectl.exit_code, 0) << kubectl.output;
  const json expected = json::parse(kubectl.output, nullptr, false);
  ASSERT_TRUE(expected.is_object()) << kubectl.output;

  auto config = LoadKubeconfigs(merged.paths(), false);
  ASSERT_TRUE(config) << config.error().message();
  auto access = ResolveContext(*config, "live");
  ASSERT_TRUE(access) << access.error().message();
  EXPECT_EQ(access->namespace_, "kube-system");
  auto client = Client::Connect(std::move(access).value());
  ASSERT_TRUE(client) << client.error().message();
  auto version = client->Get("/version");
  ASSERT_TRUE(version) << version.error().message();
  EXPECT_FALSE(version->value("gitVersion", "").empty());
  EXPECT_EQ(version->value("gitVersion", ""), expected.value("gitVersion", "(none)"));
  EXPECT_EQ(*version, expected);
}

}  // namespace
