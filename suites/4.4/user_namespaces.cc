// 4.4 Container runtimes: user namespaces (sec.sys.021). A pod that asks for
// `hostUsers: false` must run with its container root mapped to an unprivileged range of
// host ids. The kubelet only passes the request on; whether it works is the runtime's
// (and the kernel's) answer, which a sandbox failure reports in an event, not in the pod.
#include <sstream>

#include "fixtures/kube/case_access.h"
#include "fixtures/kube/case_cluster.h"
#include "harness/catalogue/case.h"
#include "harness/kube/watch.h"

namespace ra2cert::suites {
namespace {
using fixtures::json;

constexpr const char* kPod = "userns";

std::string Reason(const json& event) { return event.value("reason", ""); }
}  // namespace

RA2CERT_CASE(
    ContainerRuntime, UserNamespacedPodRootIsNotHostRoot,
    {.id = "4.4.007",
     .title = "A pod with hostUsers: false runs in its own user namespace: its root is "
              "not the node's root",
     .requirements = {"sec.sys.021"},
     .needs = {"cluster"},
     .timeout = std::chrono::seconds(120),
     .violations = {"containerd-cri-disabled", "runtime-containerd-1.6"},
     .api_access = Combine({fixtures::access::TestNamespace(), fixtures::access::StartProbePod(),
                            fixtures::access::WaitFor("events"), fixtures::access::WaitForPod(),
                            fixtures::access::PodLogs()})}) {
  RA2CERT_REQUIRE_OK(client, kube::Client::ForCase());
  RA2CERT_REQUIRE_OK(ns, fixtures::TestNamespace::Create(*client, "4.4.007"));
  const fixtures::ProbePodSpec spec{
      .name = kPod, .command = {"cat /proc/self/uid_map"}, .extra_spec = {{"hostUsers", false}}};
  RA2CERT_REQUIRE_OK(started, fixtures::StartProbePod(*client, ns->name(), spec));

  // Either the container starts or the runtime refuses the sandbox; both are events.
  kube::ListOptions events;
  events.field_selector = std::string("involvedObject.name=") + kPod;
  auto first = kube::WaitFor(
      *client, "/api/v1/namespaces/" + ns->name() + "/events", events,
      [](const kube::WatchEvent& e) {
        const std::string reason = Reason(e.object);
        return reason == "Started" || reason == "FailedCreatePodSandBox" || reason == "Failed";
      },
      fixtures::In(std::chrono::seconds(60)));
  RA2CERT_INFRA_ERROR_UNLESS_CLUSTER(first);
  ASSERT_TRUE(first) << "the pod with hostUsers: false neither started nor failed visibly in 60 s: "
                     << fixtures::DescribePodState(*client, ns->name(), kPod);
  ASSERT_EQ(Reason(*first), "Started")
      << "the node refused a pod with hostUsers: false (" << Reason(*first)
      << "): " << first->value("message", "") << " — user namespaces are not supported";

  RA2CERT_REQUIRE_OK(pod, fixtures::WaitForPod(*client, ns->name(), kPod, {"Succeeded", "Failed"},
                                               fixtures::In(std::chrono::seconds(40))));
  RA2CERT_REQUIRE_OK(logs, client->PodLogs(ns->name(), kPod));
  ASSERT_EQ(pod->value("status", json::object()).value("phase", ""), "Succeeded") << *logs;
  // uid_map: "<uid inside> <uid outside> <count>" per line; without a user namespace it is
  // the identity map of every id, "0 0 4294967295".
  std::istringstream map(*logs);
  long long inside = -1, outside = -1, count = -1;
  map >> inside >> outside >> count;
  ASSERT_EQ(inside, 0) << "unexpected uid_map: " << *logs;
  EXPECT_NE(outside, 0) << "container root is host root: " << *logs;
  EXPECT_LT(count, 4294967295LL) << "the container sees every host id: " << *logs;
}

}  // namespace ra2cert::suites
