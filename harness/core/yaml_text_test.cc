#include "harness/core/yaml_text.h"

#include <gtest/gtest.h>

#include <string>

namespace ra2cert {
namespace {

TEST(YamlTextTest, AcceptsOrdinaryYamlWithUnicode) {
  EXPECT_TRUE(
      CheckYamlText("a: 1\r\nb: \"caf\xC3\xA9 \xF0\x9F\x9A\x80\"\nc:\n- [x, {y: z}]\n", "f"));
}

TEST(YamlTextTest, RefusesControlBytesAndInvalidUtf8WithTheirPlace) {
  auto control = CheckYamlText("a: 1\nb: \x01\n", "kubeconfig kc");
  ASSERT_FALSE(control);
  EXPECT_EQ(control.error().code(), 2);
  EXPECT_NE(control.error().message().find("kubeconfig kc:2:4: byte 0x01"), std::string::npos)
      << control.error().message();
  for (const std::string bad : {"\xFF", "\xC3(", "\xED\xA0\x80", "\xE0\x80\xAF", "\xEF\xBF\xBF"})
    EXPECT_FALSE(CheckYamlText("k: " + bad, "f")) << bad;
}

// The input tests/fuzz found: yaml-cpp 0.7 allocated 9 GB on it and never returned.
TEST(YamlTextTest, RefusesTheInputThatHungYamlCpp) {
  const std::string input =
      ",\x84\x84\x84\x84\x84\xFF\xFF\xFF\xFF\x84\x84\x84\x84\x84\x84\x84\x84\x84\x84\x84\x84\x84"
      "\x84\x01\x02\x03: \x04\x05"
      "2\n";
  EXPECT_FALSE(CheckYamlText(input, "f"));
}

// Found by tests/fuzz: a document whose root starts with ',' never returns from yaml-cpp.
TEST(YamlTextTest, RefusesDocumentsWhoseRootStartsWithAComma) {
  for (const std::string bad :
       {",", ", ", ",x", "  ,", "# c\n,", "--- ,", "a: 1\n---\n,", "!!str ,", "&a ,", "\n\n  ,",
        "'a' ,", "[a] ,", "- a\n,", "!se4', '4.5'\n", "|\n x\n,"}) {
    auto checked = CheckYamlText(bad, "f");
    ASSERT_FALSE(checked) << bad;
    EXPECT_NE(checked.error().message().find("not valid YAML"), std::string::npos)
        << checked.error().message();
  }
  for (const std::string fine : {"a ,", "a: |\n ,", "x\n,", "k: [a, b]\n"})
    EXPECT_TRUE(CheckYamlText(fine, "f")) << fine;
}

// Found by tests/fuzz after the libyaml check: libyaml accepts it, yaml-cpp never returns.
TEST(YamlTextTest, RefusesWhatYamlCppCannotFinish) {
  auto checked = CheckYamlText("!se45ralel: 2\n'','\n", "f");
  ASSERT_FALSE(checked);
  EXPECT_NE(checked.error().message().find("did not finish"), std::string::npos)
      << checked.error().message();
}

TEST(YamlTextTest, RefusesNestingAndAliasesBeyondTheLimits) {
  const auto nested = [](int n) { return std::string(n, '[') + std::string(n, ']'); };
  EXPECT_FALSE(CheckYamlText(nested(kYamlMaxNesting + 1), "f"));
  EXPECT_TRUE(CheckYamlText(nested(kYamlMaxNesting), "f"));
  EXPECT_TRUE(CheckYamlText("k: \"" + std::string(200, '[') + "\"\n", "f"));
  std::string bomb = "a: &a [x]\nb: [";
  for (int i = 0; i <= kYamlMaxAliases; ++i) bomb += "*a,";
  EXPECT_FALSE(CheckYamlText(bomb + "*a]\n", "f"));
}

}  // namespace
}  // namespace ra2cert
