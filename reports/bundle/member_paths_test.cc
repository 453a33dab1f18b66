#include "reports/bundle/member_paths.h"

#include <gtest/gtest.h>

namespace ra2cert::bundle {
namespace {

TEST(MemberPaths, AcceptsPlainRelativePaths) {
  for (const char* path : {"results.json", "logs/4.2.001.log", "SHA256SUMS", "a/b/c..d"}) {
    EXPECT_TRUE(CheckMemberPath(path)) << path;
  }
}

TEST(MemberPaths, RefusesWhatAnExtractorCouldBeTrickedWith) {
  const std::pair<std::string, std::string> cases[] = {
      {"", "empty"},
      {"/etc/passwd", "absolute"},
      {"../evil", "traversal"},
      {"logs/../../x", "traversal"},
      {"./a", "'.'"},
      {"a//b", "empty path"},
      {"logs/", "empty path"},
      {"a\\b", "backslash"},
      {"a\nb", "control"},
      {std::string(256, 'a'), "longer than 255"},
  };
  for (const auto& [path, why] : cases) {
    auto checked = CheckMemberPath(path);
    ASSERT_FALSE(checked) << path;
    EXPECT_NE(checked.error().message().find(why), std::string::npos)
        << path << ": " << checked.error().message();
  }
}

}  // namespace
}  // namespace ra2cert::bundle
