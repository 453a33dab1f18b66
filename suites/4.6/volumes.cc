// 4.6 Storage: the volume types workloads rely on are mounted with their content.
// PersistentVolumeClaims (ra2.stg.005's fourth type) need a provisioner: not claimed here.
#include <cstdio>
#include <random>

#include "fixtures/kube/case_access.h"
#include "fixtures/kube/case_cluster.h"
#include "harness/catalogue/case.h"
#include "harness/kube/base64.h"
#include "reports/bundle/crypto.h"

namespace ra2cert::suites {
namespace {
using fixtures::json;
}  // namespace

RA2CERT_CASE(Storage, EmptyDirConfigMapAndSecretVolumes,
             {.id = "4.6.001",
              .title = "emptyDir, ConfigMap and Secret volumes are mounted with their content",
              .requirements = {"ra2.stg.001", "ra2.stg.002"},
              .needs = {"cluster"},
              .timeout = std::chrono::seconds(120),
              .violations = {"kubelet-pods-dir-read-only"},
              .api_access = Combine({fixtures::access::TestNamespace(),
                                     fixtures::access::RunProbePod(),
                                     {{.verbs = {"create"}, .resource = "configmaps"},
                                      {.verbs = {"create"}, .resource = "secrets"}}})}) {
  RA2CERT_REQUIRE_OK(client, kube::Client::ForCase());
  RA2CERT_REQUIRE_OK(ns, fixtures::TestNamespace::Create(*client, "4.6.001"));
  // Secret data must never reach a log, a message or the bundle: the value is random and
  // marked (tests/secrets scans everything a run writes for the mark), and the pod prints
  // only its digest.
  std::random_device random;
  char suffix[17];
  std::snprintf(suffix, sizeof suffix, "%08x%08x", random(), random());
  const std::string secret_value = std::string("ra2cert-secret-canary-") + suffix;
  const std::string base = "/api/v1/namespaces/" + ns->name();
  RA2CERT_REQUIRE_OK(
      config, client->Create(base + "/configmaps", {{"apiVersion", "v1"},
                                                    {"kind", "ConfigMap"},
                                                    {"metadata", {{"name", "settings"}}},
                                                    {"data", {{"greeting", "from-configmap"}}}}));
  RA2CERT_REQUIRE_OK(secret, client->Create(base + "/secrets",
                                            {{"apiVersion", "v1"},
                                             {"kind", "Secret"},
                                             {"metadata", {{"name", "credentials"}}},
                                             {"data", {{"token", EncodeBase64(secret_value)}}}}));
  fixtures::ProbePodSpec spec{.name = "volumes",
                              .command = {"echo scratch-ok > /scratch/file && cat /scratch/file "
                                          "/config/greeting; echo; sha256sum /secret/token; "
                                          "stat -L -c %a /secret/token"}};
  spec.extra_spec = {
      {"volumes",
       json::array({{{"name", "scratch"}, {"emptyDir", json::object()}},
                    {{"name", "config"}, {"configMap", {{"name", "settings"}}}},
                    {{"name", "secret"},
                     {"secret", {{"secretName", "credentials"}, {"defaultMode", 0400}}}}})}};
  spec.container_extra = {
      {"volumeMounts", json::array({{{"name", "scratch"}, {"mountPath", "/scratch"}},
                                    {{"name", "config"}, {"mountPath", "/config"}},
                                    {{"name", "secret"}, {"mountPath", "/secret"}}})}};
  RA2CERT_REQUIRE_OK(outcome, fixtures::RunProbePod(*client, ns->name(), spec,
                                                    fixtures::In(std::chrono::seconds(60))));
  ASSERT_EQ(outcome->phase, "Succeeded") << outcome->logs;
  EXPECT_NE(outcome->logs.find("scratch-ok"), std::string::npos) << "emptyDir not writable:\n"
                                                                 << outcome->logs;
  EXPECT_NE(outcome->logs.find("from-configmap"), std::string::npos)
      << "ConfigMap content missing:\n"
      << outcome->logs;
  EXPECT_NE(outcome->logs.find(bundle::Sha256Hex(secret_value) + "  /secret/token"),
            std::string::npos)
      << "Secret content missing or different (the pod prints its SHA-256):\n"
      << outcome->logs;
  EXPECT_NE(outcome->logs.find("400"), std::string::npos) << "Secret file mode not applied:\n"
                                                          << outcome->logs;
}

}  // namespace ra2cert::suites
