#include "harness/cri/cri_endpoints.h"

#include <gtest/gtest.h>
#include <stdlib.h>

namespace ra2cert::cri {
namespace {

TEST(CriEndpointsTest, ParsesNodesInOrder) {
  auto parsed = ParseEndpoints(
      "ra2cert-node1=unix:///var/lib/ra2cert/local/nodes/ra2cert-node1/containerd/containerd.sock,"
      "ra2cert-node2=unix:///run/containerd/containerd.sock");
  ASSERT_TRUE(parsed) << parsed.error().message();
  ASSERT_EQ(parsed->size(), 2u);
  EXPECT_EQ((*parsed)[0],
            (NodeEndpoint{
                "ra2cert-node1",
                "unix:///var/lib/ra2cert/local/nodes/ra2cert-node1/containerd/containerd.sock"}));
  EXPECT_EQ((*parsed)[1],
            (NodeEndpoint{"ra2cert-node2", "unix:///run/containerd/containerd.sock"}));
}

TEST(CriEndpointsTest, TrimsBlanksSkipsEmptyItemsAndAcceptsPlainPaths) {
  auto parsed = ParseEndpoints(" a = /run/a.sock ,, b=unix:///run/b.sock, ");
  ASSERT_TRUE(parsed) << parsed.error().message();
  EXPECT_EQ(*parsed,
            (std::vector<NodeEndpoint>{{"a", "unix:///run/a.sock"}, {"b", "unix:///run/b.sock"}}));
  EXPECT_TRUE(ParseEndpoints("").value().empty());
  EXPECT_TRUE(ParseEndpoints("  ").value().empty());
}

TEST(CriEndpointsTest, RefusesMalformedItemsNamingThem) {
  auto no_equals = ParseEndpoints("a=unix:///a.sock,unix:///b.sock");
  ASSERT_FALSE(no_equals);
  EXPECT_NE(no_equals.error().message().find("'unix:///b.sock' is not node=endpoint"),
            std::string::npos)
      << no_equals.error().message();
  auto no_node = ParseEndpoints("=unix:///a.sock");
  ASSERT_FALSE(no_node);
  EXPECT_NE(no_node.error().message().find("names no node"), std::string::npos);
  auto twice = ParseEndpoints("a=/a.sock,a=/b.sock");
  ASSERT_FALSE(twice);
  EXPECT_NE(twice.error().message().find("node a is named twice"), std::string::npos);
  auto tcp = ParseEndpoints("a=tcp://10.0.0.1:1234");
  ASSERT_FALSE(tcp);
  EXPECT_NE(tcp.error().message().find("node a"), std::string::npos);
  EXPECT_NE(tcp.error().message().find("only unix://"), std::string::npos);
  EXPECT_FALSE(ParseEndpoints("a="));
  EXPECT_FALSE(ParseEndpoints("a=unix://relative.sock"));
  EXPECT_FALSE(ParseEndpoints("a=relative.sock"));
}

TEST(CriEndpointsTest, NormalizesEndpoints) {
  EXPECT_EQ(NormalizeEndpoint("unix:///run/x.sock").value(), "unix:///run/x.sock");
  EXPECT_EQ(NormalizeEndpoint("/run/x.sock").value(), "unix:///run/x.sock");
  EXPECT_FALSE(NormalizeEndpoint("npipe:////./pipe/containerd"));
  EXPECT_FALSE(NormalizeEndpoint("unix://"));
}

TEST(CriEndpointsTest, ReadsTheEnvironment) {
  ::unsetenv(kEndpointsVariable);
  auto unset = EndpointsFromEnvironment();
  ASSERT_FALSE(unset);
  EXPECT_NE(unset.error().message().find(kEndpointsVariable), std::string::npos);
  ::setenv(kEndpointsVariable, "n1=/run/n1.sock", 1);
  auto set = EndpointsFromEnvironment();
  ASSERT_TRUE(set) << set.error().message();
  EXPECT_EQ(*set, (std::vector<NodeEndpoint>{{"n1", "unix:///run/n1.sock"}}));
  ::setenv(kEndpointsVariable, "n1", 1);
  auto bad = EndpointsFromEnvironment();
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message().rfind(kEndpointsVariable, 0), 0u) << bad.error().message();
  ::unsetenv(kEndpointsVariable);
}

}  // namespace
}  // namespace ra2cert::cri
