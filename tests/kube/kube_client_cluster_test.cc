// harness/kube against the real kube-apiserver of a cluster (the local cluster in CI):
// every auth form that can be set up locally, CRUD and server-side apply, pagination, and
// watches that must survive an API server restart and a 410 after etcd compaction.
//
// RA2CERT_TEST_KUBECONFIG names the cluster's admin kubeconfig (unset: every test skips).
// The restart and compaction tests also need the local cluster's state folder (the
// kubeconfig's grandparent, or RA2CERT_TEST_STATE_DIR) and root.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include "harness/kube/base64.h"
#include "harness/kube/watch.h"
#include "tests/kube/kube_test_util.h"

namespace {
using namespace ra2cert::kube;
using namespace ra2cert::kube::testing_util;
using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// "KubeClusterTest.BearerToken" -> "bearertoken": a namespace-safe prefix.
std::string NamespacePrefix() {
  std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
  std::string prefix;
  for (char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c)))
      prefix += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return prefix.substr(0, 30);
}

std::string StateDir() {
  if (auto dir = Env("RA2CERT_TEST_STATE_DIR"); !dir.empty()) return dir;
  return fs::path(AdminKubeconfig()).parent_path().parent_path().string();
}

bool IsLocalCluster() {
  return fs::exists(fs::path(StateDir()) / "cluster.env") &&
         fs::exists(fs::path(StateDir()) / "pids" / "kube-apiserver.pid");
}

// Who the API server thinks we are (SelfSubjectReview): the proof that a credential was
// used rather than ignored.
ra2cert::Result<std::string> WhoAmI(Client& client) {
  auto review =
      client.Create("/apis/authentication.k8s.io/v1/selfsubjectreviews",
                    {{"apiVersion", "authentication.k8s.io/v1"}, {"kind", "SelfSubjectReview"}});
  if (!review) return review.error();
  return review->value("status", json::object())
      .value("userInfo", json::object())
      .value("username", "");
}

class KubeClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RA2CERT_REQUIRE_CLUSTER();
    admin_.emplace(AdminClient());
    namespace_.emplace(*admin_, NamespacePrefix());
    ns_ = namespace_->name();
    dir_.emplace();
    const ClusterAccess& access = admin_->access();
    server_ = access.server;
    ca_pem_ = access.ca_pem;
  }

  Client& admin() { return *admin_; }
  std::string Dir(const std::string& name) const { return *dir_ / name; }

  // A kubeconfig with this test's namespace, the cluster (CA inline) and `user`.
  std::string WriteKubeconfig(const std::string& file, const json& user,
                              const json& cluster_extra = json::object()) {
    json cluster = {{"server", server_},
                    {"certificate-authority-data", ra2cert::EncodeBase64(ca_pem_)}};
    cluster.update(cluster_extra);
    for (auto it = cluster.begin(); it != cluster.end();) {
      it = it->is_null() ? cluster.erase(it) : std::next(it);
    }
    const json config = {
        {"apiVersion", "v1"},
        {"kind", "Config"},
        {"clusters", {{{"name", "kt-cluster"}, {"cluster", cluster}}}},
        {"users", {{{"name", "kt-user"}, {"user", user}}}},
        {"contexts",
         {{{"name", "kt"},
           {"context", {{"cluster", "kt-cluster"}, {"user", "kt-user"}, {"namespace", ns_}}}}}},
        {"current-context", "kt"}};
    const std::string path = Dir(file);
    WriteFile(path, config.dump(2));  // JSON is YAML
    return path;
  }

  Client ClientFrom(const std::string& kubeconfig) {
    auto client = Client::FromKubeconfig(kubeconfig, "");
    if (!client) throw std::runtime_error(client.error().message());
    return std::move(client).value();
  }

  // Binds ClusterRole `role` in the test namespace to a subject.
  void Bind(const std::string& name, const std::string& role, const json& subject) {
    auto bound = admin().Create(
        "/apis/rbac.authorization.k8s.io/v1/namespaces/" + ns_ + "/rolebindings",
        {{"apiVersion", "rbac.authorization.k8s.io/v1"},
         {"kind", "RoleBinding"},
         {"metadata", {{"name", name}}},
         {"roleRef",
          {{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "ClusterRole"}, {"name", role}}},
         {"subjects", {subject}}});
    ASSERT_TRUE(bound) << bound.error().message();
  }

  // A ServiceAccount that may read the namespace (ClusterRole view: no Secrets) and a
  // 10-minute token for it from the TokenRequest API.
  std::string ServiceAccountToken(const std::string& account) {
    auto created = admin().Create(
        "/api/v1/namespaces/" + ns_ + "/serviceaccounts",
        {{"apiVersion", "v1"}, {"kind", "ServiceAccount"}, {"metadata", {{"name", account}}}});
    EXPECT_TRUE(created) << created.error().message();
    Bind(account + "-view", "view",
         {{"kind", "ServiceAccount"}, {"name", account}, {"namespace", ns_}});
    auto request =
        admin().Create("/api/v1/namespaces/" + ns_ + "/serviceaccounts/" + account + "/token",
                       {{"apiVersion", "authentication.k8s.io/v1"},
                        {"kind", "TokenRequest"},
                        {"spec", {{"expirationSeconds", 600}}}});
    if (!request) {
      ADD_FAILURE() << "TokenRequest: " << request.error().message();
      return "";
    }
    std::string token = request->value("status", json::object()).value("token", "");
    EXPECT_FALSE(token.empty()) << "TokenRequest returned no token";
    return token;
  }

  std::string ServiceAccountUser(const std::string& account) const {
    return "system:serviceaccount:" + ns_ + ":" + account;
  }

  // A client certificate for `user` (group `group`) signed by the cluster CA, or, when
  // `trusted` is false, self-signed. Files DIR/NAME.crt and DIR/NAME.key.
  void MintClientCertificate(const std::string& name, const std::string& user,
                             const std::string& group, bool trusted = true) {
    const std::string pki = StateDir() + "/pki";
    const std::string config = Dir("openssl.cnf");
    fs::create_directories(fs::path(Dir(name)).parent_path());
    WriteFile(config, "[req]\ndistinguished_name = dn\nprompt = no\n[dn]\n");
    std::vector<std::string> args = {"openssl",
                                     "req",
                                     "-config",
                                     config,
                                     "-x509",
                                     "-nodes",
                                     "-newkey",
                                     "ec",
                                     "-pkeyopt",
                                     "ec_paramgen_curve:P-256",
                                     "-sha256",
                                     "-days",
                                     "1",
                                     "-subj",
                                     "/O=" + group + "/CN=" + user,
                                     "-keyout",
                                     Dir(name + ".key"),
                                     "-out",
                                     Dir(name + ".crt"),
                                     "-addext",
                                     "basicConstraints=critical,CA:FALSE",
                                     "-addext",
                                     "extendedKeyUsage=clientAuth"};
    if (trusted) {
      for (const std::string& arg :
           {std::string("-CA"), pki + "/ca.crt", std::string("-CAkey"), pki + "/ca.key"}) {
        args.push_back(arg);
      }
    }
    const auto result = RunCommand(args);
    ASSERT_EQ(result.exit_code, 0) << "openssl: " << result.output;
  }

  std::string ConfigMapsPath() const { return "/api/v1/namespaces/" + ns_ + "/configmaps"; }

  // The authorizer learns of a new RoleBinding through an informer, a moment after it is
  // created: the first requests may still be forbidden. Retries a LIST for up to 10 s.
  static ra2cert::Result<ObjectList> ListOnceAllowed(Client& client, const std::string& path) {
    auto list = client.List(path);
    for (auto deadline = Clock::now() + std::chrono::seconds(10);
         !list && list.error().code() == 403 && Clock::now() < deadline;) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      list = client.List(path);
    }
    return list;
  }

  std::optional<Client> admin_;
  std::optional<TestNamespace> namespace_;  // destroyed before admin_
  std::optional<TempDir> dir_;
  std::string ns_, server_, ca_pem_;
};

// ---------------------------------------------------------------------------------------
// Authentication

TEST_F(KubeClusterTest, ClientCertificateAsData) {
  // The admin kubeconfig carries its certificate inline.
  ASSERT_NE(ReadFile(AdminKubeconfig()).find("client-certificate-data"), std::string::npos);
  auto admin_user = WhoAmI(admin());
  ASSERT_TRUE(admin_user) << admin_user.error().message();
  EXPECT_EQ(*admin_user, "ra2cert-admin");

  // A second user, certificate and key inline: the server sees that user, and RBAC
  // applies to it (forbidden until bound).
  const std::string user = "kt-cert-user-" + RandomSuffix();
  ASSERT_NO_FATAL_FAILURE(MintClientCertificate("user", user, "ra2cert-kt"));
  const std::string kubeconfig = WriteKubeconfig(
      "data.kubeconfig",
      {{"client-certificate-data", ra2cert::EncodeBase64(ReadFile(Dir("user.crt")))},
       {"client-key-data", ra2cert::EncodeBase64(ReadFile(Dir("user.key")))}});
  Client client = ClientFrom(kubeconfig);
  auto who = WhoAmI(client);
  ASSERT_TRUE(who) << who.error().message();
  EXPECT_EQ(*who, user);
  auto before = client.List(ConfigMapsPath());
  ASSERT_FALSE(before);
  EXPECT_EQ(before.error().code(), 403) << before.error().message();
  Bind("cert-user-view", "view",
       {{"kind", "User"}, {"apiGroup", "rbac.authorization.k8s.io"}, {"name", user}});
  auto after = ListOnceAllowed(client, ConfigMapsPath());
  EXPECT_TRUE(after) << after.error().message();
}

TEST_F(KubeClusterTest, ClientCertificateAsFiles) {
  const std::string user = "kt-cert-file-user-" + RandomSuffix();
  ASSERT_NO_FATAL_FAILURE(MintClientCertificate("certs/user", user, "ra2cert-kt"));
  WriteFile(Dir("ca/ca.crt"), ca_pem_);
  // Relative paths resolve against the kubeconfig's folder.
  const std::string kubeconfig = WriteKubeconfig(
      "config/kubeconfig",
      {{"client-certificate", "../certs/user.crt"}, {"client-key", "../certs/user.key"}},
      {{"certificate-authority", "../ca/ca.crt"}, {"certificate-authority-data", nullptr}});
  ASSERT_EQ(ReadFile(kubeconfig).find("certificate-authority-data"), std::string::npos);
  Client client = ClientFrom(kubeconfig);
  EXPECT_EQ(client.default_namespace(), ns_);
  auto who = WhoAmI(client);
  ASSERT_TRUE(who) << who.error().message();
  EXPECT_EQ(*who, user);

  // A certificate the cluster CA did not sign is refused.
  ASSERT_NO_FATAL_FAILURE(
      MintClientCertificate("certs/stranger", "kt-stranger", "ra2cert-kt", /*trusted=*/false));
  Client stranger = ClientFrom(WriteKubeconfig(
      "config/stranger",
      {{"client-certificate", "../certs/stranger.crt"}, {"client-key", "../certs/stranger.key"}}));
  auto refused = WhoAmI(stranger);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), 401) << refused.error().message();
}

TEST_F(KubeClusterTest, BearerToken) {
  const std::string token = ServiceAccountToken("reader");
  ASSERT_FALSE(token.empty());
  Client client = ClientFrom(WriteKubeconfig("token.kubeconfig", {{"token", token}}));
  auto who = WhoAmI(client);
  ASSERT_TRUE(who) << who.error().message();
  EXPECT_EQ(*who, ServiceAccountUser("reader"));
  auto configmaps = ListOnceAllowed(client, ConfigMapsPath());
  EXPECT_TRUE(configmaps) << configmaps.error().message();
  auto secrets = client.List("/api/v1/namespaces/" + ns_ + "/secrets");  // not in "view"
  ASSERT_FALSE(secrets);
  EXPECT_EQ(secrets.error().code(), 403) << secrets.error().message();

  Client wrong = ClientFrom(WriteKubeconfig("wrong.kubeconfig", {{"token", "not-a-valid-token"}}));
  auto refused = WhoAmI(wrong);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), 401) << refused.error().message();
}

TEST_F(KubeClusterTest, TokenFileIsReReadOnEveryRequest) {
  const std::string token_a = ServiceAccountToken("account-a");
  const std::string token_b = ServiceAccountToken("account-b");
  ASSERT_FALSE(token_a.empty());
  ASSERT_FALSE(token_b.empty());
  WriteFile(Dir("tokens/current"), token_a + "\n");
  Client client = ClientFrom(WriteKubeconfig("kubeconfig", {{"tokenFile", "tokens/current"}}));
  auto first = WhoAmI(client);
  ASSERT_TRUE(first) << first.error().message();
  EXPECT_EQ(*first, ServiceAccountUser("account-a"));

  // Rotated: the same client, the next request, the new identity.
  WriteFile(Dir("tokens/current"), token_b);
  auto second = WhoAmI(client);
  ASSERT_TRUE(second) << second.error().message();
  EXPECT_EQ(*second, ServiceAccountUser("account-b"));

  WriteFile(Dir("tokens/current"), "revoked");
  auto third = WhoAmI(client);
  ASSERT_FALSE(third);
  EXPECT_EQ(third.error().code(), 401) << third.error().message();

  WriteFile(Dir("tokens/current"), token_a);
  auto fourth = WhoAmI(client);
  ASSERT_TRUE(fourth) << fourth.error().message();
  EXPECT_EQ(*fourth, ServiceAccountUser("account-a"));
}

// A credential plugin as kubectl runs them: counts its runs, keeps the
// KUBERNETES_EXEC_INFO and KT_MARK it was given, prints the token in `token-run-N` for
// run N if there is one, else the one in `token`, with the expiry in `expires` if any.
const char* kPluginScript = R"SH(#!/bin/sh
dir=$(cd "$(dirname "$0")" && pwd)
n=$(( $(cat "$dir/runs" 2>/dev/null || echo 0) + 1 ))
echo "$n" > "$dir/runs"
printf '%s' "$KUBERNETES_EXEC_INFO" > "$dir/exec-info.json"
printf '%s' "$KT_MARK" > "$dir/mark"
token_file="$dir/token"
[ -f "$dir/token-run-$n" ] && token_file="$dir/token-run-$n"
expiry=""
[ -f "$dir/expires" ] && expiry=",\"expirationTimestamp\":\"$(cat "$dir/expires")\""
printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"%s}}\n' "$(cat "$token_file")" "$expiry"
)SH";

class ExecPluginTest : public KubeClusterTest {
 protected:
  // Plugin in DIR/plugin/, kubeconfig in DIR/: the command is a relative path.
  std::string SetUpPlugin(bool provide_cluster_info) {
    WriteFile(Dir("plugin/credential.sh"), kPluginScript,
              fs::perms::owner_read | fs::perms::owner_write | fs::perms::owner_exec);
    return WriteKubeconfig("kubeconfig",
                           {{"exec",
                             {{"apiVersion", "client.authentication.k8s.io/v1"},
                              {"command", "./plugin/credential.sh"},
                              {"env", {{{"name", "KT_MARK"}, {"value", "from-kubeconfig"}}}},
                              {"interactiveMode", "Never"},
                              {"provideClusterInfo", provide_cluster_info}}}});
  }
  int Runs() {
    const std::string text = ReadFile(Dir("plugin/runs"));
    return text.empty() ? 0 : std::stoi(text);
  }
};

TEST_F(ExecPluginTest, PluginTokenIsUsedAndCached) {
  const std::string token = ServiceAccountToken("plugin-user");
  ASSERT_FALSE(token.empty());
  WriteFile(Dir("plugin/token"), token);
  Client client = ClientFrom(SetUpPlugin(/*provide_cluster_info=*/true));
  for (int i = 0; i < 3; ++i) {
    auto who = WhoAmI(client);
    ASSERT_TRUE(who) << who.error().message();
    EXPECT_EQ(*who, ServiceAccountUser("plugin-user"));
  }
  EXPECT_EQ(Runs(), 1) << "a credential without expiry is kept until a 401";
  EXPECT_EQ(ReadFile(Dir("plugin/mark")), "from-kubeconfig");
  const json info = json::parse(ReadFile(Dir("plugin/exec-info.json")), nullptr, false);
  ASSERT_TRUE(info.is_object()) << "KUBERNETES_EXEC_INFO is not JSON";
  EXPECT_EQ(info.value("kind", ""), "ExecCredential");
  EXPECT_EQ(info.value("apiVersion", ""), "client.authentication.k8s.io/v1");
  const json cluster = info.value("spec", json::object()).value("cluster", json::object());
  EXPECT_EQ(cluster.value("server", ""), server_);
  auto ca = ra2cert::DecodeBase64(cluster.value("certificate-authority-data", ""));
  ASSERT_TRUE(ca);
  EXPECT_EQ(*ca, ca_pem_);
}

TEST_F(ExecPluginTest, RejectedCredentialIsRefreshedAfter401) {
  const std::string token = ServiceAccountToken("plugin-user");
  ASSERT_FALSE(token.empty());
  WriteFile(Dir("plugin/token-run-1"), "stale-token");  // what an expired login would print
  WriteFile(Dir("plugin/token"), token);
  Client client = ClientFrom(SetUpPlugin(/*provide_cluster_info=*/false));
  auto who = WhoAmI(client);
  ASSERT_TRUE(who) << who.error().message();
  EXPECT_EQ(*who, ServiceAccountUser("plugin-user"));
  EXPECT_EQ(Runs(), 2) << "the plugin runs once, the API server answers 401, it runs again";
  const json info = json::parse(ReadFile(Dir("plugin/exec-info.json")), nullptr, false);
  EXPECT_FALSE(info.value("spec", json::object()).contains("cluster"))
      << "provideClusterInfo is false";
  auto again = WhoAmI(client);
  ASSERT_TRUE(again) << again.error().message();
  EXPECT_EQ(Runs(), 2) << "the refreshed credential is cached";
}

TEST_F(ExecPluginTest, ExpiredCredentialIsNotReused) {
  const std::string token = ServiceAccountToken("plugin-user");
  ASSERT_FALSE(token.empty());
  WriteFile(Dir("plugin/token"), token);
  WriteFile(Dir("plugin/expires"), "2001-01-01T00:00:00Z");
  Client client = ClientFrom(SetUpPlugin(/*provide_cluster_info=*/false));
  for (int i = 1; i <= 3; ++i) {
    auto who = WhoAmI(client);
    ASSERT_TRUE(who) << who.error().message();
    EXPECT_EQ(Runs(), i) << "an expired credential is fetched again on every request";
  }
  WriteFile(Dir("plugin/expires"), "2999-01-01T00:00:00Z");
  ASSERT_TRUE(WhoAmI(client));  // fetches one valid until 2999
  ASSERT_TRUE(WhoAmI(client));
  EXPECT_EQ(Runs(), 4);
}

// ---------------------------------------------------------------------------------------
// API

TEST_F(KubeClusterTest, CreateGetPatchListDelete) {
  const json labelled = {{"apiVersion", "v1"},
                         {"kind", "ConfigMap"},
                         {"metadata", {{"name", "labelled"}, {"labels", {{"kt", "yes"}}}}},
                         {"data", {{"a", "1"}}}};
  auto created = admin().Create(ConfigMapsPath(), labelled);
  ASSERT_TRUE(created) << created.error().message();
  EXPECT_FALSE(created->value("metadata", json::object()).value("uid", "").empty());
  auto duplicate = admin().Create(ConfigMapsPath(), labelled);
  ASSERT_FALSE(duplicate);
  EXPECT_EQ(duplicate.error().code(), 409) << duplicate.error().message();
  auto plain = admin().Create(
      ConfigMapsPath(),
      {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "plain"}}}});
  ASSERT_TRUE(plain) << plain.error().message();

  auto path = admin().PathFor("v1", "ConfigMap", ns_, "labelled");
  ASSERT_TRUE(path) << path.error().message();
  EXPECT_EQ(*path, ConfigMapsPath() + "/labelled");
  auto got = admin().Get(*path);
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ((*got)["data"]["a"], "1");

  auto patched = admin().Patch(*path, {{"data", {{"b", "2"}}}});
  ASSERT_TRUE(patched) << patched.error().message();
  EXPECT_EQ((*patched)["data"], json({{"a", "1"}, {"b", "2"}}));

  auto by_label = admin().List(ConfigMapsPath(), {.label_selector = "kt=yes"});
  ASSERT_TRUE(by_label) << by_label.error().message();
  ASSERT_EQ(by_label->items.size(), 1u);
  EXPECT_EQ(by_label->items[0]["metadata"]["name"], "labelled");
  auto by_field = admin().List(ConfigMapsPath(), {.field_selector = "metadata.name=plain"});
  ASSERT_TRUE(by_field) << by_field.error().message();
  ASSERT_EQ(by_field->items.size(), 1u);
  EXPECT_EQ(by_field->items[0]["metadata"]["name"], "plain");
  EXPECT_FALSE(by_field->resource_version.empty());

  auto deleted = admin().Delete(*path);
  ASSERT_TRUE(deleted) << deleted.error().message();
  auto gone = admin().Get(*path);
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code(), 404) << gone.error().message();
  auto again = admin().Delete(*path);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), 404);
}

const char* kManifestV1 = R"(# three documents, applied in one call
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: app-config
data:
  mode: "first"
  leading-zero: "010"
  dropped-later: "yes"
---
apiVersion: v1
kind: Secret
metadata:
  name: app-secret
type: Opaque
stringData:
  password: first-value
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
  labels: {app: kt-app}
spec:
  replicas: 0
  selector:
    matchLabels: {app: kt-app}
  template:
    metadata:
      labels: {app: kt-app}
    spec:
      containers:
      - name: main
        image: registry.invalid/kt/app:1
)";

const char* kManifestV2 = R"(apiVersion: v1
kind: ConfigMap
metadata:
  name: app-config
data:
  mode: "second"
  leading-zero: "010"
---
apiVersion: v1
kind: Secret
metadata:
  name: app-secret
type: Opaque
stringData:
  password: second-value
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
  labels: {app: kt-app}
spec:
  replicas: 0
  revisionHistoryLimit: 3
  selector:
    matchLabels: {app: kt-app}
  template:
    metadata:
      labels: {app: kt-app}
      annotations: {kt/revision: "2"}
    spec:
      containers:
      - name: main
        image: registry.invalid/kt/app:2
)";

TEST_F(KubeClusterTest, ServerSideApplyOfMultiDocumentYaml) {
  auto first = admin().Apply(kManifestV1, ns_);
  ASSERT_TRUE(first) << first.error().message();
  ASSERT_EQ(first->size(), 3u);
  EXPECT_EQ((*first)[0]["kind"], "ConfigMap");
  EXPECT_EQ((*first)[1]["kind"], "Secret");
  EXPECT_EQ((*first)[2]["kind"], "Deployment");
  for (const auto& object : *first) {
    EXPECT_EQ(object["metadata"]["namespace"], ns_);
    bool applied_by_us = false;
    for (const auto& entry : object["metadata"].value("managedFields", json::array())) {
      applied_by_us |=
          entry.value("manager", "") == "ra2cert" && entry.value("operation", "") == "Apply";
    }
    EXPECT_TRUE(applied_by_us) << object["kind"] << " has no Apply entry of manager ra2cert";
  }
  EXPECT_EQ((*first)[0]["data"]["leading-zero"], "010") << "no lossy scalar conversion";
  const std::string deployment = "/apis/apps/v1/namespaces/" + ns_ + "/deployments/app";
  auto generation_1 = admin().Get(deployment);
  ASSERT_TRUE(generation_1) << generation_1.error().message();
  EXPECT_EQ(generation_1->value("metadata", json::object()).value("generation", 0), 1);

  auto second = admin().Apply(kManifestV2, ns_);
  ASSERT_TRUE(second) << second.error().message();
  ASSERT_EQ(second->size(), 3u);

  auto config = admin().Get(ConfigMapsPath() + "/app-config");
  ASSERT_TRUE(config) << config.error().message();
  // Server-side apply owns the fields it set: one left out of the new manifest goes.
  EXPECT_EQ((*config)["data"], json({{"mode", "second"}, {"leading-zero", "010"}}));
  auto secret = admin().Get("/api/v1/namespaces/" + ns_ + "/secrets/app-secret");
  ASSERT_TRUE(secret) << secret.error().message();
  auto password = ra2cert::DecodeBase64((*secret)["data"].value("password", ""));
  ASSERT_TRUE(password);
  EXPECT_TRUE(*password == "second-value") << "the Secret was not updated";  // no value printed
  auto generation_2 = admin().Get(deployment);
  ASSERT_TRUE(generation_2) << generation_2.error().message();
  EXPECT_EQ(generation_2->value("metadata", json::object()).value("generation", 0), 2);
  EXPECT_EQ((*generation_2)["spec"]["revisionHistoryLimit"], 3);
  EXPECT_EQ((*generation_2)["spec"]["template"]["metadata"]["annotations"]["kt/revision"], "2");
  EXPECT_EQ((*generation_2)["spec"]["template"]["spec"]["containers"][0]["image"],
            "registry.invalid/kt/app:2");

  // Applying the same manifest again changes nothing.
  ASSERT_TRUE(admin().Apply(kManifestV2, ns_));
  auto unchanged = admin().Get(deployment);
  ASSERT_TRUE(unchanged);
  EXPECT_EQ(unchanged->value("metadata", json::object()).value("generation", 0), 2);

  // Foreground deletion, waited for with a watch.
  ASSERT_TRUE(admin().Delete(deployment, "Foreground"));
  auto deleted = WaitForDeletion(admin(), "/apis/apps/v1/namespaces/" + ns_ + "/deployments", "app",
                                 Clock::now() + std::chrono::seconds(60));
  EXPECT_TRUE(deleted) << deleted.error().message();

  // A broken document is reported with its number.
  auto broken = admin().Apply(
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n---\n"
      "apiVersion: v1\nkind: ConfigMap\n",
      ns_);
  ASSERT_FALSE(broken);
  EXPECT_NE(broken.error().message().find("document 2"), std::string::npos)
      << broken.error().message();
}

// The client-side limit holds back a client that outruns it: after the burst, requests
// go out at `qps`. A lower bound only, so a slow machine cannot make it fail.
TEST_F(KubeClusterTest, ClientSideRateLimitSpacesRequestsAfterTheBurst) {
  Client limited = AdminClient({.qps = 20, .burst = 5});
  const auto start = Clock::now();
  for (int i = 0; i < 25; ++i) ASSERT_TRUE(limited.Get("/version"));
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  EXPECT_GE(seconds, (25 - 5) / 20.0 * 0.95) << "25 requests at 20 qps after a burst of 5";
}

TEST_F(KubeClusterTest, PaginationOver600Objects) {
  constexpr int kObjects = 600, kThreads = 4;
  // The default client-side limit (50 qps after 300) would make this ~6 s; raise it here.
  Client fast = AdminClient({.qps = 1000, .burst = 1000});
  const auto create_start = Clock::now();
  std::atomic<int> failures{0};
  std::string first_failure;
  std::mutex failure_lock;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < kObjects; i += kThreads) {
        char name[32];
        std::snprintf(name, sizeof name, "page-%03d", i);
        auto created = fast.Create(ConfigMapsPath(), {{"apiVersion", "v1"},
                                                      {"kind", "ConfigMap"},
                                                      {"metadata", {{"name", name}}},
                                                      {"data", {{"index", std::to_string(i)}}}});
        if (!created) {
          std::lock_guard lock(failure_lock);
          if (failures++ == 0) first_failure = created.error().message();
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const double create_seconds = SecondsSince(create_start);
  ASSERT_EQ(failures.load(), 0) << first_failure;
  std::printf("created %d ConfigMaps with %d threads in %.2f s\n", kObjects, kThreads,
              create_seconds);
  RecordProperty("create_seconds", std::to_string(create_seconds));

  // One page is at most page_size objects and says there is more.
  auto first_page = admin().Get(ConfigMapsPath() + "?limit=100");
  ASSERT_TRUE(first_page) << first_page.error().message();
  EXPECT_EQ((*first_page)["items"].size(), 100u);
  EXPECT_FALSE((*first_page)["metadata"].value("continue", "").empty());

  // List follows the continue tokens; the debug log shows each request (and no
  // credentials).
  ::setenv("RA2CERT_KUBE_DEBUG", "1", 1);
  auto logged = AdminClient();
  ::unsetenv("RA2CERT_KUBE_DEBUG");
  const auto list_start = Clock::now();
  ::testing::internal::CaptureStderr();
  auto list = logged.List(ConfigMapsPath(), {.page_size = 100});
  const std::string log = ::testing::internal::GetCapturedStderr();
  const double list_seconds = SecondsSince(list_start);
  ASSERT_TRUE(list) << list.error().message();
  std::set<std::string> names;
  for (const auto& item : list->items) names.insert(item["metadata"].value("name", ""));
  names.erase("kube-root-ca.crt");  // every namespace gets it
  EXPECT_EQ(names.size(), static_cast<size_t>(kObjects));
  EXPECT_TRUE(names.count("page-000") && names.count("page-599"));
  EXPECT_FALSE(list->resource_version.empty());
  int requests = 0, continued = 0;
  std::stringstream lines(log);
  for (std::string line; std::getline(lines, line);) {
    if (line.find("GET ") == std::string::npos ||
        line.find("/configmaps?limit=100") == std::string::npos)
      continue;
    ++requests;
    if (line.find("&continue=") != std::string::npos) ++continued;
    EXPECT_NE(line.find("-> 200"), std::string::npos) << line;
  }
  EXPECT_GE(requests, 6) << "600+ objects in pages of 100 need at least 6 requests\n" << log;
  EXPECT_LE(requests, 7) << log;
  EXPECT_EQ(continued, requests - 1) << log;
  const auto& admin_access = logged.access();
  EXPECT_EQ(log.find("Bearer"), std::string::npos);
  EXPECT_EQ(log.find("PRIVATE KEY"), std::string::npos);
  EXPECT_EQ(log.find(admin_access.client_key_pem.substr(30, 40)), std::string::npos);
  std::printf("listed %zu ConfigMaps in %d requests in %.2f s\n", list->items.size(), requests,
              list_seconds);
  RecordProperty("list_requests", requests);
}

// ---------------------------------------------------------------------------------------
// Watches

TEST_F(KubeClusterTest, WatchSurvivesApiServerRestart) {
  if (!IsLocalCluster()) GTEST_SKIP() << "needs the local cluster's state folder " << StateDir();
  const std::string script = RA2CERT_RESTART_APISERVER_SCRIPT;

  std::mutex lock;
  std::condition_variable changed;
  bool synced = false, saw_marker_from_watch = false;
  WatchStats stats;
  ra2cert::Result<json> result = ra2cert::Error("not finished");
  Client watcher = AdminClient();
  std::thread wait([&] {
    result = WaitFor(
        watcher, ConfigMapsPath(), {},
        [&](const WatchEvent& event) {
          std::lock_guard guard(lock);
          const std::string name = event.object.value("metadata", json::object()).value("name", "");
          if (event.type == "SYNCED") synced = true;
          if (synced && event.type == "ADDED" && name == "before-restart")
            saw_marker_from_watch = true;
          changed.notify_all();
          return event.type == "ADDED" && name == "after-restart";
        },
        Clock::now() + std::chrono::seconds(90), &stats);
  });
  auto wait_until = [&](bool& flag, const char* what) {
    std::unique_lock guard(lock);
    const bool ok = changed.wait_for(guard, std::chrono::seconds(20), [&] { return flag; });
    EXPECT_TRUE(ok) << "timed out waiting for " << what;
    return ok;
  };
  auto make = [&](const std::string& name) {
    return admin().Create(
        ConfigMapsPath(),
        {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", name}}}});
  };
  bool ok = wait_until(synced, "the initial LIST");
  // Proof that the WATCH is open: an object created now arrives through it.
  if (ok) ok = static_cast<bool>(make("before-restart"));
  if (ok) ok = wait_until(saw_marker_from_watch, "the watch to deliver before-restart");

  const auto restart_start = Clock::now();
  CommandResult restart;
  if (ok) restart = RunCommand({script, "--state-dir", StateDir()});
  const double restart_seconds = SecondsSince(restart_start);
  EXPECT_EQ(restart.exit_code, 0) << restart.output;
  auto created = make("after-restart");
  EXPECT_TRUE(created) << created.error().message();
  wait.join();
  ASSERT_TRUE(ok);
  ASSERT_TRUE(result) << result.error().message();
  EXPECT_EQ(result->value("metadata", json::object()).value("name", ""), "after-restart");
  EXPECT_GE(stats.watches, 2) << "the wait reconnected after the restart";
  std::printf("apiserver restart %.2f s (%s); wait: %d lists, %d watches, %d gone, %d events\n",
              restart_seconds, restart.output.substr(0, restart.output.find('\n')).c_str(),
              stats.lists, stats.watches, stats.gone, stats.events);
}

TEST_F(KubeClusterTest, WatchRelistsAfter410FromCompaction) {
  if (!IsLocalCluster()) GTEST_SKIP() << "needs the local cluster's state folder " << StateDir();
  const std::string etcdctl = RA2CERT_LOCAL_ETCDCTL_SCRIPT;
  // Events: the one resource the API server serves from etcd rather than its watch cache
  // (--watch-cache-sizes default events#0), so a watch from a compacted revision is
  // answered by etcd with 410 Gone. Watches from the cache give 410 only once the cache
  // window has moved on, which no test can force in bounded time.
  const std::string events = "/api/v1/namespaces/" + ns_ + "/events";
  auto make_event = [&](const std::string& name) {
    return admin().Create(
        events,
        {{"apiVersion", "v1"},
         {"kind", "Event"},
         {"metadata", {{"name", name}}},
         {"involvedObject",
          {{"kind", "ConfigMap"}, {"name", "kt"}, {"namespace", ns_}, {"apiVersion", "v1"}}},
         {"reason", "KubeClientTest"},
         {"message", "watch 410 test"},
         {"type", "Normal"}});
  };
  auto existing = make_event("existing");
  ASSERT_TRUE(existing) << existing.error().message();
  WatchStats stats;
  int syncs = 0;
  std::string compact_output;
  std::string list_version, compacted_at;
  auto result = WaitFor(
      admin(), events, {},
      [&](const WatchEvent& event) {
        if (event.type == "SYNCED" && ++syncs == 1) {
          // Between the LIST and the WATCH: two writes, then etcd compacted up to the
          // second, so the watch (from the revision after the list's) starts in history.
          auto target = make_event("target");
          auto later = target ? make_event("later") : target;
          if (!later) {
            compact_output = "creating the Events: " + later.error().message();
            return true;
          }
          compacted_at = (*later)["metadata"].value("resourceVersion", "");
          auto compact = RunCommand({etcdctl, "--state-dir", StateDir(), "compact", compacted_at});
          if (compact.exit_code != 0) {
            compact_output = compact.output;
            return true;
          }
        }
        return event.type == "ADDED" &&
               event.object.value("metadata", json::object()).value("name", "") == "target";
      },
      Clock::now() + std::chrono::seconds(60), &stats);
  ASSERT_TRUE(compact_output.empty()) << compact_output;
  ASSERT_TRUE(result) << result.error().message();
  EXPECT_EQ(result->value("metadata", json::object()).value("name", ""), "target");
  EXPECT_GE(stats.gone, 1) << "the watch from the compacted revision must see 410 Gone";
  EXPECT_GE(stats.lists, 2) << "410 means LIST again";
  std::printf("compacted at %s; wait: %d lists, %d watches, %d gone, %d events\n",
              compacted_at.c_str(), stats.lists, stats.watches, stats.gone, stats.events);
}

}  // namespace
