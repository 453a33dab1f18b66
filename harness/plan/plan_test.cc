#include "harness/plan/plan.h"

#include <gtest/gtest.h>

#include <chrono>

namespace ra2cert {
namespace {

CaseDefinition Case(std::string id, std::string title, std::vector<std::string> needs = {},
                    std::vector<std::string> profiles = {"basic", "network-intensive"}) {
  CaseDefinition c;
  c.meta.id = std::move(id);
  c.meta.title = std::move(title);
  c.meta.requirements = {"ra2.crt.002"};
  c.meta.needs = std::move(needs);
  c.meta.profiles = std::move(profiles);
  c.meta.timeout = std::chrono::seconds(10);
  c.meta.no_violation_reason = "plan test";
  c.meta.no_api_access = true;
  return c;
}

class PlanTest : public testing::Test {
 protected:
  void SetUp() override {
    auto built = BuildCatalogue(
        {Case("4.2.001", "Nodes are separated", {"cluster"}),
         Case("4.4.001", "Runtime answers CRI", {"cluster", "cri"}),
         Case("4.4.002", "Windows workers", {"windows-nodes"}, {"network-intensive"}),
         Case("4.8.001", "Helm installs a chart", {"helm"})},
        BuiltinRequirements());
    ASSERT_TRUE(built) << built.error().message();
    catalogue_ = std::move(built).value();
    capabilities_.present["cluster"] = "3 nodes";
    capabilities_.absent["cri"] = "no CRI socket reachable";
  }
  std::vector<std::string> Ids(const Plan& plan) {
    std::vector<std::string> ids;
    for (const auto& c : plan.cases) ids.push_back(c.definition->meta.id);
    return ids;
  }
  Catalogue catalogue_;
  Capabilities capabilities_;
};

TEST_F(PlanTest, ProfileAndSectionsFilter) {
  Selection selection;
  auto plan = BuildPlan(catalogue_, selection, capabilities_);
  ASSERT_TRUE(plan);
  EXPECT_EQ(Ids(*plan), (std::vector<std::string>{"4.2.001", "4.4.001", "4.8.001"}));
  selection.profile = "network-intensive";
  selection.sections = {"4.4"};
  plan = BuildPlan(catalogue_, selection, capabilities_);
  ASSERT_TRUE(plan);
  EXPECT_EQ(Ids(*plan), (std::vector<std::string>{"4.4.001", "4.4.002"}));
}

TEST_F(PlanTest, NoProfileSelectsTheCasesOfEveryProfile) {
  Selection selection;
  selection.profile.clear();  // what `list` and `rbac` use without --profile
  auto selected = SelectCases(catalogue_, selection);
  ASSERT_TRUE(selected);
  std::vector<std::string> ids;
  for (const auto* c : *selected) ids.push_back(c->meta.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"4.2.001", "4.4.001", "4.4.002", "4.8.001"}));
}

TEST_F(PlanTest, FocusAndSkipMatchIdAndTitle) {
  Selection selection;
  selection.focus = "CRI|Helm";
  selection.skip = "^4\\.8";
  auto plan = BuildPlan(catalogue_, selection, capabilities_);
  ASSERT_TRUE(plan);
  EXPECT_EQ(Ids(*plan), (std::vector<std::string>{"4.4.001"}));
}

TEST_F(PlanTest, MissingCapabilitySkipsWithTheProvidersReason) {
  auto plan = BuildPlan(catalogue_, Selection{}, capabilities_);
  ASSERT_TRUE(plan);
  EXPECT_TRUE(plan->cases[0].runs);
  EXPECT_FALSE(plan->cases[1].runs);
  EXPECT_EQ(plan->cases[1].skip_reason, "needs 'cri': no CRI socket reachable");
  EXPECT_FALSE(plan->cases[2].runs);
  EXPECT_NE(plan->cases[2].skip_reason.find("needs 'helm'"), std::string::npos);
  EXPECT_EQ(plan->RunnableCount(), 1);
  // Neither a CRI socket nor a Helm client out of reach makes a requirement inapplicable.
  EXPECT_FALSE(plan->cases[1].not_applicable);
  EXPECT_FALSE(plan->cases[2].not_applicable);
}

TEST_F(PlanTest, AnAbsentOptionalFeatureMakesTheCaseNotApplicable) {
  Selection selection;
  selection.profile = "network-intensive";
  selection.sections = {"4.4"};
  capabilities_.absent["windows-nodes"] = "no node is labelled kubernetes.io/os=windows";
  auto plan = BuildPlan(catalogue_, selection, capabilities_);
  ASSERT_TRUE(plan);
  ASSERT_EQ(plan->cases.size(), 2u);
  EXPECT_FALSE(plan->cases[1].runs);
  EXPECT_TRUE(plan->cases[1].not_applicable) << plan->cases[1].skip_reason;
}

TEST_F(PlanTest, TimeoutMultiplierScalesTimeouts) {
  auto plan = BuildPlan(catalogue_, Selection{}, capabilities_, 2.5);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->cases[0].timeout, std::chrono::milliseconds(25000));
  EXPECT_FALSE(BuildPlan(catalogue_, Selection{}, capabilities_, 0));
}

TEST_F(PlanTest, BadInputNamesTheFlag) {
  Selection selection;
  selection.focus = "([";
  auto plan = BuildPlan(catalogue_, selection, capabilities_);
  ASSERT_FALSE(plan);
  EXPECT_NE(plan.error().message().find("--focus"), std::string::npos);
  selection = Selection{};
  selection.profile = "gold";
  EXPECT_NE(BuildPlan(catalogue_, selection, capabilities_).error().message().find("--profile"),
            std::string::npos);
  selection = Selection{};
  selection.sections = {"4.1"};
  EXPECT_NE(BuildPlan(catalogue_, selection, capabilities_).error().message().find("--section"),
            std::string::npos);
}

// std::regex takes exponential time on (a+)+$ against a long run of a's followed by a
// mismatch; RE2 is linear, so this returns at once instead of burning CPU for hours.
TEST_F(PlanTest, CatastrophicPatternsMatchInLinearTime) {
  auto built = BuildCatalogue({Case("4.2.001", std::string(20000, 'a') + "!", {"cluster"})},
                              BuiltinRequirements());
  ASSERT_TRUE(built) << built.error().message();
  for (const char* pattern : {"(a+)+$", "(a|aa)+$", "(a*)*b", "(.*a){20}$"}) {
    Selection selection;
    selection.focus = pattern;
    const auto start = std::chrono::steady_clock::now();
    auto selected = SelectCases(*built, selection);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    ASSERT_TRUE(selected) << pattern << ": " << selected.error().message();
    EXPECT_TRUE(selected->empty()) << pattern;
    EXPECT_LT(elapsed, std::chrono::seconds(2)) << pattern;
  }
}

TEST_F(PlanTest, AnInvalidPatternGivesRe2sReasonAndUsageCode) {
  Selection selection;
  selection.skip = "(?=lookahead)";  // valid ECMAScript, not RE2
  auto selected = SelectCases(catalogue_, selection);
  ASSERT_FALSE(selected);
  EXPECT_NE(selected.error().message().find("--skip: '(?=lookahead)' is not a valid regular "
                                            "expression (RE2: "),
            std::string::npos)
      << selected.error().message();
  EXPECT_EQ(selected.error().code(), 2);
}

}  // namespace
}  // namespace ra2cert
