// 4.8 Package manager: Helm 3 or newer (no server-side component) deploys, upgrades and
// rolls back a chart through the Kubernetes API alone. What is judged is the cluster's part:
// that it ran what Helm asked for. Linting the harness's own chart would judge the chart,
// not the cluster, so ra2.app.012 is not claimed here.
#include <cstdlib>
#include <filesystem>
#include <regex>

#include "fixtures/kube/case_access.h"
#include "fixtures/kube/case_cluster.h"
#include "harness/catalogue/case.h"
#include "harness/tools/run_tool.h"

#ifndef RA2CERT_FIXTURES_DIR
#define RA2CERT_FIXTURES_DIR "fixtures"
#endif

namespace ra2cert::suites {
namespace {
using fixtures::json;
namespace fs = std::filesystem;

class Helm {
 public:
  Helm() : home_(fs::temp_directory_path() / ("ra2cert-helm-" + std::to_string(::getpid()))) {
    fs::create_directories(home_);
  }
  ~Helm() { fs::remove_all(home_); }

  Result<ToolResult> Run(std::vector<std::string> args) const {
    const char* helm = std::getenv("RA2CERT_HELM");
    const char* kubeconfig = std::getenv("RA2CERT_KUBECONFIG");
    const char* context = std::getenv("RA2CERT_CONTEXT");
    if (context && *context) args.insert(args.end(), {"--kube-context", context});
    // Helm keeps no state of its own outside the cluster: caches and config go to a
    // temporary home that disappears with the case.
    return RunTool({.program = helm && *helm ? helm : "helm",
                    .args = std::move(args),
                    .env = {{"KUBECONFIG", kubeconfig ? kubeconfig : ""},
                            {"HELM_CACHE_HOME", (home_ / "cache").string()},
                            {"HELM_CONFIG_HOME", (home_ / "config").string()},
                            {"HELM_DATA_HOME", (home_ / "data").string()}},
                    .timeout = fixtures::Scaled(std::chrono::seconds(120))});
  }

 private:
  fs::path home_;
};

// What Helm 3 asks of the API for this chart: discovery and the OpenAPI schema it
// validates against, its release records (Secrets: looked up, created, updated as the
// release moves on, deleted on uninstall), the Deployment it creates, patches and deletes,
// and the ReplicaSets its --wait reads to know the rollout is done.
std::vector<ApiAccess> HelmAccess() {
  return {{.verbs = {"get"}, .url = "/version"},
          {.verbs = {"get"}, .url = "/api"},
          {.verbs = {"get"}, .url = "/api/*"},
          {.verbs = {"get"}, .url = "/apis"},
          {.verbs = {"get"}, .url = "/apis/*"},
          {.verbs = {"get"}, .url = "/openapi/*"},
          {.verbs = {"get", "list", "create", "update", "delete"}, .resource = "secrets"},
          {.verbs = {"get", "list", "create", "patch", "delete"},
           .group = "apps",
           .resource = "deployments"},
          {.verbs = {"get", "list"}, .group = "apps", .resource = "replicasets"}};
}

std::string Describe(const ToolResult& result) {
  return "exit " + std::to_string(result.exit_code) + "\n" + result.out + result.err;
}

// The message the Deployment's pods were rolled out with, once the rollout is complete.
Result<json> WaitForRollout(kube::Client& client, const std::string& ns, const std::string& name,
                            const std::string& message) {
  return kube::WaitFor(
      client, "/apis/apps/v1/namespaces/" + ns + "/deployments",
      {.field_selector = "metadata.name=" + name},
      [&](const kube::WatchEvent& event) {
        const json& d = event.object;
        const json status = d.value("status", json::object());
        const json annotations = d.value("spec", json::object())
                                     .value("template", json::object())
                                     .value("metadata", json::object())
                                     .value("annotations", json::object());
        const int replicas = d.value("spec", json::object()).value("replicas", 1);
        return annotations.value("ra2cert.io/message", "") == message &&
               status.value("observedGeneration", 0) >=
                   d.value("metadata", json::object()).value("generation", 1) &&
               status.value("updatedReplicas", 0) == replicas &&
               status.value("availableReplicas", 0) == replicas &&
               status.value("replicas", 0) == replicas;
      },
      fixtures::In(std::chrono::seconds(60)));
}

// The Deployment as the cluster last reported it, for a failure message.
std::string DeploymentState(kube::Client& client, const std::string& ns, const std::string& name) {
  auto deployment = client.Get("/apis/apps/v1/namespaces/" + ns + "/deployments/" + name);
  if (!deployment) return "deployment " + name + " cannot be read: " + deployment.error().message();
  const json status = deployment->value("status", json::object());
  std::string text =
      "deployment " + name + ": " + std::to_string(status.value("updatedReplicas", 0)) +
      " updated, " + std::to_string(status.value("availableReplicas", 0)) + " available of " +
      std::to_string(deployment->value("spec", json::object()).value("replicas", 1)) +
      ", observed generation " + std::to_string(status.value("observedGeneration", 0)) + " of " +
      std::to_string(deployment->value("metadata", json::object()).value("generation", 0));
  for (const auto& condition : status.value("conditions", json::array())) {
    text += "; " + condition.value("type", "") + "=" + condition.value("status", "") + " " +
            condition.value("reason", "") + ": " + condition.value("message", "");
  }
  if (status.value("observedGeneration", 0) == 0) {
    text += " (no controller has acted on it: is kube-controller-manager running?)";
  }
  return text;
}

// One Helm step that changes the release (install, upgrade, rollback), then the cluster's
// part: the Deployment rolled out with `message`. Returns what the cluster did not do (empty
// when it did); an error when the harness could not run Helm or ask the API.
Result<std::string> RolloutProblem(const Helm& helm, kube::Client& client, const std::string& ns,
                                   const std::string& step, std::vector<std::string> args,
                                   const std::string& message) {
  auto ran = helm.Run(std::move(args));
  if (!ran) return ran.error();
  if (ran->exit_code != 0) {
    return "helm " + step + " did not complete; the release was not rolled out: " +
           DeploymentState(client, ns, "demo") + "\n" + Describe(*ran);
  }
  auto rolled = WaitForRollout(client, ns, "demo", message);
  if (rolled) return std::string();
  if (!fixtures::IsClusterFailure(rolled.error())) return rolled.error();
  return "after helm " + step + " the Deployment was not rolled out with message=" + message +
         ": " + DeploymentState(client, ns, "demo");
}

// Helm's major version from `helm version --short` ("v3.17.3+g…", "v4.0.0"); 0 if unreadable.
int HelmMajor(const std::string& version) {
  std::smatch match;
  if (!std::regex_search(version, match, std::regex(R"(^v?(\d+)\.)"))) return 0;
  return std::stoi(match[1]);
}
}  // namespace

RA2CERT_CASE(
    PackageManager, HelmInstallUpgradeRollback,
    {.id = "4.8.001",
     .title = "A Helm (3 or newer) chart installs, upgrades (rolling update) and rolls "
              "back using only the Kubernetes API",
     .requirements = {"ra2.pkg.001", "ra2.pkg.002", "ra2.app.013", "ra2.app.014"},
     .needs = {"cluster", "helm"},
     .timeout = std::chrono::seconds(300),
     .violations = {"controller-manager-stopped"},
     .api_access = Combine({fixtures::access::TestNamespace(),
                            HelmAccess(),
                            fixtures::access::WaitFor("deployments", "apps"),
                            {{.verbs = {"get"}, .group = "apps", .resource = "deployments"},
                             {.verbs = {"list"}, .resource = "secrets"}}})}) {
  RA2CERT_REQUIRE_OK(client, kube::Client::ForCase());
  Helm helm;
  RA2CERT_REQUIRE_OK(version, helm.Run({"version", "--short"}));
  // A Helm 2 client would need Tiller; the harness must bring a client that needs nothing
  // server-side. An unusable client is the harness's problem, not the cluster's.
  if (HelmMajor(version->out) < 3) {
    RA2CERT_INFRA_ERROR("the Helm client is not version 3 or newer: " + Describe(*version));
  }
  const std::string chart = std::string(RA2CERT_FIXTURES_DIR) + "/charts/probe-app";

  RA2CERT_REQUIRE_OK(ns, fixtures::TestNamespace::Create(*client, "4.8.001"));
  const std::string image = "image=" + fixtures::ProbeImage();
  // Install, rolling update, rollback: each must end with the Deployment rolled out with
  // that revision's message.
  const std::vector<std::string> common = {
      "--namespace", ns->name(), "--wait", "--timeout",
      std::to_string(fixtures::Scaled(std::chrono::seconds(60)).count()) + "s"};
  const struct {
    std::string step, message;
    std::vector<std::string> args;
  } steps[] = {
      {"install", "first", {"install", "demo", chart, "--set", image, "--set", "message=first"}},
      {"upgrade", "second", {"upgrade", "demo", chart, "--set", image, "--set", "message=second"}},
      {"rollback", "first", {"rollback", "demo", "1"}},
  };
  for (const auto& step : steps) {
    std::vector<std::string> args = step.args;
    args.insert(args.end(), common.begin(), common.end());
    RA2CERT_REQUIRE_OK(problem,
                       RolloutProblem(helm, *client, ns->name(), step.step, args, step.message));
    ASSERT_TRUE(problem->empty()) << *problem;
  }

  // Helm 3 keeps its release records as Secrets in the release namespace: proof that it
  // needs no server-side component.
  RA2CERT_REQUIRE_OK(records, client->List("/api/v1/namespaces/" + ns->name() + "/secrets",
                                           {.label_selector = "owner=helm,name=demo"}));
  EXPECT_EQ(records->items.size(), 3u)
      << "expected one release record per revision (install, upgrade, rollback)";
  RA2CERT_REQUIRE_OK(tiller, client->List("/apis/apps/v1/deployments",
                                          {.label_selector = "app=helm,name=tiller"}));
  EXPECT_TRUE(tiller->items.empty())
      << "a Tiller deployment exists: Helm 2's server-side component";
  RA2CERT_REQUIRE_OK(uninstall, helm.Run({"uninstall", "demo", "--namespace", ns->name()}));
  EXPECT_EQ(uninstall->exit_code, 0) << Describe(*uninstall);
}

}  // namespace ra2cert::suites
