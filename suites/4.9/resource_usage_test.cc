#include "suites/4.9/resource_usage.h"

#include <gtest/gtest.h>

namespace ra2cert::suites {
namespace {
using kube::json;

TEST(ResourceUsage, ParsesTheQuantitiesTheMetricsApiSends) {
  EXPECT_DOUBLE_EQ(*ParseQuantity("250000000n"), 0.25);
  EXPECT_DOUBLE_EQ(*ParseQuantity("1500u"), 0.0015);
  EXPECT_DOUBLE_EQ(*ParseQuantity("12m"), 0.012);
  EXPECT_DOUBLE_EQ(*ParseQuantity("2"), 2);
  EXPECT_DOUBLE_EQ(*ParseQuantity("0.5"), 0.5);
  EXPECT_DOUBLE_EQ(*ParseQuantity("5120Ki"), 5120.0 * 1024);
  EXPECT_DOUBLE_EQ(*ParseQuantity("3Mi"), 3.0 * 1024 * 1024);
  EXPECT_DOUBLE_EQ(*ParseQuantity("3M"), 3e6);
  EXPECT_DOUBLE_EQ(*ParseQuantity("0"), 0);
}

TEST(ResourceUsage, RefusesWhatIsNotAQuantity) {
  for (const char* text : {"", "n", "-5m", "12x", "12mi", "1e3", "Ki", "1..2"}) {
    EXPECT_FALSE(ParseQuantity(text).has_value()) << text;
  }
}

TEST(ResourceUsage, ReadsEveryNodeWithAReadableUsage) {
  const json list = json::parse(R"({"kind": "NodeMetricsList", "items": [
    {"metadata": {"name": "node1"}, "usage": {"cpu": "120000000n", "memory": "1024Ki"}},
    {"metadata": {"name": "node2"}, "usage": {"cpu": "7m", "memory": "2Mi"}},
    {"metadata": {"name": "broken"}, "usage": {"cpu": "lots", "memory": "2Mi"}},
    {"metadata": {"name": "empty"}}]})");
  const auto usages = NodeUsages(list);
  ASSERT_EQ(usages.size(), 2u);
  EXPECT_DOUBLE_EQ(usages.at("node1").cpu_cores, 0.12);
  EXPECT_DOUBLE_EQ(usages.at("node1").memory_bytes, 1024.0 * 1024);
  EXPECT_DOUBLE_EQ(usages.at("node2").cpu_cores, 0.007);
  EXPECT_TRUE(NodeUsages(json::object()).empty());
}

TEST(ResourceUsage, ReadsEachContainerOfAPod) {
  const json pod = json::parse(R"({"kind": "PodMetrics", "containers": [
    {"name": "burner", "usage": {"cpu": "950000000n", "memory": "300Ki"}},
    {"name": "idle", "usage": {"cpu": "0", "memory": "200Ki"}}]})");
  const auto usages = ContainerUsages(pod);
  ASSERT_EQ(usages.size(), 2u);
  EXPECT_DOUBLE_EQ(usages.at("burner").cpu_cores, 0.95);
  EXPECT_DOUBLE_EQ(usages.at("idle").cpu_cores, 0);
  EXPECT_DOUBLE_EQ(usages.at("idle").memory_bytes, 200.0 * 1024);
  EXPECT_TRUE(ContainerUsages(json::parse(R"({"containers": "none"})")).empty());
}

TEST(ResourceUsage, SaysWhyAnApiServiceIsNotAvailable) {
  const json available = json::parse(R"({"status": {"conditions": [
    {"type": "Available", "status": "True", "reason": "Passed"}]}})");
  EXPECT_EQ(ApiServiceUnavailability(available), "");
  const json dangling = json::parse(R"({"status": {"conditions": [
    {"type": "Available", "status": "False", "reason": "MissingEndpoints",
     "message": "endpoints for service/metrics-server in \"kube-system\" have no addresses"}]}})");
  EXPECT_EQ(ApiServiceUnavailability(dangling),
            "Available=False, MissingEndpoints: endpoints for service/metrics-server in "
            "\"kube-system\" have no addresses");
  EXPECT_EQ(ApiServiceUnavailability(json::parse(R"({"spec": {}})")),
            "it has no Available condition");
}

}  // namespace
}  // namespace ra2cert::suites
