#include "harness/kube/kubeconfig.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "harness/kube/base64.h"

namespace ra2cert::kube {
namespace {
namespace fs = std::filesystem;

class KubeconfigTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ra2cert-kubeconfig-" + std::to_string(::getpid()));
    fs::create_directories(dir_ / "sub");
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return (dir_ / name).string();
  }
  fs::path dir_;
};

const char* kFirst = R"(apiVersion: v1
kind: Config
current-context: alpha
clusters:
- name: one
  cluster: {server: "https://one.example:6443/", certificate-authority: ca.pem}
contexts:
- name: alpha
  context: {cluster: one, user: alice, namespace: team-a}
- name: shared
  context: {cluster: one, user: alice}
users:
- name: alice
  user: {token: first-token}
)";

const char* kSecond = R"(apiVersion: v1
kind: Config
current-context: beta
clusters:
- name: one
  cluster: {server: "https://ignored.example:6443"}
- name: two
  cluster: {server: "https://two.example:6443", insecure-skip-tls-verify: true, tls-server-name: api.two}
contexts:
- name: shared
  context: {cluster: two, user: bob}
- name: beta
  context: {cluster: two, user: bob}
users:
- name: bob
  user: {client-certificate: certs/bob.crt, client-key: certs/bob.key}
)";

TEST_F(KubeconfigTest, MergesWithTheFirstDefinitionWinning) {
  Write("sub/ca.pem", "CA-PEM");
  fs::create_directories(dir_ / "certs");
  Write("certs/bob.crt", "BOB-CERT");
  Write("certs/bob.key", "BOB-KEY");
  const auto first = Write("sub/first.yaml", kFirst);
  const auto second = Write("second.yaml", kSecond);
  auto config = LoadKubeconfigs({first, (dir_ / "missing.yaml").string(), second}, false);
  ASSERT_TRUE(config) << config.error().message();
  EXPECT_EQ(config->current_context, "alpha");
  EXPECT_EQ(config->clusters.at("one").server, "https://one.example:6443/");
  EXPECT_EQ(config->contexts.at("shared").user, "alice");

  auto alpha = ResolveContext(*config, "");
  ASSERT_TRUE(alpha) << alpha.error().message();
  EXPECT_EQ(alpha->server, "https://one.example:6443");
  EXPECT_EQ(alpha->ca_pem, "CA-PEM");  // relative to sub/, where first.yaml lives
  EXPECT_EQ(alpha->token, "first-token");
  EXPECT_EQ(alpha->namespace_, "team-a");

  auto beta = ResolveContext(*config, "beta");
  ASSERT_TRUE(beta) << beta.error().message();
  EXPECT_EQ(beta->client_certificate_pem, "BOB-CERT");
  EXPECT_EQ(beta->client_key_pem, "BOB-KEY");
  EXPECT_TRUE(beta->insecure_skip_tls_verify);
  EXPECT_EQ(beta->tls_server_name, "api.two");
  EXPECT_EQ(beta->namespace_, "default");
}

TEST_F(KubeconfigTest, InlineDataIsDecoded) {
  const std::string text = std::string(R"(
clusters:
- name: c
  cluster: {server: "https://h:1", certificate-authority-data: )") +
                           EncodeBase64("CA") + R"(}
users:
- name: u
  user: {client-certificate-data: )" +
                           EncodeBase64("CERT") + ", client-key-data: " + EncodeBase64("KEY") + R"(}
contexts:
- name: x
  context: {cluster: c, user: u}
current-context: x
)";
  auto config = ParseKubeconfig(text, "inline.yaml");
  ASSERT_TRUE(config) << config.error().message();
  auto access = ResolveContext(*config, "");
  ASSERT_TRUE(access) << access.error().message();
  EXPECT_EQ(access->ca_pem, "CA");
  EXPECT_EQ(access->client_certificate_pem, "CERT");
  EXPECT_EQ(access->client_key_pem, "KEY");
}

TEST_F(KubeconfigTest, ExecPluginsResolveRelativeCommands) {
  auto config = ParseKubeconfig(R"(
clusters: [{name: c, cluster: {server: "https://h:1"}}]
users:
- name: u
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ./bin/get-token
      args: [--audience, k8s]
      env: [{name: MODE, value: ci}]
      installHint: install get-token
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
)",
                                (dir_ / "k.yaml").string());
  ASSERT_TRUE(config) << config.error().message();
  auto access = ResolveContext(*config, "x");
  ASSERT_TRUE(access);
  ASSERT_TRUE(access->exec.has_value());
  EXPECT_EQ(access->exec->command, (dir_ / "./bin/get-token").string());
  EXPECT_EQ(access->exec->args.size(), 2u);
  EXPECT_EQ(access->exec->env.at(0).second, "ci");
  EXPECT_EQ(access->exec->install_hint, "install get-token");
}

struct BadKubeconfig {
  const char* name;
  const char* text;
  const char* context;
  const char* expected;  // a fragment the message must contain
};

class MalformedKubeconfigTest : public testing::TestWithParam<BadKubeconfig> {};

TEST_P(MalformedKubeconfigTest, NamesFileEntryAndField) {
  const BadKubeconfig& bad = GetParam();
  auto config = ParseKubeconfig(bad.text, "bad.yaml");
  std::string message;
  if (!config) {
    message = config.error().message();
  } else {
    auto access = ResolveContext(*config, bad.context);
    ASSERT_FALSE(access) << bad.name << " resolved although it is broken";
    message = access.error().message();
  }
  EXPECT_NE(message.find(bad.expected), std::string::npos) << bad.name << ": " << message;
  EXPECT_NE(message.find("bad.yaml"), std::string::npos) << bad.name << ": " << message;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, MalformedKubeconfigTest,
    testing::Values(
        BadKubeconfig{"not yaml", "clusters: [unclosed", "", "not valid YAML"},
        BadKubeconfig{"not a mapping", "- a\n- b\n", "", "expected a kubeconfig mapping"},
        BadKubeconfig{"clusters not a list", "clusters: {a: b}\n", "", "clusters: expected a list"},
        BadKubeconfig{"cluster without name", "clusters: [{cluster: {server: x}}]\n", "",
                      "has no name"},
        BadKubeconfig{"server wrong type", "clusters: [{name: c, cluster: {server: [a]}}]\n", "",
                      "clusters[c].cluster.server"},
        BadKubeconfig{
            "insecure wrong type",
            "clusters: [{name: c, cluster: {server: x, insecure-skip-tls-verify: maybe}}]\n", "",
            "insecure-skip-tls-verify: expected true or false"},
        BadKubeconfig{"no current context", "clusters: []\n", "", "no current-context"},
        BadKubeconfig{"unknown context",
                      "contexts: [{name: a, context: {cluster: c}}]\ncurrent-context: a\n", "zzz",
                      "context 'zzz' is not defined (defined: a)"},
        BadKubeconfig{"context names missing cluster",
                      "contexts: [{name: a, context: {cluster: c}}]\ncurrent-context: a\n", "",
                      "contexts[a].context.cluster: names cluster 'c'"},
        BadKubeconfig{
            "missing server",
            "clusters: [{name: c, cluster: {}}]\ncontexts: [{name: a, context: {cluster: c}}]\n"
            "current-context: a\n",
            "", "clusters[c].cluster.server: missing"},
        BadKubeconfig{"bad base64",
                      "clusters: [{name: c, cluster: {server: 'https://h', "
                      "certificate-authority-data: '@@@@'}}]\n"
                      "contexts: [{name: a, context: {cluster: c}}]\ncurrent-context: a\n",
                      "", "certificate-authority-data: not valid base64"},
        BadKubeconfig{"missing ca file",
                      "clusters: [{name: c, cluster: {server: 'https://h', certificate-authority: "
                      "/no/ca.pem}}]\n"
                      "contexts: [{name: a, context: {cluster: c}}]\ncurrent-context: a\n",
                      "", "certificate-authority: file /no/ca.pem: No such file"},
        BadKubeconfig{"cert without key",
                      "clusters: [{name: c, cluster: {server: 'https://h'}}]\n"
                      "users: [{name: u, user: {client-certificate-data: QUJD}}]\n"
                      "contexts: [{name: a, context: {cluster: c, user: u}}]\ncurrent-context: a\n",
                      "", "users[u].user: has a client certificate but no client key"},
        BadKubeconfig{
            "unknown user",
            "clusters: [{name: c, cluster: {server: 'https://h'}}]\n"
            "contexts: [{name: a, context: {cluster: c, user: nobody}}]\ncurrent-context: a\n",
            "", "names user 'nobody'"},
        BadKubeconfig{"exec without command",
                      "users: [{name: u, user: {exec: {apiVersion: v1}}}]\n", "",
                      "users[u].user.exec.command: missing"},
        BadKubeconfig{"server not a url",
                      "clusters: [{name: c, cluster: {server: 'h:6443'}}]\n"
                      "contexts: [{name: a, context: {cluster: c}}]\ncurrent-context: a\n",
                      "", "is not an http(s) URL"}),
    [](const testing::TestParamInfo<BadKubeconfig>& param_info) {
      std::string name = param_info.param.name;
      for (char& c : name) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
      return name;
    });

TEST_F(KubeconfigTest, ExplicitMissingFileIsAnError) {
  auto config = LoadKubeconfigs({(dir_ / "nope").string()}, true);
  ASSERT_FALSE(config);
  EXPECT_NE(config.error().message().find("does not exist"), std::string::npos);
  EXPECT_FALSE(LoadKubeconfigs({(dir_ / "nope").string()}, false));
}

TEST_F(KubeconfigTest, EmptyFilesDirectoriesAndDevicesAreNamedForWhatTheyAre) {
  const auto empty = Write("empty.yaml", "# nothing here\n");
  auto from_empty = LoadKubeconfigs({empty}, true);
  ASSERT_FALSE(from_empty);
  EXPECT_EQ(from_empty.error().code(), 2);
  EXPECT_NE(from_empty.error().message().find(empty + " is empty"), std::string::npos)
      << from_empty.error().message();
  // Merged with a real kubeconfig, an empty file is fine (kubectl's rule).
  const auto real = Write("real.yaml", kFirst);
  EXPECT_TRUE(LoadKubeconfigs({empty, real}, true));

  auto from_directory = LoadKubeconfigs({(dir_ / "sub").string()}, true);
  ASSERT_FALSE(from_directory);
  EXPECT_EQ(from_directory.error().code(), 2);
  EXPECT_NE(from_directory.error().message().find("is a directory"), std::string::npos)
      << from_directory.error().message();
  auto from_null = LoadKubeconfigs({"/dev/null"}, true);
  ASSERT_FALSE(from_null);
  EXPECT_NE(from_null.error().message().find("/dev/null: is a character device"), std::string::npos)
      << from_null.error().message();
  fs::create_symlink("/dev/zero", dir_ / "zero.yaml");
  auto from_zero = LoadKubeconfigs({(dir_ / "zero.yaml").string()}, true);
  ASSERT_FALSE(from_zero);
  EXPECT_NE(from_zero.error().message().find("character device"), std::string::npos);
}

TEST_F(KubeconfigTest, FilesBehindFieldsAreBounded) {
  fs::create_symlink("/dev/zero", dir_ / "zero.pem");
  auto config = ParseKubeconfig(R"(
clusters: [{name: c, cluster: {server: "https://h:1", certificate-authority: zero.pem}}]
contexts: [{name: x, context: {cluster: c}}]
current-context: x
)",
                                (dir_ / "k.yaml").string());
  ASSERT_TRUE(config) << config.error().message();
  auto access = ResolveContext(*config, "");
  ASSERT_FALSE(access);
  EXPECT_EQ(access.error().code(), 2);
  EXPECT_NE(access.error().message().find("clusters[c].cluster.certificate-authority: file"),
            std::string::npos)
      << access.error().message();
  EXPECT_NE(access.error().message().find("character device"), std::string::npos);
}

TEST_F(KubeconfigTest, AuthProvidersAreRefusedPointingToExecPlugins) {
  auto config = ParseKubeconfig(R"(
clusters: [{name: c, cluster: {server: "https://h:1"}}]
users: [{name: u, user: {auth-provider: {name: gcp, config: {access-token: x}}}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
)",
                                "k.yaml");
  ASSERT_TRUE(config) << config.error().message();
  auto access = ResolveContext(*config, "");
  ASSERT_FALSE(access) << "requests must never go out without the user's credentials";
  EXPECT_EQ(access.error().code(), 2);
  const std::string& message = access.error().message();
  EXPECT_NE(message.find("k.yaml: users[u].user.auth-provider"), std::string::npos) << message;
  EXPECT_NE(message.find("'gcp'"), std::string::npos) << message;
  EXPECT_NE(message.find("exec credential plugin"), std::string::npos) << message;
}

TEST_F(KubeconfigTest, BasicAuthAndImpersonationAreResolved) {
  auto config = ParseKubeconfig(R"(
clusters: [{name: c, cluster: {server: "https://h:1"}}]
users: [{name: u, user: {username: ann, password: pw, as: bob, as-uid: "42", as-groups: [g1, g2]}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
)",
                                "k.yaml");
  ASSERT_TRUE(config) << config.error().message();
  auto access = ResolveContext(*config, "");
  ASSERT_TRUE(access) << access.error().message();
  EXPECT_EQ(access->username, "ann");
  EXPECT_EQ(access->password, "pw");
  EXPECT_EQ(access->impersonate, "bob");
  EXPECT_EQ(access->impersonate_uid, "42");
  EXPECT_EQ(access->impersonate_groups, (std::vector<std::string>{"g1", "g2"}));
  EXPECT_EQ(access->user_where, "k.yaml: users[u].user");
  EXPECT_EQ(access->cluster_where, "k.yaml: clusters[c].cluster");
}

TEST_F(KubeconfigTest, BytesFromTheFileAreEscapedInMessages) {
  auto config = ParseKubeconfig(
      "contexts: [{name: \"ctx\\xFF\\x1B[31m\", context: {cluster: c}}]\n"
      "current-context: \"ctx\\xFF\\x1B[31m\"\n",
      "k.yaml");
  ASSERT_TRUE(config) << config.error().message();
  auto access = ResolveContext(*config, "");
  ASSERT_FALSE(access);
  const std::string& message = access.error().message();
  EXPECT_EQ(message.find('\x1B'), std::string::npos) << "the escape reached the terminal";
  EXPECT_NE(message.find("\\x1B"), std::string::npos) << message;
}

}  // namespace
}  // namespace ra2cert::kube
