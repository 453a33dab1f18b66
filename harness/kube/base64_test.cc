#include "harness/kube/base64.h"

#include <gtest/gtest.h>

namespace ra2cert {
namespace {

TEST(Base64Test, RoundTripsAllPaddingLengths) {
  for (const std::string& text :
       std::vector<std::string>{"", "a", "ab", "abc", "abcd", std::string("\0\xFF\x10", 3)}) {
    auto decoded = DecodeBase64(EncodeBase64(text));
    ASSERT_TRUE(decoded) << decoded.error().message();
    EXPECT_EQ(*decoded, text);
  }
  EXPECT_EQ(EncodeBase64("hello"), "aGVsbG8=");
}

TEST(Base64Test, IgnoresLineBreaksAndRejectsGarbage) {
  EXPECT_EQ(DecodeBase64("aGVs\nbG8=\n").value(), "hello");
  EXPECT_FALSE(DecodeBase64("aGVsbG8"));   // bad length
  EXPECT_FALSE(DecodeBase64("aGV*bG8="));  // bad character
}

}  // namespace
}  // namespace ra2cert
