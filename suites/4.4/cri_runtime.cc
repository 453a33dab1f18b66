// 4.4 Container runtimes: every node's runtime speaks CRI v1 to the harness directly
// (gRPC on its socket), reports itself ready, and runs pods through an OCI 1.x runtime.
#include <iostream>
#include <regex>

#include "fixtures/kube/case_access.h"
#include "fixtures/kube/case_cluster.h"
#include "harness/catalogue/case.h"
#include "suites/4.4/cri_case.h"

namespace ra2cert::suites {
namespace {
using fixtures::json;

// "1.6.20" of "1.6.20~ds1" or "v1.6.20-rc.1": what the kubelet keeps of the runtime's
// version (it parses it as a generic version) in the node's containerRuntimeVersion.
std::string NumericCore(const std::string& version) {
  std::smatch match;
  if (!std::regex_search(version, match, std::regex(R"(^v?([0-9]+(\.[0-9]+)*))"))) return {};
  return match[1];
}

json ParseJson(const std::string& text) {
  return json::parse(text, nullptr, /*allow_exceptions=*/false);
}
}  // namespace

RA2CERT_CASE(ContainerRuntime, CriVersionOnEveryNode,
             {.id = "4.4.002",
              .title = "The runtime on every node answers CRI Version with API v1 and names itself",
              .requirements = {"ra2.crt.002"},
              .needs = {"cluster", "cri"},
              .timeout = std::chrono::seconds(30),
              .violations = {"containerd-cri-disabled"},
              .api_access = fixtures::access::ReadNodes()}) {
  RA2CERT_REQUIRE_OK(client, kube::Client::ForCase());
  RA2CERT_REQUIRE_OK(runtimes, ConnectNodeRuntimes());
  RA2CERT_REQUIRE_OK(nodes, fixtures::ReadNodes(*client));
  for (auto& runtime : *runtimes) {
    const json* node = nullptr;
    for (const auto& n : nodes->all) {
      if (fixtures::NodeName(n) == runtime.node) node = &n;
    }
    if (node == nullptr) {
      RA2CERT_INFRA_ERROR("RA2CERT_CRI_ENDPOINTS names node " + runtime.node +
                          ", which the API server does not know");
    }
    auto version = runtime.cri.Version();
    if (!version && version.error().code() == cri::kUnimplemented) {
      ADD_FAILURE() << runtime.node
                    << ": the runtime does not implement runtime.v1.RuntimeService: "
                    << version.error().message();
      continue;
    }
    if (!version) RA2CERT_INFRA_ERROR(version.error().message());
    std::cout << runtime.node << ": CRI Version: runtime " << version->runtime_name << " "
              << version->runtime_version << ", runtime_api_version "
              << version->runtime_api_version << "\n";
    EXPECT_EQ(version->runtime_api_version, "v1") << runtime.node << ": the runtime speaks CRI "
                                                  << version->runtime_api_version << ", not v1";
    EXPECT_FALSE(version->runtime_name.empty()) << runtime.node << ": the runtime gives no name";
    EXPECT_FALSE(NumericCore(version->runtime_version).empty())
        << runtime.node << ": runtime version '" << version->runtime_version
        << "' is not semver-compatible";
    // The socket we reached is the one the node's kubelet uses: the kubelet reports what
    // this same call answered it.
    const std::string reported = node->value("status", json::object())
                                     .value("nodeInfo", json::object())
                                     .value("containerRuntimeVersion", "");
    EXPECT_EQ(reported, version->runtime_name + "://" + NumericCore(version->runtime_version))
        << runtime.node << ": the kubelet reports runtime '" << reported << "' but the CRI socket "
        << runtime.cri.endpoint() << " answers " << version->runtime_name << " "
        << version->runtime_version;
  }
  for (const auto& n : nodes->all) {
    bool reached = false;
    for (const auto& runtime : *runtimes)
      reached = reached || runtime.node == fixtures::NodeName(n);
    if (!reached) std::cout << fixtures::NodeName(n) << ": no CRI endpoint given, not checked\n";
  }
}

RA2CERT_CASE(
    ContainerRuntime, CriRuntimeAndNetworkReady,
    {.id = "4.4.003",
     .title = "CRI Status on every node reports the conditions RuntimeReady and NetworkReady true",
     .requirements = {"ra2.crt.002"},
     .needs = {"cluster", "cri"},
     .timeout = std::chrono::seconds(30),
     .violations = {"containerd-cri-disabled", "cni-config-removed"},
     .no_api_access = true}) {
  RA2CERT_REQUIRE_OK(runtimes, ConnectNodeRuntimes());
  for (auto& runtime : *runtimes) {
    auto status = runtime.cri.Status();
    if (!status && status.error().code() == cri::kUnimplemented) {
      ADD_FAILURE() << runtime.node << ": the runtime does not implement the CRI Status call: "
                    << status.error().message();
      continue;
    }
    if (!status) RA2CERT_INFRA_ERROR(status.error().message());
    for (const char* type : {"RuntimeReady", "NetworkReady"}) {
      const cri::RuntimeCondition* condition = status->Condition(type);
      if (condition == nullptr) {
        ADD_FAILURE() << runtime.node << ": CRI Status has no " << type << " condition";
        continue;
      }
      std::cout << runtime.node << ": CRI Status " << type << "="
                << (condition->status ? "true" : "false")
                << (condition->reason.empty() ? "" : " (" + condition->reason + ")") << "\n";
      EXPECT_TRUE(condition->status)
          << runtime.node << ": " << type << " is false: " << condition->reason << ": "
          << condition->message;
    }
  }
}

RA2CERT_CASE(ContainerRuntime, PodsRunUnderAnOciRuntime,
             {.id = "4.4.006",
              .title = "A pod's container on every node runs from an OCI 1.x runtime spec under "
                       "the default handler",
              .requirements = {"ra2.crt.001"},
              .needs = {"cluster", "cri"},
              .timeout = std::chrono::seconds(90),
              .violations = {"containerd-cri-disabled"},
              .api_access = Combine({fixtures::access::TestNamespace(), SleepersAccess()})}) {
  RA2CERT_REQUIRE_OK(client, kube::Client::ForCase());
  RA2CERT_REQUIRE_OK(runtimes, ConnectNodeRuntimes());
  std::vector<std::string> node_names;
  for (const auto& runtime : *runtimes) node_names.push_back(runtime.node);
  RA2CERT_REQUIRE_OK(ns, fixtures::TestNamespace::Create(*client, "4.4.006"));
  // No runtimeClassName: the pods run under the node's default runtime handler.
  RA2CERT_REQUIRE_OK(pods, RunSleepers(*client, ns->name(), "oci", node_names,
                                       fixtures::In(std::chrono::seconds(60))));

  for (size_t i = 0; i < runtimes->size(); ++i) {
    auto& runtime = (*runtimes)[i];
    const std::string pod = (*pods)[i].value("metadata", json::object()).value("name", "");
    const std::string container_id = ContainerIdOf((*pods)[i]);
    ASSERT_FALSE(container_id.empty()) << "running pod " << pod << " reports no containerID";
    RA2CERT_REQUIRE_OK(status, runtime.cri.GetContainerStatus(container_id, /*verbose=*/true));
    EXPECT_EQ(status->container.state, cri::ContainerState::kRunning)
        << runtime.node << ": pod " << pod << "'s container is "
        << cri::ToString(status->container.state);
    auto info = status->info.find("info");
    if (info == status->info.end()) {
      GTEST_SKIP() << runtime.node
                   << ": the runtime's verbose ContainerStatus shows no OCI runtime spec, "
                   << "so the OCI version cannot be read through CRI";
    }
    const json detail = ParseJson(info->second);
    ASSERT_TRUE(detail.is_object())
        << runtime.node
        << ": verbose ContainerStatus info is not JSON: " << info->second.substr(0, 200);
    if (!detail.contains("runtimeSpec")) {
      GTEST_SKIP() << runtime.node
                   << ": the runtime's verbose ContainerStatus shows no runtimeSpec, "
                   << "so the OCI version cannot be read through CRI";
    }
    const json& spec = detail["runtimeSpec"];
    const std::string oci_version = spec.is_object() ? spec.value("ociVersion", "") : "";
    std::smatch match;
    const bool semver =
        std::regex_search(oci_version, match, std::regex(R"(^(\d+)\.(\d+)\.(\d+))"));
    EXPECT_TRUE(semver && match[1] == "1")
        << runtime.node << ": pod " << pod << "'s container runs from OCI runtime spec version '"
        << oci_version << "', not 1.x";
    // What the OCI runtime spec 1.0 requires of a Linux container's config.
    EXPECT_FALSE(spec.value("process", json::object()).value("args", json::array()).empty())
        << runtime.node << ": the runtime spec has no process.args";
    EXPECT_FALSE(spec.value("root", json::object()).value("path", "").empty())
        << runtime.node << ": the runtime spec has no root.path";
    EXPECT_TRUE(spec.contains("linux"))
        << runtime.node << ": the runtime spec has no linux section";

    // containerd also names the shim and the OCI runtime binary; the pod (no
    // RuntimeClass) must have used the default handler's.
    const std::string runtime_type = detail.value("runtimeType", "");
    const std::string binary =
        detail.value("runtimeOptions", json::object()).value("binary_name", "");
    RA2CERT_REQUIRE_OK(runtime_status, runtime.cri.Status(/*verbose=*/true));
    if (auto config = runtime_status->info.find("config"); config != runtime_status->info.end()) {
      const json containerd = ParseJson(config->second).value("containerd", json::object());
      const std::string handler = containerd.value("defaultRuntimeName", "");
      const std::string default_type = containerd.value("runtimes", json::object())
                                           .value(handler, json::object())
                                           .value("runtimeType", "");
      if (!default_type.empty() && !runtime_type.empty()) {
        EXPECT_EQ(runtime_type, default_type)
            << runtime.node << ": pod " << pod << " ran under " << runtime_type
            << ", not the default handler " << handler << "'s " << default_type;
      }
      std::cout << runtime.node << ": default runtime handler '" << handler << "' (" << default_type
                << ")\n";
    }
    std::cout << runtime.node << ": pod " << pod << " container " << container_id.substr(0, 12)
              << " runs from OCI runtime spec " << oci_version
              << (runtime_type.empty() ? "" : ", shim " + runtime_type)
              << (binary.empty() ? "" : ", OCI runtime " + binary) << "\n";
  }
}

}  // namespace ra2cert::suites
