// 4.5 CNI: the default pod network carries traffic between nodes, and Services and
// cluster DNS work on it.
#include <sstream>

#include "fixtures/kube/case_access.h"
#include "fixtures/kube/case_cluster.h"
#include "harness/catalogue/case.h"

namespace ra2cert::suites {
namespace {
using fixtures::json;

// "key=value" lines a probe printed.
std::string Field(const std::string& logs, const std::string& key) {
  std::istringstream lines(logs);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(key + "=", 0) == 0) return line.substr(key.size() + 1);
  }
  return {};
}
}  // namespace

RA2CERT_CASE(PodNetwork, CrossNodeServiceByDnsName,
             {.id = "4.5.001",
              .title = "A pod on one node reaches a pod on another node through a Service DNS name",
              .requirements = {"ra2.ntw.002", "ra2.ntw.001"},
              .needs = {"cluster"},
              .timeout = std::chrono::seconds(180),
              .violations = {"cluster-dns-down", "cni-config-removed"},
              .api_access = Combine({fixtures::access::ReadNodes(),
                                     fixtures::access::TestNamespace(),
                                     fixtures::access::RunProbePod(),
                                     {{.verbs = {"create"}, .resource = "services"}}})}) {
  RA2CERT_REQUIRE_OK(client, kube::Client::ForCase());
  RA2CERT_REQUIRE_OK(nodes, fixtures::ReadNodes(*client));
  // Two different nodes: two workers where there are, else a worker and a control-plane
  // node (the client pod tolerates its taint). The probe pods are Linux pods pinned by
  // node name: Windows and simulated nodes cannot run them.
  std::vector<json> ready_workers;
  std::string not_ready;
  for (const auto& node : nodes->workers) {
    if (!fixtures::IsLinux(node) || fixtures::IsSimulated(node)) continue;
    if (fixtures::IsReady(node)) {
      ready_workers.push_back(node);
    } else {
      not_ready += " " + fixtures::DescribeReadiness(node);
    }
  }
  ASSERT_FALSE(ready_workers.empty()) << "no Linux worker node is Ready to run pods:" << not_ready;
  const std::string server_node = fixtures::NodeName(ready_workers[0]);
  std::string client_node;
  bool tolerate = false;
  if (ready_workers.size() > 1) {
    client_node = fixtures::NodeName(ready_workers[1]);
  } else {
    for (const auto& node : nodes->control_plane) {
      if (fixtures::IsReady(node) && !fixtures::IsSimulated(node))
        client_node = fixtures::NodeName(node);
    }
    tolerate = true;
  }
  // One schedulable node is not a violation of the network requirement: traffic just
  // cannot cross nodes here.
  if (client_node.empty()) GTEST_SKIP() << "only one Ready node: traffic cannot cross nodes";

  RA2CERT_REQUIRE_OK(ns, fixtures::TestNamespace::Create(*client, "4.5.001"));
  fixtures::ProbePodSpec server{
      .name = "web",
      .command = {"mkdir -p /www && echo ra2cert-web-$(hostname) > /www/index.html && "
                  "exec httpd -f -p 8080 -h /www"},
      .node_name = server_node,
      .labels = {{"app", "web"}}};
  server.container_extra = {
      {"ports", json::array({{{"containerPort", 8080}}})},
      {"readinessProbe", {{"tcpSocket", {{"port", 8080}}}, {"periodSeconds", 1}}}};
  RA2CERT_REQUIRE_OK(started, fixtures::StartProbePod(*client, ns->name(), server));
  const json service = {{"apiVersion", "v1"},
                        {"kind", "Service"},
                        {"metadata", {{"name", "web"}}},
                        {"spec",
                         {{"selector", {{"app", "web"}}},
                          {"ports", json::array({{{"port", 80}, {"targetPort", 8080}}})}}}};
  RA2CERT_REQUIRE_OK(created,
                     client->Create("/api/v1/namespaces/" + ns->name() + "/services", service));
  auto ready = kube::WaitFor(
      *client, "/api/v1/namespaces/" + ns->name() + "/pods",
      {.field_selector = "metadata.name=web"},
      [](const kube::WatchEvent& event) {
        for (const auto& c :
             event.object.value("status", json::object()).value("conditions", json::array())) {
          if (c.value("type", "") == "Ready" && c.value("status", "") == "True") return true;
        }
        return false;
      },
      fixtures::In(std::chrono::seconds(60)));
  RA2CERT_INFRA_ERROR_UNLESS_CLUSTER(ready);
  ASSERT_TRUE(ready) << "the web pod on " << server_node << " did not become Ready in 60 s: "
                     << fixtures::DescribePodState(*client, ns->name(), "web");
  const std::string server_ip = ready->value("status", json::object()).value("podIP", "");

  // The cluster domain is the cluster's: the kubelet writes it into every pod's
  // resolv.conf search path as svc.<domain>.
  const std::string name = "web." + ns->name() + ".svc";
  fixtures::ProbePodSpec probe{
      .name = "client",
      .command =
          {"domain=$(awk '/^search/ { for (i = 2; i <= NF; i++) if ($i ~ /^svc\\./) { "
           "sub(/^svc\\./, \"\", $i); print $i; exit } }' /etc/resolv.conf); "
           "echo domain=$domain; fqdn=" +
           name +
           ".$domain; echo fqdn=$fqdn; "
           "address=$(nslookup $fqdn 2>/dev/null | awk '/^Name:/ { n = 1 } n && "
           "/^Address/ { print $NF; exit }'); echo resolved=${address:-none}; "
           "for i in 1 2 3 4 5 6 7 8 9 10; do "
           "out=$(printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 $fqdn 80) && break; sleep 1; "
           "done; echo \"by-name=$(echo \"$out\" | tr -d '\\r' | tail -n 1)\"; "
           "echo \"by-ip=$(printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 " +
           server_ip + " 8080 | tr -d '\\r' | tail -n 1)\""},
      .node_name = client_node,
      .tolerate_control_plane = tolerate};
  RA2CERT_REQUIRE_OK(outcome, fixtures::RunProbePod(*client, ns->name(), probe,
                                                    fixtures::In(std::chrono::seconds(90))));
  EXPECT_NE(outcome->node, server_node);
  const std::string domain = Field(outcome->logs, "domain");
  const std::string fqdn = Field(outcome->logs, "fqdn");
  ASSERT_FALSE(domain.empty())
      << "the pod's resolv.conf names no cluster domain (no svc.<domain> search entry):\n"
      << outcome->logs;
  EXPECT_NE(Field(outcome->logs, "resolved"), "none")
      << "the Service name " << fqdn << " does not resolve through cluster DNS:\n"
      << outcome->logs;
  EXPECT_NE(Field(outcome->logs, "by-name").find("ra2cert-web-web"), std::string::npos)
      << "no answer through the Service name " << fqdn << ":\n"
      << outcome->logs;
  EXPECT_NE(Field(outcome->logs, "by-ip").find("ra2cert-web-web"), std::string::npos)
      << "no answer from the pod address " << server_ip << " on " << server_node
      << " across nodes:\n"
      << outcome->logs;
}

}  // namespace ra2cert::suites
