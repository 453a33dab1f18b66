#include "reports/bundle/declarations.h"

#include <gtest/gtest.h>

namespace ra2cert::bundle {
namespace {

Result<Declarations> Parse(const std::string& yaml) {
  return ParseDeclarations(yaml, "decl.yaml", BuiltinRequirements());
}

void ExpectError(const std::string& yaml, const std::string& expected) {
  auto parsed = Parse(yaml);
  ASSERT_FALSE(parsed) << yaml;
  EXPECT_EQ(parsed.error().code(), 2);
  EXPECT_NE(parsed.error().message().find(expected), std::string::npos) << parsed.error().message();
}

TEST(Declarations, ParsesAndRendersAsDeclared) {
  auto parsed = Parse(
      "vendor: Example Networks\n"
      "declarations:\n"
      "  - requirement: ra2.ch.008\n"
      "    statement: Every worker has 2 sockets of 24 cores.\n"
      "    evidence: Hardware BOM rev. 3\n"
      "  - requirement: ra2.os.005\n"
      "    statement: Nodes are installed by PXE and Ansible.\n");
  ASSERT_TRUE(parsed) << parsed.error().message();
  EXPECT_EQ(parsed->vendor, "Example Networks");
  ASSERT_EQ(parsed->entries.size(), 2u);
  EXPECT_EQ(parsed->entries[0].evidence, "Hardware BOM rev. 3");
  const auto json = DeclarationsJson(*parsed);
  EXPECT_EQ(json["declarations"][0]["status"], "declared");
  EXPECT_EQ(json["declarations"][1]["requirement"], "ra2.os.005");
  EXPECT_FALSE(json["declarations"][1].contains("evidence"));
}

TEST(Declarations, ErrorsNameFileLineAndField) {
  ExpectError("declarations:\n  - requirement: ra2.nope.001\n    statement: x\n",
              "decl.yaml:2: declarations[0].requirement: unknown requirement 'ra2.nope.001'");
  ExpectError("declarations:\n  - requirement: ra2.ch.008\n",
              "decl.yaml:2: declarations[0].statement: missing");
  ExpectError("declarations:\n  - requirement: ra2.ch.008\n    statement: \"  \"\n",
              "decl.yaml:3: declarations[0].statement: must not be empty");
  ExpectError("declarations:\n  - requirement: ra2.ch.008\n    statement: x\n    proof: y\n",
              "decl.yaml:4: declarations[0].proof: unknown field");
  ExpectError(
      "declarations:\n  - {requirement: ra2.ch.008, statement: x}\n"
      "  - {requirement: ra2.ch.008, statement: y}\n",
      "decl.yaml:3: declarations[1].requirement: 'ra2.ch.008' is declared twice");
  ExpectError("declarations: []\n", "decl.yaml:1: declarations: expected a non-empty list");
  ExpectError("vendor: x\n", "'declarations' is missing");
  ExpectError("verdict: pass\n", "decl.yaml:1: verdict: unknown key");
  ExpectError("declarations: [\n", "decl.yaml:");
  ExpectError("- a\n", "expected a mapping");
  ExpectError("declarations:\n  - requirement: [a]\n    statement: x\n",
              "declarations[0].requirement: expected text");
}

}  // namespace
}  // namespace ra2cert::bundle
