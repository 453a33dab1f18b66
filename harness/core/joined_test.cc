#include "harness/core/joined.h"

#include <gtest/gtest.h>

namespace ra2cert {
namespace {

TEST(Joined, PutsTheSeparatorBetweenEachTwoItems) {
  EXPECT_EQ(Joined({}), "");
  EXPECT_EQ(Joined({"a"}), "a");
  EXPECT_EQ(Joined({"a", "b", "c"}), "a, b, c");
  EXPECT_EQ(Joined({"a", "b"}, ","), "a,b");
  // An empty first item keeps its place: the separator still follows it.
  EXPECT_EQ(Joined({"", "b"}, ","), ",b");
}

}  // namespace
}  // namespace ra2cert
