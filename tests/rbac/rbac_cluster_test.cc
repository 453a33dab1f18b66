// Least privilege, proven on the local cluster: a ServiceAccount holding only what
// `ra2cert rbac` prints certifies the cluster exactly as the admin does; take one
// permission away and the cases that need it end Error (the harness's fault, not the
// cluster's) naming what is missing, and no other case changes.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "harness/kube/client.h"
#include "harness/kube/watch.h"
#include "tests/support/test_shell.h"

namespace ra2cert {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kNamespace = "ra2cert-rbac-e2e";
constexpr const char* kAccount = "certifier";
constexpr const char* kRoleName = "ra2cert:ra2cert-rbac-e2e:certifier";

using test_support::HelmBinary;
using test_support::ReadJson;
using test_support::RunShell;
using test_support::ShellRun;

// Case id -> its result object.
std::map<std::string, json> Outcomes(const json& results) {
  std::map<std::string, json> by_id;
  if (results.is_object()) {
    for (const auto& c : results["cases"]) by_id[c["id"]] = c;
  }
  return by_id;
}

// A kubeconfig for the ServiceAccount: the admin's cluster entry, a bearer token.
std::string TokenKubeconfig(const std::string& admin_kubeconfig, const std::string& token) {
  const YAML::Node admin = YAML::LoadFile(admin_kubeconfig);
  const YAML::Node cluster = admin["clusters"][0]["cluster"];
  YAML::Emitter out;
  out << YAML::BeginMap << YAML::Key << "apiVersion" << YAML::Value << "v1" << YAML::Key << "kind"
      << YAML::Value << "Config";
  out << YAML::Key << "clusters" << YAML::Value << YAML::BeginSeq << YAML::BeginMap << YAML::Key
      << "name" << YAML::Value << "local" << YAML::Key << "cluster" << YAML::Value << cluster
      << YAML::EndMap << YAML::EndSeq;
  out << YAML::Key << "users" << YAML::Value << YAML::BeginSeq << YAML::BeginMap << YAML::Key
      << "name" << YAML::Value << kAccount << YAML::Key << "user" << YAML::Value << YAML::BeginMap
      << YAML::Key << "token" << YAML::Value << token << YAML::EndMap << YAML::EndMap
      << YAML::EndSeq;
  out << YAML::Key << "contexts" << YAML::Value << YAML::BeginSeq << YAML::BeginMap << YAML::Key
      << "name" << YAML::Value << kAccount << YAML::Key << "context" << YAML::Value
      << YAML::BeginMap << YAML::Key << "cluster" << YAML::Value << "local" << YAML::Key << "user"
      << YAML::Value << kAccount << YAML::EndMap << YAML::EndMap << YAML::EndSeq;
  out << YAML::Key << "current-context" << YAML::Value << kAccount << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

class LeastPrivilege : public testing::Test {
 protected:
  void SetUp() override {
    kubeconfig_ =
        std::getenv("RA2CERT_TEST_KUBECONFIG") ? std::getenv("RA2CERT_TEST_KUBECONFIG") : "";
    ASSERT_FALSE(kubeconfig_.empty()) << "RA2CERT_TEST_KUBECONFIG is not set";
    helm_ = HelmBinary();
    ASSERT_FALSE(helm_.empty()) << "no Helm in the component cache";
    auto client = kube::Client::FromKubeconfig(kubeconfig_, "");
    ASSERT_TRUE(client) << client.error().message();
    admin_.emplace(std::move(*client));
    out_ = fs::temp_directory_path() / ("ra2cert-rbac-" + std::to_string(::getpid()));
    fs::remove_all(out_);
    fs::create_directories(out_);
    RemoveAccount();
  }
  void TearDown() override {
    if (admin_) RemoveAccount();
    if (!HasFailure()) fs::remove_all(out_);
  }

  void RemoveAccount() {
    (void)admin_->Delete(std::string("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/") +
                         kRoleName);
    (void)admin_->Delete(std::string("/apis/rbac.authorization.k8s.io/v1/clusterroles/") +
                         kRoleName);
    (void)admin_->Delete(std::string("/api/v1/namespaces/") + kNamespace, "Foreground");
    (void)kube::WaitForDeletion(*admin_, "/api/v1/namespaces", kNamespace,
                                std::chrono::steady_clock::now() + std::chrono::seconds(60));
  }

  // `ra2cert run` against the cluster through `kubeconfig`, its results.
  json Certify(const std::string& name, const std::string& kubeconfig) {
    const ShellRun run = RunShell(
        "RA2CERT_HELM=" + helm_ + " " RA2CERT_BINARY " run --kubeconfig " + kubeconfig +
        " --image-registry 10.250.0.1:5000 --parallel 2 --output-dir " + (out_ / name).string());
    outputs_[name] = run.output;
    return ReadJson(out_ / name / "results.json");
  }

  std::string kubeconfig_, helm_;
  std::optional<kube::Client> admin_;
  fs::path out_;
  std::map<std::string, std::string> outputs_;
};

TEST_F(LeastPrivilege, DerivedRoleCertifiesLikeTheAdminAndEachMissingGrantIsAnError) {
  // The ServiceAccount, the role `ra2cert rbac` derives for it, and a token.
  const ShellRun printed = RunShell(RA2CERT_BINARY " rbac --service-account " +
                                    std::string(kNamespace) + "/" + kAccount + " -o json");
  ASSERT_EQ(printed.exit_code, 0) << printed.output;
  const json list = json::parse(printed.output, nullptr, false);
  ASSERT_TRUE(list.is_object()) << printed.output;
  ASSERT_TRUE(admin_->Create(
      "/api/v1/namespaces",
      {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", kNamespace}}}}));
  ASSERT_TRUE(admin_->Create(
      std::string("/api/v1/namespaces/") + kNamespace + "/serviceaccounts",
      {{"apiVersion", "v1"}, {"kind", "ServiceAccount"}, {"metadata", {{"name", kAccount}}}}));
  const ShellRun yaml = RunShell(RA2CERT_BINARY " rbac --service-account " +
                                 std::string(kNamespace) + "/" + kAccount);
  ASSERT_EQ(yaml.exit_code, 0) << yaml.output;
  auto applied = admin_->Apply(yaml.output);  // the YAML a user would kubectl apply
  ASSERT_TRUE(applied) << applied.error().message() << "\n" << yaml.output;
  ASSERT_EQ(applied->size(), 2u);
  auto token = admin_->Create(
      std::string("/api/v1/namespaces/") + kNamespace + "/serviceaccounts/" + kAccount + "/token",
      {{"apiVersion", "authentication.k8s.io/v1"},
       {"kind", "TokenRequest"},
       {"spec", {{"expirationSeconds", 3600}}}});
  ASSERT_TRUE(token) << token.error().message();
  const std::string sa_kubeconfig = (out_ / "certifier.kubeconfig").string();
  {
    std::ofstream file(sa_kubeconfig);
    file << TokenKubeconfig(kubeconfig_, (*token)["status"]["token"].get<std::string>());
  }
  fs::permissions(sa_kubeconfig, fs::perms::owner_read | fs::perms::owner_write);

  // Admin and least privilege: the same outcome for every case.
  const auto admin = Outcomes(Certify("admin", kubeconfig_));
  ASSERT_GE(admin.size(), 19u) << outputs_["admin"];
  const auto least = Outcomes(Certify("least", sa_kubeconfig));
  ASSERT_EQ(least.size(), admin.size()) << outputs_["least"];
  int passed = 0;
  for (const auto& [id, result] : admin) {
    EXPECT_EQ(least.at(id)["outcome"], result["outcome"])
        << id << "\nadmin: " << result.dump() << "\nleast privilege: " << least.at(id).dump();
    passed += result["outcome"] == "Passed" ? 1 : 0;
  }
  EXPECT_GE(passed, 12) << "too few cases passed for the comparison to mean much";

  // Take away two grants, through two different code paths: get nodes/proxy (4.9.001 scrapes
  // the kubelets; node agents read configz) and create configmaps (4.6.001).
  json role = list["items"][0];
  ASSERT_EQ(role["kind"], "ClusterRole");
  int removed = 0;
  json rules = json::array();
  for (json rule : role["rules"]) {
    if (rule.contains("resources") && rule["apiGroups"] == json::array({""})) {
      json kept = json::array();
      for (const auto& resource : rule["resources"]) {
        const bool drop =
            (resource == "nodes/proxy" &&
             std::find(rule["verbs"].begin(), rule["verbs"].end(), "get") != rule["verbs"].end()) ||
            (resource == "configmaps" && rule["verbs"] == json::array({"create"}));
        if (drop) {
          ++removed;
        } else {
          kept.push_back(resource);
        }
      }
      rule["resources"] = kept;
      if (kept.empty()) continue;
    }
    rules.push_back(rule);
  }
  ASSERT_EQ(removed, 2) << role.dump(2);
  role["rules"] = rules;
  auto reduced = admin_->Apply(role.dump());
  ASSERT_TRUE(reduced) << reduced.error().message();

  const auto lacking = Outcomes(Certify("lacking", sa_kubeconfig));
  ASSERT_EQ(lacking.size(), admin.size()) << outputs_["lacking"];
  const std::map<std::string, std::pair<std::string, std::string>> affected = {
      {"4.9.001", {"cannot get resource \"nodes/proxy\"", "HTTP 403"}},
      {"4.3.010", {"cannot get resource \"nodes/proxy\"", "HTTP 403"}},
      {"4.6.001", {"cannot create resource \"configmaps\"", "HTTP 403"}}};
  // Attached through a kubeconfig alone, the CRI cases run through node agents, which find
  // each node's socket through the kubelet's configz (nodes/proxy) too.
  std::set<std::string> through_agents;
  const json lacking_results = ReadJson(out_ / "lacking" / "results.json");
  for (const auto& c : lacking_results["cases"]) {
    const auto& needs = c["needs"];
    if (std::find(needs.begin(), needs.end(), "cri") != needs.end()) through_agents.insert(c["id"]);
  }
  for (const auto& [id, result] : admin) {
    const json& now = lacking.at(id);
    auto expected = affected.find(id);
    if (through_agents.contains(id)) {  // Passed, or a known failure, as admin: now Error
      EXPECT_EQ(now["outcome"], "Error") << id << ": " << now.dump();
      const std::string message = now.value("message", "");
      EXPECT_NE(message.find("cannot get resource \"nodes/proxy\""), std::string::npos)
          << id << ": " << message;
      EXPECT_NE(message.find("lack a permission"), std::string::npos) << id << ": " << message;
      continue;
    }
    if (expected == affected.end()) {
      EXPECT_EQ(now["outcome"], result["outcome"]) << id << ": " << now.dump();
      continue;
    }
    EXPECT_EQ(result["outcome"], "Passed") << id << ": " << result.dump();
    EXPECT_EQ(now["outcome"], "Error") << id << ": " << now.dump();
    const std::string message = now.value("message", "");
    EXPECT_NE(message.find(expected->second.first), std::string::npos) << id << ": " << message;
    EXPECT_NE(message.find(expected->second.second), std::string::npos) << id << ": " << message;
    EXPECT_NE(message.find("lack a permission"), std::string::npos) << id << ": " << message;
  }
}

}  // namespace
}  // namespace ra2cert
