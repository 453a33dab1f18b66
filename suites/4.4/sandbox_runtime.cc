// 4.4 Container runtimes: a RuntimeClass with a sandboxing handler really isolates.
#include "fixtures/kube/case_cluster.h"
#include "harness/catalogue/case.h"

namespace ra2cert::suites {
namespace {
using fixtures::json;

// The first RuntimeClass whose handler is a sandbox (gVisor's runsc, Kata).
std::string SandboxRuntimeClass(kube::Client& client) {
  auto classes = client.List("/apis/node.k8s.io/v1/runtimeclasses");
  if (!classes) return {};
  for (const auto& rc : classes->items) {
    const std::string handler = rc.value("handler", "");
    if (handler == "runsc" || handler == "gvisor" || handler.rfind("kata", 0) == 0) {
      return rc.value("metadata", json::object()).value("name", "");
    }
  }
  return {};
}
}  // namespace

RA2CERT_CASE(ContainerRuntime, SandboxRuntimeClassIsolatesTheKernel,
             {.id = "4.4.001",
              .title = "A pod under the sandbox RuntimeClass sees a different kernel than its node",
              .requirements = {"draft.4.4.sandbox"},
              .needs = {"cluster", "sandbox-runtime"},
              .timeout = std::chrono::seconds(150)}) {
  RA2CERT_OK_OR_INFRA(client, kube::Client::ForCase());
  const std::string runtime_class = SandboxRuntimeClass(*client);
  ASSERT_FALSE(runtime_class.empty()) << "the sandbox RuntimeClass disappeared";
  RA2CERT_OK_OR_INFRA(ns, fixtures::TestNamespace::Create(*client, "4.4.001"));
  fixtures::ProbePodSpec spec{
      .name = "sandboxed", .command = {"uname -r"}, .runtime_class = runtime_class};
  auto outcome =
      fixtures::RunProbePod(*client, ns->name(), spec, fixtures::In(std::chrono::seconds(120)));
  ASSERT_TRUE(outcome) << "a pod under RuntimeClass " << runtime_class
                       << " did not run: " << outcome.error().message();
  ASSERT_EQ(outcome->phase, "Succeeded") << outcome->pod.dump(2);
  std::string sandbox_kernel = outcome->logs;
  while (!sandbox_kernel.empty() && std::isspace(static_cast<unsigned char>(sandbox_kernel.back())))
    sandbox_kernel.pop_back();
  RA2CERT_OK_OR_INFRA(node, client->Get("/api/v1/nodes/" + outcome->node));
  const std::string node_kernel = node->value("status", json::object())
                                      .value("nodeInfo", json::object())
                                      .value("kernelVersion", "");
  ASSERT_FALSE(sandbox_kernel.empty()) << "the sandboxed pod printed no kernel release";
  EXPECT_NE(sandbox_kernel, node_kernel)
      << "the pod under " << runtime_class << " sees the node's own kernel " << node_kernel
      << ": the runtime does not isolate it";
}

}  // namespace ra2cert::suites
