// 4.5 CNI: the default pod network carries traffic between nodes, and Services and
// cluster DNS work on it.
#include "fixtures/kube/case_cluster.h"
#include "harness/catalogue/case.h"

namespace ra2cert::suites {
namespace {
using fixtures::json;
}  // namespace

RA2CERT_CASE(PodNetwork, CrossNodeServiceByDnsName,
             {.id = "4.5.001",
              .title = "A pod on one node reaches a pod on another node through a Service DNS name",
              .requirements = {"ra2.ntw.002", "ra2.ntw.001"},
              .needs = {"cluster", "multi-node"},
              .timeout = std::chrono::seconds(180)}) {
  RA2CERT_OK_OR_INFRA(client, kube::Client::ForCase());
  RA2CERT_OK_OR_INFRA(nodes, fixtures::ReadNodes(*client));
  // Two different nodes: two workers where there are, else a worker and a control-plane
  // node (the client pod tolerates its taint).
  std::vector<json> ready_workers;
  for (const auto& node : nodes->workers) {
    // The probe pods are Linux pods pinned by node name: a Windows worker (simulated or not)
    // cannot run them.
    const json labels = node.value("metadata", json::object()).value("labels", json::object());
    if (labels.value("kubernetes.io/os", "linux") == "windows") continue;
    if (fixtures::IsReady(node)) ready_workers.push_back(node);
  }
  ASSERT_FALSE(ready_workers.empty()) << "no Ready worker";
  const std::string server_node = fixtures::NodeName(ready_workers[0]);
  std::string client_node;
  bool tolerate = false;
  if (ready_workers.size() > 1) {
    client_node = fixtures::NodeName(ready_workers[1]);
  } else {
    for (const auto& node : nodes->control_plane) {
      if (fixtures::IsReady(node)) client_node = fixtures::NodeName(node);
    }
    tolerate = true;
  }
  if (client_node.empty()) GTEST_SKIP() << "only one Ready node: traffic cannot cross nodes";

  RA2CERT_OK_OR_INFRA(ns, fixtures::TestNamespace::Create(*client, "4.5.001"));
  fixtures::ProbePodSpec server{
      .name = "web",
      .command = {"mkdir -p /www && echo ra2cert-web-$(hostname) > /www/index.html && "
                  "exec httpd -f -p 8080 -h /www"},
      .node_name = server_node,
      .labels = {{"app", "web"}}};
  server.container_extra = {
      {"ports", json::array({{{"containerPort", 8080}}})},
      {"readinessProbe", {{"tcpSocket", {{"port", 8080}}}, {"periodSeconds", 1}}}};
  RA2CERT_OK_OR_INFRA(started, fixtures::StartProbePod(*client, ns->name(), server));
  const json service = {{"apiVersion", "v1"},
                        {"kind", "Service"},
                        {"metadata", {{"name", "web"}}},
                        {"spec",
                         {{"selector", {{"app", "web"}}},
                          {"ports", json::array({{{"port", 80}, {"targetPort", 8080}}})}}}};
  RA2CERT_OK_OR_INFRA(created,
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
      fixtures::In(std::chrono::seconds(90)));
  ASSERT_TRUE(ready) << "the web pod did not become Ready: " << ready.error().message();
  const std::string server_ip = ready->value("status", json::object()).value("podIP", "");

  const std::string fqdn = "web." + ns->name() + ".svc.cluster.local";
  fixtures::ProbePodSpec probe{.name = "client",
                               .command = {"for i in 1 2 3 4 5 6 7 8 9 10; do "
                                           "out=$(printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 " +
                                           fqdn +
                                           " 80) && break; sleep 1; done; "
                                           "echo \"$out\"; nslookup " +
                                           fqdn +
                                           "; "
                                           "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 " +
                                           server_ip + " 8080"},
                               .node_name = client_node,
                               .tolerate_control_plane = tolerate};
  RA2CERT_OK_OR_INFRA(outcome, fixtures::RunProbePod(*client, ns->name(), probe,
                                                     fixtures::In(std::chrono::seconds(90))));
  EXPECT_NE(outcome->node, server_node);
  // Twice: once through the Service name, once straight to the pod's address.
  size_t first = outcome->logs.find("ra2cert-web-web");
  ASSERT_NE(first, std::string::npos) << "no answer through the Service name " << fqdn << ":\n"
                                      << outcome->logs;
  EXPECT_NE(outcome->logs.find("ra2cert-web-web", first + 1), std::string::npos)
      << "no answer from the pod address " << server_ip << " across nodes:\n"
      << outcome->logs;
}

}  // namespace ra2cert::suites
