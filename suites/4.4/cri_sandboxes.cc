// 4.4 Container runtimes: what the API server says runs on a node is what the node's
// runtime runs, seen through CRI: pod sandboxes, their containers and images, created
// for a pod placed on the node and stopped when it is deleted.
#include <algorithm>
#include <iostream>
#include <map>
#include <set>
#include <thread>

#include "fixtures/kube/case_access.h"
#include "fixtures/kube/case_cluster.h"
#include "harness/catalogue/case.h"
#include "suites/4.4/cri_case.h"

namespace ra2cert::suites {
namespace {
using fixtures::json;
using std::chrono::seconds;

constexpr auto kPollInterval = std::chrono::milliseconds(250);

// The ready sandboxes (by "namespace/name") the runtime on a node still has for a pod.
Result<std::vector<cri::PodSandbox>> ReadySandboxes(cri::CriClient& cri,
                                                    const cri::Labels& selector) {
  return cri.ListPodSandbox({.state = cri::SandboxState::kReady, .labels = selector});
}

// Where the API server and one node's runtime disagree: a pod running on the node
// without a ready sandbox, a ready sandbox for a pod the API server does not place
// there, or a sandbox of another incarnation (UID) of the pod.
struct Census {
  size_t running_pods = 0, ready_sandboxes = 0;
  std::vector<std::string> disagreements;
};

Result<Census> TakeCensus(kube::Client& client, NodeRuntime& runtime) {
  auto sandboxes = runtime.cri.ListPodSandbox({.state = cri::SandboxState::kReady});
  if (!sandboxes) return sandboxes.error();
  auto pods = client.List("/api/v1/pods", {.field_selector = "spec.nodeName=" + runtime.node});
  if (!pods) return pods.error();
  std::map<std::string, std::string> api_uid;  // every pod on the node, terminating ones too
  std::set<std::string> api_running;
  for (const auto& pod : pods->items) {
    const json metadata = pod.value("metadata", json::object());
    const std::string key = metadata.value("namespace", "") + "/" + metadata.value("name", "");
    // A static pod's sandbox carries the static pod's UID, which its mirror pod keeps
    // in the config.mirror annotation.
    api_uid[key] = metadata.value("annotations", json::object())
                       .value("kubernetes.io/config.mirror", metadata.value("uid", ""));
    if (pod.value("status", json::object()).value("phase", "") == "Running" &&
        !metadata.contains("deletionTimestamp")) {
      api_running.insert(key);
    }
  }
  // Sandboxes made through CRI by others than the kubelet (ra2cert's own 4.4.02x cases,
  // crictl) lack the kubelet's pod labels and are no pod of the API server's.
  std::map<std::string, std::set<std::string>> cri_uids;
  size_t kubelet_sandboxes = 0;
  for (const auto& sandbox : *sandboxes) {
    if (!sandbox.labels.contains(kPodNamespaceLabel)) continue;
    ++kubelet_sandboxes;
    cri_uids[sandbox.namespace_ + "/" + sandbox.name].insert(sandbox.uid);
  }

  Census census{.running_pods = api_running.size(), .ready_sandboxes = kubelet_sandboxes};
  for (const auto& key : api_running) {
    auto found = cri_uids.find(key);
    if (found == cri_uids.end()) {
      census.disagreements.push_back(
          "pod " + key + " is Running on " + runtime.node +
          " per the API server, but its runtime has no ready sandbox for it");
    } else if (!found->second.contains(api_uid[key])) {
      census.disagreements.push_back("pod " + key + " has UID " + api_uid[key] +
                                     " but the ready sandbox on " + runtime.node +
                                     " belongs to UID " + *found->second.begin());
    }
  }
  for (const auto& [key, uids] : cri_uids) {
    if (!api_uid.contains(key)) {
      census.disagreements.push_back("the runtime on " + runtime.node +
                                     " has a ready sandbox for pod " + key +
                                     ", which the API server does not place on that node");
    }
  }
  return census;
}
}  // namespace

RA2CERT_CASE(ContainerRuntime, CriSandboxFollowsThePod,
             {.id = "4.4.004",
              .title = "A pod placed on a node gets a ready CRI sandbox and running container "
                       "there, gone when the pod is deleted",
              .requirements = {"ra2.crt.002"},
              .needs = {"cluster", "cri"},
              .timeout = std::chrono::seconds(120),
              .violations = {"containerd-cri-disabled"},
              .api_access = Combine({fixtures::access::ReadNodes(),
                                     fixtures::access::TestNamespace(),
                                     SleepersAccess(),
                                     {{.verbs = {"delete"}, .resource = "pods"}},
                                     fixtures::access::WaitFor("pods")})}) {
  RA2CERT_REQUIRE_OK(client, kube::Client::ForCase());
  RA2CERT_REQUIRE_OK(runtimes, ConnectNodeRuntimes());
  RA2CERT_REQUIRE_OK(nodes, fixtures::ReadNodes(*client));
  // A worker whose runtime we reach, a Ready one first; a cluster whose reachable workers
  // are all NotReady fails here. Without a reachable worker, any node we reach.
  size_t target = 0;
  bool found = false;
  std::string not_ready;
  for (size_t i = 0; i < runtimes->size() && !found; ++i) {
    for (const auto& node : nodes->workers) {
      if (fixtures::NodeName(node) != (*runtimes)[i].node) continue;
      if (fixtures::IsReady(node)) {
        target = i;
        found = true;
      } else {
        not_ready += " " + fixtures::DescribeReadiness(node);
      }
    }
  }
  ASSERT_TRUE(found || not_ready.empty())
      << "no worker whose runtime the harness reaches is Ready:" << not_ready;
  NodeRuntime& runtime = (*runtimes)[target];

  RA2CERT_REQUIRE_OK(ns, fixtures::TestNamespace::Create(*client, "4.4.004"));
  RA2CERT_REQUIRE_OK(
      pods, RunSleepers(*client, ns->name(), "pinned", {runtime.node}, fixtures::In(seconds(60))));
  const json& pod = pods->front();
  const json metadata = pod.value("metadata", json::object());
  const std::string name = metadata.value("name", "");
  const std::string uid = metadata.value("uid", "");
  const std::string pod_ip = pod.value("status", json::object()).value("podIP", "");
  const std::string container_id = ContainerIdOf(pod);
  const cri::Labels selector = PodSandboxSelector(ns->name(), name);

  // The sandbox: exactly one, ready, of this pod (namespace, name, UID).
  RA2CERT_REQUIRE_OK(sandboxes, runtime.cri.ListPodSandbox({.labels = selector}));
  ASSERT_EQ(sandboxes->size(), 1u)
      << "the runtime on " << runtime.node << " lists " << sandboxes->size()
      << " sandboxes for running pod " << ns->name() << "/" << name;
  const cri::PodSandbox& sandbox = sandboxes->front();
  std::cout << runtime.node << ": pod " << ns->name() << "/" << name << " -> CRI sandbox "
            << sandbox.id.substr(0, 12) << " " << cri::ToString(sandbox.state) << "\n";
  EXPECT_EQ(sandbox.state, cri::SandboxState::kReady)
      << "the sandbox of a running pod is not ready";
  EXPECT_EQ(sandbox.uid, uid) << "the sandbox belongs to another incarnation of the pod";
  EXPECT_EQ(sandbox.namespace_, ns->name());
  EXPECT_EQ(sandbox.name, name);
  RA2CERT_REQUIRE_OK(sandbox_status, runtime.cri.PodSandboxStatus(sandbox.id));
  EXPECT_EQ(sandbox_status->ip, pod_ip)
      << "the API server and the runtime disagree on the pod's IP";

  // Its one container, running, the one the kubelet reports.
  RA2CERT_REQUIRE_OK(containers, runtime.cri.ListContainers({.pod_sandbox_id = sandbox.id}));
  ASSERT_EQ(containers->size(), 1u)
      << "the sandbox has " << containers->size() << " containers, the pod one";
  const cri::Container& container = containers->front();
  EXPECT_EQ(container.name, "probe");
  EXPECT_EQ(container.state, cri::ContainerState::kRunning) << cri::ToString(container.state);
  EXPECT_EQ(container.id, container_id) << "the kubelet reports another container for the pod";
  std::cout << runtime.node << ": container " << container.name << " " << container.id.substr(0, 12)
            << " " << cri::ToString(container.state) << ", image " << container.image_ref << "\n";

  // The image service knows the container's image and the image filesystem holds it.
  RA2CERT_REQUIRE_OK(images, runtime.cri.ListImages());
  bool image_listed = false;
  for (const auto& image : *images) {
    image_listed = image_listed || image.id == container.image_ref ||
                   std::find(image.repo_digests.begin(), image.repo_digests.end(),
                             container.image_ref) != image.repo_digests.end();
  }
  EXPECT_TRUE(image_listed) << "ListImages on " << runtime.node << " (" << images->size()
                            << " images) lacks the running container's image "
                            << container.image_ref;
  RA2CERT_REQUIRE_OK(filesystems, runtime.cri.GetImageFsInfo());
  ASSERT_FALSE(filesystems->image_filesystems.empty()) << "ImageFsInfo reports no image filesystem";
  const cri::FilesystemUsage& fs = filesystems->image_filesystems.front();
  // Usage figures come from the runtime's periodic stats collection (containerd: every
  // 10 s by default), so a node seconds old may still report 0 bytes; that they are
  // reported at all, for a named filesystem, is what the API promises.
  EXPECT_FALSE(fs.mountpoint.empty()) << "ImageFsInfo names no mountpoint for the image filesystem";
  EXPECT_TRUE(fs.used_bytes.has_value()) << "ImageFsInfo reports no usage for " << fs.mountpoint;

  // No other node's runtime runs it.
  for (auto& other : *runtimes) {
    if (other.node == runtime.node) continue;
    RA2CERT_REQUIRE_OK(elsewhere, other.cri.ListPodSandbox({.labels = selector}));
    EXPECT_TRUE(elsewhere->empty()) << "the runtime on " << other.node
                                    << " also has a sandbox for the pod placed on " << runtime.node;
  }

  // Deleted: once the API server has let the pod go, its sandbox must not stay ready.
  RA2CERT_REQUIRE_OK(deleted, client->Delete("/api/v1/namespaces/" + ns->name() + "/pods/" + name));
  const auto deletion_start = std::chrono::steady_clock::now();
  auto gone = kube::WaitForDeletion(*client, "/api/v1/namespaces/" + ns->name() + "/pods", name,
                                    fixtures::In(seconds(45)));
  ASSERT_TRUE(gone) << "the kubelet did not finish deleting the pod: " << gone.error().message();
  const auto deadline = std::chrono::steady_clock::now() + seconds(15);
  Result<std::vector<cri::PodSandbox>> still_ready = ReadySandboxes(runtime.cri, selector);
  while (still_ready && !still_ready->empty() && std::chrono::steady_clock::now() < deadline &&
         !InterruptRequested()) {
    std::this_thread::sleep_for(kPollInterval);
    still_ready = ReadySandboxes(runtime.cri, selector);
  }
  if (!still_ready) RA2CERT_INFRA_ERROR(still_ready.error().message());
  EXPECT_TRUE(still_ready->empty())
      << "the pod was deleted but its sandbox on " << runtime.node << " is still ready 15 s later";
  RA2CERT_REQUIRE_OK(running, runtime.cri.ListContainers({.state = cri::ContainerState::kRunning,
                                                          .pod_sandbox_id = sandbox.id}));
  EXPECT_TRUE(running->empty()) << "the deleted pod's container still runs on " << runtime.node;
  RA2CERT_REQUIRE_OK(after, runtime.cri.ListPodSandbox({.labels = selector}));
  std::cout << runtime.node << ": pod deleted after "
            << std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - deletion_start)
                   .count()
            << " ms; sandbox now "
            << (after->empty() ? std::string("removed")
                               : std::string(cri::ToString(after->front().state)))
            << ", no container running\n";

  // By now the stats collection has had its turn: the image filesystem, which holds the
  // pod's image (images stay after their pods), must count some bytes.
  const auto usage_deadline = std::chrono::steady_clock::now() + seconds(15);
  Result<cri::ImageFsInfo> usage = runtime.cri.GetImageFsInfo();
  auto used = [&] {
    return usage && !usage->image_filesystems.empty() &&
           usage->image_filesystems.front().used_bytes.value_or(0) > 0;
  };
  while (usage && !used() && std::chrono::steady_clock::now() < usage_deadline &&
         !InterruptRequested()) {
    std::this_thread::sleep_for(seconds(1));
    usage = runtime.cri.GetImageFsInfo();
  }
  if (!usage) RA2CERT_INFRA_ERROR(usage.error().message());
  EXPECT_TRUE(used()) << "ImageFsInfo on " << runtime.node << " still reports 0 bytes used in "
                      << fs.mountpoint << " after 15 s, while it holds " << images->size()
                      << " images";
  if (used()) {
    std::cout << runtime.node << ": ImageFsInfo " << usage->image_filesystems.front().mountpoint
              << " " << *usage->image_filesystems.front().used_bytes << " bytes used\n";
  }
}

RA2CERT_CASE(
    ContainerRuntime, CriSandboxesMatchTheApiServer,
    {.id = "4.4.005",
     .title =
         "On every node the runtime's ready CRI sandboxes are the pods the API server runs there",
     .requirements = {"ra2.crt.002"},
     .needs = {"cluster", "cri"},
     .timeout = std::chrono::seconds(120),
     .violations = {"containerd-cri-disabled"},
     .api_access = Combine({fixtures::access::TestNamespace(),
                            SleepersAccess(),
                            {{.verbs = {"list"}, .resource = "pods"}}})}) {
  RA2CERT_REQUIRE_OK(client, kube::Client::ForCase());
  RA2CERT_REQUIRE_OK(runtimes, ConnectNodeRuntimes());
  std::vector<std::string> node_names;
  for (const auto& runtime : *runtimes) node_names.push_back(runtime.node);
  // A pod of ours on every node, so that no node agrees by being empty.
  RA2CERT_REQUIRE_OK(ns, fixtures::TestNamespace::Create(*client, "4.4.005"));
  RA2CERT_REQUIRE_OK(
      pods, RunSleepers(*client, ns->name(), "census", node_names, fixtures::In(seconds(60))));

  // Pods start and stop all the time on a shared cluster, and each side sees a change a
  // moment apart: a disagreement counts only if it lasts 30 s.
  const auto deadline = std::chrono::steady_clock::now() + seconds(30);
  std::vector<Census> censuses;
  for (;;) {
    censuses.clear();
    bool agree = true;
    for (auto& runtime : *runtimes) {
      RA2CERT_REQUIRE_OK(census, TakeCensus(*client, runtime));
      agree = agree && census->disagreements.empty();
      censuses.push_back(std::move(*census));
    }
    if (agree || std::chrono::steady_clock::now() >= deadline || InterruptRequested()) break;
    std::this_thread::sleep_for(seconds(2));
  }
  for (size_t i = 0; i < runtimes->size(); ++i) {
    std::cout << (*runtimes)[i].node << ": " << censuses[i].running_pods
              << " running pods per the API server, " << censuses[i].ready_sandboxes
              << " ready CRI sandboxes, " << censuses[i].disagreements.size() << " disagreements\n";
    for (const auto& disagreement : censuses[i].disagreements) ADD_FAILURE() << disagreement;
  }
}

}  // namespace ra2cert::suites
