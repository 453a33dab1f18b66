#include "harness/plan/rbac.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "environments/attach/attach_access.h"

namespace ra2cert {
namespace {

CaseDefinition Case(std::vector<ApiAccess> access) {
  CaseDefinition c;
  c.meta.api_access = std::move(access);
  return c;
}

TEST(RbacTest, MergesVerbsPerResourceAndGroupsResourcesWithTheSameVerbs) {
  const auto first = Case({{.verbs = {"create", "delete"}, .resource = "namespaces"},
                           {.verbs = {"watch", "list"}, .resource = "pods"},
                           {.verbs = {"get"}, .resource = "pods", .subresource = "log"}});
  const auto second =
      Case({{.verbs = {"list", "create"}, .resource = "pods"},
            {.verbs = {"delete", "create"}, .resource = "namespaces"},
            {.verbs = {"list"}, .group = "node.k8s.io", .resource = "runtimeclasses"},
            {.verbs = {"get"}, .url = "/metrics"}});
  const std::vector<ApiAccess> harness = {{.verbs = {"get"}, .url = "/version"},
                                          {.verbs = {"list"}, .resource = "nodes"}};
  const auto rules = DeriveRbacRules({&first, &second}, harness);
  const std::vector<RbacRule> expected = {
      {.group = "", .resources = {"namespaces"}, .verbs = {"create", "delete"}},
      {.group = "", .resources = {"nodes"}, .verbs = {"list"}},
      {.group = "", .resources = {"pods"}, .verbs = {"create", "list", "watch"}},
      {.group = "", .resources = {"pods/log"}, .verbs = {"get"}},
      {.group = "node.k8s.io", .resources = {"runtimeclasses"}, .verbs = {"list"}},
      {.urls = {"/metrics", "/version"}, .verbs = {"get"}},
  };
  EXPECT_EQ(rules, expected);
}

TEST(RbacTest, ACriCaseAlsoGrantsWhatStartingItsNodeAgentsTakes) {
  auto cri = Case({{.verbs = {"list"}, .resource = "nodes"}});
  cri.meta.needs = {"cluster", "cri"};
  const auto plain = Case({{.verbs = {"list"}, .resource = "nodes"}});
  const auto without = DeriveRbacRules({&plain}, {});
  const auto with = DeriveRbacRules({&cri}, {});
  const auto grants = [](const std::vector<RbacRule>& rules, const std::string& resource,
                         const std::string& verb) {
    return std::any_of(rules.begin(), rules.end(), [&](const RbacRule& rule) {
      return std::find(rule.resources.begin(), rule.resources.end(), resource) !=
                 rule.resources.end() &&
             std::find(rule.verbs.begin(), rule.verbs.end(), verb) != rule.verbs.end();
    });
  };
  EXPECT_FALSE(grants(without, "clusterroles", "create"));
  EXPECT_TRUE(grants(with, "clusterroles", "create"));
  EXPECT_TRUE(grants(with, "clusterrolebindings", "delete"));
  EXPECT_TRUE(grants(with, "serviceaccounts", "create"));
  EXPECT_TRUE(grants(with, "nodes/proxy", "get"));  // configz: where the socket is
}

TEST(RbacTest, ResourcesOfOneGroupWithEqualVerbsShareARule) {
  const auto c = Case({{.verbs = {"create"}, .resource = "services"},
                       {.verbs = {"create"}, .resource = "configmaps"},
                       {.verbs = {"create"}, .group = "apps", .resource = "deployments"}});
  const auto rules = DeriveRbacRules({&c}, {});
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules[0].resources, (std::vector<std::string>{"configmaps", "services"}));
  EXPECT_EQ(rules[1].group, "apps");
}

TEST(RbacTest, OnlyTheGivenCasesCount) {
  const auto selected = Case({{.verbs = {"list"}, .resource = "nodes"}});
  const auto other = Case({{.verbs = {"create"}, .resource = "pods"}});
  auto cri_only = Case({});
  cri_only.meta.no_api_access = true;
  const auto rules = DeriveRbacRules({&selected, &cri_only}, {});
  ASSERT_EQ(rules.size(), 1u);
  EXPECT_EQ(rules[0].resources, std::vector<std::string>{"nodes"});
  (void)other;
}

TEST(RbacTest, HarnessTableIsWellFormedAndCoversAttaching) {
  ASSERT_FALSE(AttachApiAccess().empty());
  for (const auto& access : AttachApiAccess()) {
    EXPECT_TRUE(ApiAccessProblems(access).empty()) << DescribeAccess(access);
  }
  const auto rules = DeriveRbacRules({}, AttachApiAccess());
  bool lists_nodes = false;
  for (const auto& rule : rules) {
    lists_nodes |= rule.group.empty() && rule.resources == std::vector<std::string>{"nodes"} &&
                   rule.verbs == std::vector<std::string>{"list"};
  }
  EXPECT_TRUE(lists_nodes);
}

TEST(RbacTest, ParsesTheServiceAccountFlag) {
  auto account = ParseServiceAccount("certify/runner-1");
  ASSERT_TRUE(account) << account.error().message();
  EXPECT_EQ(account->namespace_, "certify");
  EXPECT_EQ(account->name, "runner-1");
  for (const char* bad : {"ra2cert", "/x", "x/", "Upper/case", "a/b/c", ""}) {
    auto parsed = ParseServiceAccount(bad);
    ASSERT_FALSE(parsed) << bad;
    EXPECT_EQ(parsed.error().code(), 2);
    EXPECT_NE(parsed.error().message().find("--service-account"), std::string::npos);
  }
}

TEST(RbacTest, YamlRoundTripsToTheRoleAndItsBinding) {
  const std::vector<RbacRule> rules = {
      {.group = "", .resources = {"pods", "pods/log"}, .verbs = {"get"}},
      {.urls = {"/metrics"}, .verbs = {"get"}}};
  const auto objects = RbacObjects(rules, {"certify", "runner"});
  auto text = RenderRbac(objects, "yaml");
  ASSERT_TRUE(text) << text.error().message();
  const auto documents = YAML::LoadAll(*text);
  ASSERT_EQ(documents.size(), 2u) << *text;
  const YAML::Node role = documents[0];
  EXPECT_EQ(role["kind"].as<std::string>(), "ClusterRole");
  EXPECT_EQ(role["metadata"]["name"].as<std::string>(), "ra2cert:certify:runner");
  ASSERT_EQ(role["rules"].size(), 2u);
  // The core group is the empty string, not a missing or null entry.
  EXPECT_EQ(role["rules"][0]["apiGroups"][0].as<std::string>(), "");
  EXPECT_TRUE(role["rules"][0]["apiGroups"][0].IsScalar());
  EXPECT_EQ(role["rules"][0]["resources"][1].as<std::string>(), "pods/log");
  EXPECT_EQ(role["rules"][1]["nonResourceURLs"][0].as<std::string>(), "/metrics");
  EXPECT_FALSE(role["rules"][1]["apiGroups"]);
  const YAML::Node binding = documents[1];
  EXPECT_EQ(binding["kind"].as<std::string>(), "ClusterRoleBinding");
  EXPECT_EQ(binding["roleRef"]["name"].as<std::string>(), "ra2cert:certify:runner");
  EXPECT_EQ(binding["subjects"][0]["kind"].as<std::string>(), "ServiceAccount");
  EXPECT_EQ(binding["subjects"][0]["namespace"].as<std::string>(), "certify");
  EXPECT_EQ(binding["subjects"][0]["name"].as<std::string>(), "runner");

  auto list = RenderRbac(objects, "json");
  ASSERT_TRUE(list);
  const auto parsed = nlohmann::json::parse(*list);
  EXPECT_EQ(parsed["kind"], "List");
  EXPECT_EQ(parsed["items"], nlohmann::json(objects));
  auto bad = RenderRbac(objects, "table");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), 2);
}

}  // namespace
}  // namespace ra2cert
