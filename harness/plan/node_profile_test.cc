#include "harness/plan/node_profile.h"

#include <gtest/gtest.h>

namespace ra2cert {
namespace {

using nlohmann::json;

json Node(const std::string& name, json roles, json profile, bool simulated = false) {
  return {{"name", name}, {"roles", roles}, {"profile", profile}, {"simulated", simulated}};
}

TEST(NodeProfile, BasicWorkersMakeABasicRun) {
  const auto chosen = ProfileFromNodes(
      json::array({Node("cp", {"control-plane"}, "basic"), Node("w1", {"worker"}, "basic")}));
  EXPECT_EQ(chosen.profile, "basic");
  EXPECT_EQ(chosen.reason, "no worker labelled anuket.io/profile=network-intensive");
}

TEST(NodeProfile, ANetworkIntensiveWorkerMakesANetworkIntensiveRun) {
  const auto chosen = ProfileFromNodes(
      json::array({Node("cp", {"control-plane"}, json::array()), Node("w1", {"worker"}, "basic"),
                   Node("w2", {"worker"}, "network-intensive"),
                   Node("w3", json::array(), "network-intensive")}));
  EXPECT_EQ(chosen.profile, "network-intensive");
  EXPECT_EQ(chosen.reason, "worker(s) w2, w3 labelled anuket.io/profile=network-intensive");
}

TEST(NodeProfile, ControlPlaneAndSimulatedNodesDoNotDecide) {
  const auto chosen = ProfileFromNodes(
      json::array({Node("cp", {"control-plane"}, "network-intensive"),
                   Node("win", {"worker"}, "network-intensive", /*simulated=*/true)}));
  EXPECT_EQ(chosen.profile, "basic");
  EXPECT_EQ(chosen.reason, "no worker node to read a profile label from");
  EXPECT_EQ(ProfileFromNodes(json()).profile, "basic");
  EXPECT_EQ(
      ProfileFromNodes(json::array({42, Node("w", {"worker"}, {"network-intensive"})})).profile,
      "basic");
}

}  // namespace
}  // namespace ra2cert
