// 4.2 Host OS, network-intensive profile: huge pages are enabled on every network-intensive
// worker (its kubelet publishes hugepages-2Mi or hugepages-1Gi capacity) and schedulable: a pod
// asking for huge pages of that size is placed on the node and runs with a hugetlbfs volume
// backed by them.
#include <cstdio>
#include <string>
#include <vector>

#include "fixtures/kube/case_access.h"
#include "fixtures/kube/case_cluster.h"
#include "harness/catalogue/case.h"
#include "suites/4.9/resource_usage.h"

namespace ra2cert::suites {
namespace {
using fixtures::json;

// The huge page size the node offers most of ("hugepages-2Mi"), or "" when it offers none.
std::string OfferedHugePages(const json& node, std::string& figures) {
  const json capacity = node.value("status", json::object()).value("capacity", json::object());
  std::string best;
  double most = 0;
  for (const char* resource : {"hugepages-2Mi", "hugepages-1Gi"}) {
    const std::string text = capacity.value(resource, "0");
    figures += std::string(figures.empty() ? "" : ", ") + resource + " " + text;
    const auto bytes = ParseQuantity(text);
    if (bytes && *bytes > most) {
      most = *bytes;
      best = resource;
    }
  }
  return best;
}
}  // namespace

RA2CERT_CASE(
    HostOs, NetworkIntensiveWorkersOfferHugePages,
    {.id = "4.2.012",
     .title = "Network-intensive workers offer huge pages (2Mi or 1Gi) and a pod asking for "
              "them runs there with a hugetlbfs volume",
     .requirements = {"ra2.ch.001"},
     .profiles = {"network-intensive"},
     .needs = {"cluster"},
     .timeout = std::chrono::seconds(120),
     .violations = {"hugepages-not-reserved"},
     .api_access = Combine({fixtures::access::ReadNodes(), fixtures::access::TestNamespace(),
                            fixtures::access::RunProbePod()})}) {
  RA2CERT_REQUIRE_OK(client, kube::Client::ForCase());
  RA2CERT_REQUIRE_OK(nodes, fixtures::ReadNodes(*client));
  const std::vector<const json*> network_intensive = fixtures::NetworkIntensiveWorkers(*nodes);
  ASSERT_FALSE(network_intensive.empty()) << fixtures::kNoNetworkIntensiveWorker;
  RA2CERT_REQUIRE_OK(ns, fixtures::TestNamespace::Create(*client, "4.2.012"));
  for (const json* node : network_intensive) {
    const std::string name = fixtures::NodeName(*node);
    std::string figures;
    const std::string resource = OfferedHugePages(*node, figures);
    std::printf("%s: %s\n", name.c_str(), figures.c_str());
    if (resource.empty()) {
      ADD_FAILURE() << "network-intensive worker " << name << " offers no huge pages (capacity "
                    << figures
                    << "): none are reserved in its kernel (vm.nr_hugepages, or hugepages= on "
                       "its command line)";
      continue;
    }
    const std::string page = resource.substr(resource.find('-') + 1);  // "2Mi"
    const json limits = {{resource, page}, {"memory", "32Mi"}, {"cpu", "50m"}};
    RA2CERT_REQUIRE_OK(
        outcome,
        fixtures::RunProbePod(
            *client, ns->name(),
            {.name = "hugepages-" + name,
             .command = {"grep ' /hugepages hugetlbfs ' /proc/mounts"},
             .extra_spec =
                 [&] {
                   json spec = fixtures::ScheduledOnto(name);
                   spec["volumes"] = {
                       {{"name", "hugepages"}, {"emptyDir", {{"medium", "HugePages-" + page}}}}};
                   return spec;
                 }(),
             .container_extra = {{"resources", {{"requests", limits}, {"limits", limits}}},
                                 {"volumeMounts",
                                  {{{"name", "hugepages"}, {"mountPath", "/hugepages"}}}}}},
            fixtures::In(std::chrono::seconds(60))));
    EXPECT_EQ(outcome->phase, "Succeeded")
        << "a pod asking for " << page << " of " << resource << " on " << name
        << " did not run with a hugetlbfs volume (exit " << outcome->exit_code
        << "): " << outcome->logs;
  }
}

}  // namespace ra2cert::suites
