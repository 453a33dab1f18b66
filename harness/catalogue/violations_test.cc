#include "harness/catalogue/violations.h"

#include <gtest/gtest.h>

#include <regex>

#include "harness/catalogue/requirements.h"

namespace ra2cert {
namespace {

TEST(Violations, BuiltinListIsWellFormed) {
  const ViolationSet& set = BuiltinViolations();
  ASSERT_FALSE(set.violations.empty());
  for (const auto& violation : set.violations) {
    SCOPED_TRACE(violation.name);
    EXPECT_TRUE(violation.kind == "live" || violation.kind == "spin-up");
    EXPECT_NO_THROW(std::regex(violation.evidence, std::regex::extended | std::regex::icase));
    EXPECT_FALSE(violation.breaks.empty()) << "names no requirement it breaks";
    for (const auto& id : violation.breaks) {
      EXPECT_NE(BuiltinRequirements().Find(id), nullptr) << "unknown requirement " << id;
    }
  }
}

TEST(Violations, RejectsMalformedLists) {
  EXPECT_FALSE(ParseViolations("violations: {}", "v.yaml"));
  auto missing = ParseViolations("violations:\n  - {name: a, kind: live}\n", "v.yaml");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message().find("v.yaml:2: violation is missing 'description'"),
            std::string::npos)
      << missing.error().message();
  auto kind = ParseViolations(
      "violations:\n  - {name: a, kind: sometimes, description: d, evidence: e}\n", "v.yaml");
  ASSERT_FALSE(kind);
  EXPECT_NE(kind.error().message().find("use live or spin-up"), std::string::npos);
  auto twice = ParseViolations(
      "violations:\n  - {name: a, kind: live, description: d, evidence: e}\n"
      "  - {name: a, kind: live, description: d, evidence: e}\n",
      "v.yaml");
  ASSERT_FALSE(twice);
  EXPECT_NE(twice.error().message().find("listed twice"), std::string::npos);
}

TEST(Violations, ViolateFlagNamesTheUnknownOne) {
  auto parsed = ParseViolateFlag("scheduler-stopped,no-such-thing", BuiltinViolations());
  ASSERT_FALSE(parsed);
  EXPECT_NE(parsed.error().message().find("--violate: unknown violation 'no-such-thing'"),
            std::string::npos);
  auto good = ParseViolateFlag("scheduler-stopped,stale-node", BuiltinViolations());
  ASSERT_TRUE(good) << good.error().message();
  EXPECT_EQ(good->size(), 2u);
  EXPECT_FALSE(ParseViolateFlag(",", BuiltinViolations()));
}

TEST(Violations, SpinUpOnesNameThePartTheyChangeAndTwoOnOnePartAreRefused) {
  auto unnamed = ParseViolations(
      "violations:\n  - {name: a, kind: spin-up, description: d, evidence: e}\n", "v.yaml");
  ASSERT_FALSE(unnamed);
  EXPECT_NE(unnamed.error().message().find("v.yaml:2: spin-up violation a is missing 'changes'"),
            std::string::npos)
      << unnamed.error().message();
  auto set = ParseViolations(
      "violations:\n"
      "  - {name: a, kind: spin-up, description: d, evidence: e, changes: etcd}\n"
      "  - {name: b, kind: spin-up, description: d, evidence: e, changes: etcd}\n"
      "  - {name: c, kind: spin-up, description: d, evidence: e, changes: kube-apiserver}\n"
      "  - {name: l, kind: live, description: d, evidence: e}\n",
      "v.yaml");
  ASSERT_TRUE(set) << set.error().message();
  auto clash = ParseViolateFlag("a,c,l,b", *set);
  ASSERT_FALSE(clash);
  EXPECT_NE(clash.error().message().find("--violate: a and b both change etcd"), std::string::npos)
      << clash.error().message();
  auto together = ParseViolateFlag("a,c,l,a", *set);
  ASSERT_TRUE(together) << together.error().message();
  EXPECT_EQ(together->size(), 4u);
}

}  // namespace
}  // namespace ra2cert
