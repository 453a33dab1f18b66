// 4.4 Container runtimes: the cluster offers a sandboxed runtime through a RuntimeClass, and
// every RuntimeClass that claims to sandbox really runs its pods on another kernel.
#include <cctype>
#include <cstdio>
#include <regex>

#include "fixtures/kube/case_cluster.h"
#include "harness/catalogue/case.h"

namespace ra2cert::suites {
namespace {
using fixtures::json;

// A class claims a sandbox by its name or its handler (gVisor's runsc, Kata, a
// "sandbox" handler). The claim only selects what is measured: whether it isolates is
// what the pod then shows.
bool ClaimsSandbox(const std::string& name, const std::string& handler) {
  static const std::regex claim(R"(gvisor|runsc|kata|sandbox)", std::regex::icase);
  return std::regex_search(name, claim) || std::regex_search(handler, claim);
}

std::string Trimmed(std::string text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  return text;
}
}  // namespace

RA2CERT_CASE(ContainerRuntime, SandboxRuntimeClassIsolatesTheKernel,
             {.id = "4.4.001",
              .title = "A sandboxed RuntimeClass is offered, and a pod under each one sees a "
                       "different kernel than its node",
              .requirements = {"draft.4.4.sandbox"},
              .needs = {"cluster"},
              .timeout = std::chrono::seconds(150),
              .violations = {"sandbox-handler-runc", "sandbox-class-missing"}}) {
  RA2CERT_REQUIRE_OK(client, kube::Client::ForCase());
  RA2CERT_REQUIRE_OK(classes, client->List("/apis/node.k8s.io/v1/runtimeclasses"));
  std::vector<std::pair<std::string, std::string>> sandboxes;  // name, handler
  std::string all;
  for (const auto& rc : classes->items) {
    const std::string name = rc.value("metadata", json::object()).value("name", "");
    const std::string handler = rc.value("handler", "");
    all += (all.empty() ? "" : ", ") + name + " (handler " + handler + ")";
    if (ClaimsSandbox(name, handler)) sandboxes.emplace_back(name, handler);
  }
  ASSERT_FALSE(sandboxes.empty())
      << "no RuntimeClass offers a sandboxed runtime (gVisor, Kata ...), so privileged "
         "workloads have nowhere isolated to run; RuntimeClasses: "
      << (all.empty() ? "none" : all);

  RA2CERT_REQUIRE_OK(ns, fixtures::TestNamespace::Create(*client, "4.4.001"));
  for (size_t i = 0; i < sandboxes.size(); ++i) {
    const auto& [runtime_class, handler] = sandboxes[i];
    fixtures::ProbePodSpec spec{.name = "sandboxed-" + std::to_string(i),
                                .command = {"uname -r"},
                                .runtime_class = runtime_class};
    RA2CERT_REQUIRE_OK(outcome, fixtures::RunProbePod(*client, ns->name(), spec,
                                                      fixtures::In(std::chrono::seconds(90))));
    ASSERT_EQ(outcome->phase, "Succeeded")
        << "a pod under RuntimeClass " << runtime_class << " failed: " << outcome->logs;
    const std::string sandbox_kernel = Trimmed(outcome->logs);
    RA2CERT_REQUIRE_OK(node, client->Get("/api/v1/nodes/" + outcome->node));
    const std::string node_kernel = node->value("status", json::object())
                                        .value("nodeInfo", json::object())
                                        .value("kernelVersion", "");
    ASSERT_FALSE(sandbox_kernel.empty()) << "the sandboxed pod printed no kernel release";
    std::printf("RuntimeClass %s (handler %s): pod on %s sees kernel %s, the node runs %s\n",
                runtime_class.c_str(), handler.c_str(), outcome->node.c_str(),
                sandbox_kernel.c_str(), node_kernel.c_str());
    EXPECT_NE(sandbox_kernel, node_kernel)
        << "the pod under RuntimeClass " << runtime_class << " (handler " << handler
        << ") sees the node's own kernel " << node_kernel << ": it is not isolated";
  }
}

}  // namespace ra2cert::suites
