// 4.8 Package manager: Helm v3 (no server-side component) deploys, upgrades and rolls back
// a chart through the Kubernetes API alone.
#include <cstdlib>
#include <filesystem>

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
                    .timeout = std::chrono::seconds(120)});
  }

 private:
  fs::path home_;
};

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
      fixtures::In(std::chrono::seconds(90)));
}
}  // namespace

RA2CERT_CASE(
    PackageManager, HelmInstallUpgradeRollback,
    {.id = "4.8.001",
     .title =
         "Helm v3 lints, installs, upgrades and rolls back a chart using only the Kubernetes API",
     .requirements = {"ra2.pkg.001", "ra2.pkg.002", "ra2.app.012", "ra2.app.013", "ra2.app.014"},
     .needs = {"cluster", "helm"},
     .timeout = std::chrono::seconds(300)}) {
  RA2CERT_OK_OR_INFRA(client, kube::Client::ForCase());
  Helm helm;
  RA2CERT_OK_OR_INFRA(version, helm.Run({"version", "--short"}));
  ASSERT_EQ(version->out.rfind("v3.", 0), 0u)
      << "the Helm client is not v3: " << Describe(*version);
  const std::string chart = std::string(RA2CERT_FIXTURES_DIR) + "/charts/probe-app";
  RA2CERT_OK_OR_INFRA(lint, helm.Run({"lint", chart}));
  EXPECT_EQ(lint->exit_code, 0) << Describe(*lint);

  RA2CERT_OK_OR_INFRA(ns, fixtures::TestNamespace::Create(*client, "4.8.001"));
  const std::string image = "image=" + fixtures::ProbeImage();
  RA2CERT_OK_OR_INFRA(install,
                      helm.Run({"install", "demo", chart, "--namespace", ns->name(), "--set", image,
                                "--set", "message=first", "--wait", "--timeout", "90s"}));
  ASSERT_EQ(install->exit_code, 0) << Describe(*install);
  auto first = WaitForRollout(*client, ns->name(), "demo", "first");
  ASSERT_TRUE(first) << first.error().message();

  RA2CERT_OK_OR_INFRA(upgrade,
                      helm.Run({"upgrade", "demo", chart, "--namespace", ns->name(), "--set", image,
                                "--set", "message=second", "--wait", "--timeout", "90s"}));
  ASSERT_EQ(upgrade->exit_code, 0) << Describe(*upgrade);
  auto second = WaitForRollout(*client, ns->name(), "demo", "second");
  ASSERT_TRUE(second) << "the rolling update did not complete: " << second.error().message();

  RA2CERT_OK_OR_INFRA(rollback, helm.Run({"rollback", "demo", "1", "--namespace", ns->name(),
                                          "--wait", "--timeout", "90s"}));
  ASSERT_EQ(rollback->exit_code, 0) << Describe(*rollback);
  auto back = WaitForRollout(*client, ns->name(), "demo", "first");
  ASSERT_TRUE(back) << "the rollback did not bring revision 1's pods back: "
                    << back.error().message();

  // Helm 3 keeps its release records as Secrets in the release namespace: proof that it
  // needs no server-side component.
  RA2CERT_OK_OR_INFRA(records, client->List("/api/v1/namespaces/" + ns->name() + "/secrets",
                                            {.label_selector = "owner=helm,name=demo"}));
  EXPECT_EQ(records->items.size(), 3u)
      << "expected one release record per revision (install, upgrade, rollback)";
  RA2CERT_OK_OR_INFRA(tiller, client->List("/apis/apps/v1/deployments",
                                           {.label_selector = "app=helm,name=tiller"}));
  EXPECT_TRUE(tiller->items.empty())
      << "a Tiller deployment exists: Helm 2's server-side component";
  RA2CERT_OK_OR_INFRA(uninstall, helm.Run({"uninstall", "demo", "--namespace", ns->name()}));
  EXPECT_EQ(uninstall->exit_code, 0) << Describe(*uninstall);
}

}  // namespace ra2cert::suites
