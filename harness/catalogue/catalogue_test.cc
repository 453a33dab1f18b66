#include "harness/catalogue/catalogue.h"

#include <gtest/gtest.h>

namespace ra2cert {
namespace {

CaseDefinition Case(std::string id, std::vector<std::string> requirements = {"ra2.crt.002"}) {
  CaseDefinition c;
  c.meta.id = std::move(id);
  c.meta.title = "a title";
  c.meta.requirements = std::move(requirements);
  c.meta.violations = {"scheduler-stopped"};
  c.meta.api_access = {{.verbs = {"list"}, .resource = "nodes"}};
  c.gtest_name = "Suite." + c.meta.id;
  c.file = "suites/x.cc";
  c.line = 7;
  return c;
}

TEST(CatalogueTest, SortsValidCasesById) {
  auto catalogue =
      BuildCatalogue({Case("4.4.002"), Case("4.2.001"), Case("4.4.001")}, BuiltinRequirements());
  ASSERT_TRUE(catalogue) << catalogue.error().message();
  ASSERT_EQ(catalogue->cases.size(), 3u);
  EXPECT_EQ(catalogue->cases[0].meta.id, "4.2.001");
  EXPECT_EQ(catalogue->cases[2].meta.id, "4.4.002");
  EXPECT_EQ(catalogue->cases[1].Section(), "4.4");
  EXPECT_NE(catalogue->Find("4.4.002"), nullptr);
  EXPECT_EQ(catalogue->Find("4.9.999"), nullptr);
}

TEST(CatalogueTest, RejectsDuplicateIdsNamingBothPlaces) {
  auto first = Case("4.4.001");
  auto second = Case("4.4.001");
  second.file = "suites/y.cc";
  second.line = 42;
  auto catalogue = BuildCatalogue({first, second}, BuiltinRequirements());
  ASSERT_FALSE(catalogue);
  EXPECT_NE(catalogue.error().message().find("declared twice"), std::string::npos);
  EXPECT_NE(catalogue.error().message().find("suites/y.cc:42"), std::string::npos);
}

TEST(CatalogueTest, RefusesACaseCoveringARequirementSaidToBeUncovered) {
  auto catalogue = BuildCatalogue({Case("4.3.001", {"ra2.k8s.007"})}, BuiltinRequirements());
  ASSERT_FALSE(catalogue);
  EXPECT_NE(catalogue.error().message().find("covers ra2.k8s.007, which suites/requirements.yaml "
                                             "says no case covers (uncovered)"),
            std::string::npos)
      << catalogue.error().message();
}

TEST(CatalogueTest, RejectsUnknownRequirementIds) {
  auto catalogue = BuildCatalogue({Case("4.4.001", {"ra2.crt.999"})}, BuiltinRequirements());
  ASSERT_FALSE(catalogue);
  EXPECT_NE(catalogue.error().message().find("unknown requirement id 'ra2.crt.999'"),
            std::string::npos);
}

TEST(CatalogueTest, RejectsMalformedIdsSectionsNeedsProfilesAndTimeouts) {
  auto bad_id = Case("4.4.1");
  auto bad_section = Case("5.1.001");
  auto bad_need = Case("4.4.002");
  bad_need.meta.needs = {"teleporter"};
  auto bad_profile = Case("4.4.003");
  bad_profile.meta.profiles = {"gold"};
  auto bad_timeout = Case("4.4.004");
  bad_timeout.meta.timeout = std::chrono::seconds(0);
  auto no_requirement = Case("4.4.005", {});
  auto catalogue =
      BuildCatalogue({bad_id, bad_section, bad_need, bad_profile, bad_timeout, no_requirement},
                     BuiltinRequirements());
  ASSERT_FALSE(catalogue);
  const std::string& message = catalogue.error().message();
  for (const char* expected :
       {"id must look like S.S.NNN", "section 5.1 is not", "unknown need 'teleporter'",
        "unknown profile 'gold'", "timeout must be positive", "cites no requirement"}) {
    EXPECT_NE(message.find(expected), std::string::npos) << expected << "\n" << message;
  }
}

TEST(CatalogueTest, EveryCaseNamesItsNegativeControlOrWhyItHasNone) {
  auto without = Case("4.4.001");
  without.meta.violations.clear();
  auto unknown = Case("4.4.002");
  unknown.meta.violations = {"cluster-on-fire"};
  auto with_reason = Case("4.4.003");
  with_reason.meta.violations.clear();
  with_reason.meta.no_violation_reason = "a hardware fact";
  auto catalogue = BuildCatalogue({without, unknown, with_reason}, BuiltinRequirements());
  ASSERT_FALSE(catalogue);
  const std::string& message = catalogue.error().message();
  EXPECT_NE(message.find("'4.4.001': names no violation"), std::string::npos) << message;
  EXPECT_NE(message.find("'4.4.002': unknown violation 'cluster-on-fire'"), std::string::npos)
      << message;
  EXPECT_EQ(message.find("'4.4.003'"), std::string::npos) << message;
}

TEST(CatalogueTest, EveryCaseDeclaresItsApiAccessOrThatItNeedsNone) {
  auto undeclared = Case("4.4.001");
  undeclared.meta.api_access.clear();
  auto contradictory = Case("4.4.002");
  contradictory.meta.no_api_access = true;
  auto cri_only = Case("4.4.003");
  cri_only.meta.api_access.clear();
  cri_only.meta.no_api_access = true;
  auto catalogue = BuildCatalogue({undeclared, contradictory, cri_only}, BuiltinRequirements());
  ASSERT_FALSE(catalogue);
  const std::string& message = catalogue.error().message();
  EXPECT_NE(message.find("'4.4.001': declares no Kubernetes API access (.api_access)"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("'4.4.002': declares API access and .no_api_access = true"),
            std::string::npos)
      << message;
  EXPECT_EQ(message.find("'4.4.003'"), std::string::npos) << message;
}

TEST(CatalogueTest, RefusesWildcardsUnknownVerbsAndMalformedResources) {
  auto wildcard = Case("4.4.001");
  wildcard.meta.api_access = {{.verbs = {"*"}, .resource = "pods"}};
  auto unknown_verb = Case("4.4.002");
  unknown_verb.meta.api_access = {{.verbs = {"read"}, .resource = "pods"}};
  auto slash = Case("4.4.003");
  slash.meta.api_access = {{.verbs = {"get"}, .resource = "pods/log"}};
  auto both = Case("4.4.004");
  both.meta.api_access = {{.verbs = {"get"}, .resource = "nodes", .url = "/metrics"}};
  auto url_wildcard = Case("4.4.005");
  url_wildcard.meta.api_access = {{.verbs = {"get"}, .url = "/*/metrics"}};
  auto fine = Case("4.4.006");
  fine.meta.api_access = {{.verbs = {"get"}, .resource = "pods", .subresource = "log"},
                          {.verbs = {"list"}, .group = "node.k8s.io", .resource = "runtimeclasses"},
                          {.verbs = {"get"}, .url = "/apis/*"}};
  auto catalogue = BuildCatalogue({wildcard, unknown_verb, slash, both, url_wildcard, fine},
                                  BuiltinRequirements());
  ASSERT_FALSE(catalogue);
  const std::string& message = catalogue.error().message();
  for (const char* expected :
       {"'4.4.001': api_access '* pods': uses the verb wildcard",
        "'4.4.002': api_access 'read pods': unknown verb 'read'",
        "'4.4.003': api_access 'get pods/log': resource 'pods/log' is not a lower-case plural",
        "'4.4.004': api_access 'get /metrics': names both a URL and a resource",
        "'4.4.005': api_access 'get /*/metrics': URL '/*/metrics' must start with '/'"}) {
    EXPECT_NE(message.find(expected), std::string::npos) << expected << "\n" << message;
  }
  EXPECT_EQ(message.find("'4.4.006'"), std::string::npos) << message;
}

}  // namespace
}  // namespace ra2cert
