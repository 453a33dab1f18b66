#include "harness/run/run_objects.h"

#include <gtest/gtest.h>

#include <set>

namespace ra2cert {
namespace {

TEST(RunIdTest, NewIdsAreValidLabelValuesAndDiffer) {
  std::set<std::string> ids;
  for (int i = 0; i < 50; ++i) {
    const std::string id = NewRunId();
    EXPECT_TRUE(CheckRunId(id)) << id;
    EXPECT_LE(id.size(), 63u);  // a label value's limit
    ids.insert(id);
  }
  // 24 random bits per id within the same second: 50 ids colliding would be a broken source.
  EXPECT_GT(ids.size(), 45u);
}

TEST(RunIdTest, RefusesWhatCouldSelectOtherRunsObjects) {
  for (const std::string bad :
       {"", "*", "20261130t182715", "20261130t182715-3fa9c1,x", "20261130t182715-3FA9C1",
        "2026113xt182715-3fa9c1", "20261130t182715-3fa9c1 ", "!ra2cert.io/run"}) {
    auto checked = CheckRunId(bad);
    ASSERT_FALSE(checked) << bad;
    EXPECT_EQ(checked.error().code(), 2);
    EXPECT_NE(checked.error().message().find("--run"), std::string::npos);
  }
}

}  // namespace
}  // namespace ra2cert
