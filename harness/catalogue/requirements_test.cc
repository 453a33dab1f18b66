#include "harness/catalogue/requirements.h"

#include <gtest/gtest.h>

namespace ra2cert {
namespace {

TEST(RequirementsTest, BuiltinListParsesWithEverySection) {
  const RequirementSet& set = BuiltinRequirements();
  EXPECT_EQ(set.sections.size(), 8u);
  EXPECT_GT(set.requirements.size(), 80u);
  const Requirement* cri = set.Find("ra2.crt.002");
  ASSERT_NE(cri, nullptr);
  EXPECT_EQ(cri->section, "4.4");
  EXPECT_EQ(cri->kind, "must");
  EXPECT_EQ(cri->profile, "any");
  const Requirement* hugepages = set.Find("ra2.ch.001");
  ASSERT_NE(hugepages, nullptr);
  EXPECT_EQ(hugepages->profile, "network-intensive");
  EXPECT_FALSE(RequirementSet::InProfile(*hugepages, "basic"));
  EXPECT_TRUE(RequirementSet::InProfile(*cri, "basic"));
}

TEST(RequirementsTest, ErrorsNameTheSourceLineAndField) {
  const std::string text =
      "sections: {\"4.4\": Runtimes}\n"
      "requirements:\n"
      "  - {id: a.1, section: \"4.4\", kind: must, testable: api, text: x}\n"
      "  - {id: a.2, section: \"4.4\", kind: shall, testable: api, text: x}\n";
  auto set = ParseRequirements(text, "req.yaml");
  ASSERT_FALSE(set);
  EXPECT_NE(set.error().message().find("req.yaml:4"), std::string::npos) << set.error().message();
  EXPECT_NE(set.error().message().find("kind 'shall'"), std::string::npos);
}

TEST(RequirementsTest, RejectsDuplicatesMissingFieldsAndNonYaml) {
  EXPECT_FALSE(
      ParseRequirements("sections: {\"4.4\": R}\nrequirements:\n"
                        "  - {id: a.1, section: \"4.4\", kind: must, testable: api, text: x}\n"
                        "  - {id: a.1, section: \"4.4\", kind: must, testable: api, text: y}\n",
                        "r.yaml"));
  auto missing = ParseRequirements(
      "sections: {\"4.4\": R}\nrequirements:\n  - {id: a.1, section: \"4.4\", kind: must}\n",
      "r.yaml");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message().find("missing 'testable'"), std::string::npos);
  EXPECT_FALSE(ParseRequirements("{ unclosed", "r.yaml"));
  EXPECT_FALSE(
      ParseRequirements("sections: {\"4.4\": R}\nrequirements:\n"
                        "  - {id: a.1, section: \"9.9\", kind: must, testable: api, text: x}\n",
                        "r.yaml"));
}

}  // namespace
}  // namespace ra2cert
