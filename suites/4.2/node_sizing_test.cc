#include "suites/4.2/node_sizing.h"

#include <gtest/gtest.h>

namespace ra2cert::suites {
namespace {

kube::json NodeWith(kube::json capacity) {
  return {{"metadata", {{"name", "n"}}}, {"status", {{"capacity", std::move(capacity)}}}};
}

TEST(NodeSizing, AServerSizedNodeMeetsEveryFigure) {
  // 32 GiB of RAM minus what the kernel keeps: still above 32·10^9 bytes.
  const auto sizing = JudgeNodeSizing(
      NodeWith({{"cpu", "16"}, {"memory", "32763452Ki"}, {"ephemeral-storage", "468823028Ki"}}));
  EXPECT_TRUE(sizing.shortfalls.empty()) << sizing.figures;
  EXPECT_EQ(sizing.figures, "16 CPU, 33.55 GB memory, 480.1 GB local filesystem");
}

TEST(NodeSizing, EachShortFigureIsNamedWithItsRequirement) {
  const auto sizing = JudgeNodeSizing(
      NodeWith({{"cpu", "2"}, {"memory", "24576Mi"}, {"ephemeral-storage", "40Gi"}}));
  ASSERT_EQ(sizing.shortfalls.size(), 3u) << sizing.figures;
  EXPECT_EQ(sizing.shortfalls[0], "2 CPU, below 16 (ra2.ch.011)");
  EXPECT_EQ(sizing.shortfalls[1], "25.77 GB memory, below 32 GB (ra2.ch.012)");
  EXPECT_EQ(sizing.shortfalls[2], "42.95 GB local filesystem, below 320 GB (ra2.ch.010)");
}

TEST(NodeSizing, MillicoresAndJustBelowAreShort) {
  const auto sizing = JudgeNodeSizing(
      NodeWith({{"cpu", "15900m"}, {"memory", "32G"}, {"ephemeral-storage", "319999999999"}}));
  ASSERT_EQ(sizing.shortfalls.size(), 2u) << sizing.figures;
  EXPECT_NE(sizing.shortfalls[0].find("ra2.ch.011"), std::string::npos);
  EXPECT_NE(sizing.shortfalls[1].find("ra2.ch.010"), std::string::npos);
}

TEST(NodeSizing, AFigureTheNodeDoesNotPublishIsAShortfall) {
  const auto sizing = JudgeNodeSizing(NodeWith({{"cpu", "64"}, {"memory", "not-a-quantity"}}));
  ASSERT_EQ(sizing.shortfalls.size(), 2u) << sizing.figures;
  EXPECT_EQ(sizing.shortfalls[0], "publishes no memory capacity (ra2.ch.012)");
  EXPECT_EQ(sizing.shortfalls[1], "publishes no local filesystem capacity (ra2.ch.010)");
  EXPECT_EQ(JudgeNodeSizing(kube::json::array()).shortfalls.size(), 3u);
}

}  // namespace
}  // namespace ra2cert::suites
