#include "suites/4.3/cpu_list.h"

#include <gtest/gtest.h>

namespace ra2cert::suites {
namespace {

TEST(CpuList, RangesAndSinglesAsTheKernelWritesThem) {
  EXPECT_EQ(ParseCpuList("1"), (std::set<int>{1}));
  EXPECT_EQ(ParseCpuList("0-1"), (std::set<int>{0, 1}));
  EXPECT_EQ(ParseCpuList("0-2,5,7-8"), (std::set<int>{0, 1, 2, 5, 7, 8}));
}

TEST(CpuList, WhatIsNoCpuListIsRefused) {
  for (const char* bad : {"", ",", "a", "1-", "-1", "3-1", "1,,2", "1 ", "0x1", "99999999"}) {
    EXPECT_FALSE(ParseCpuList(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace ra2cert::suites
