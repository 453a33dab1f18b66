#include "harness/kube/credential_text.h"

#include <gtest/gtest.h>

namespace ra2cert::kube {
namespace {

TEST(CredentialTextTest, ControlCharactersAreRefusedNamingTheField) {
  EXPECT_TRUE(CheckHeaderValue("eyJhbGciOi.abc-_~+/=", "token"));
  EXPECT_TRUE(CheckHeaderValue("", "token"));
  for (const std::string& bad :
       {std::string("abc\r\nX-Injected: 1"), std::string("abc\n"), std::string("a\tb"),
        std::string("a\x7f"), std::string("a\0b", 3)}) {
    auto status = CheckHeaderValue(bad, "k.yaml: users[u].user.token");
    ASSERT_FALSE(status) << bad;
    EXPECT_EQ(status.error().code(), 2);
    EXPECT_NE(status.error().message().find("k.yaml: users[u].user.token"), std::string::npos);
    EXPECT_EQ(status.error().message().find("X-Injected"), std::string::npos)
        << "the secret is never echoed";
  }
}

TEST(CredentialTextTest, TokenFilesLoseOneTrailingNewline) {
  EXPECT_EQ(TokenFromFile("abc\n"), "abc");
  EXPECT_EQ(TokenFromFile("abc\r\n"), "abc");
  EXPECT_EQ(TokenFromFile("abc"), "abc");
  EXPECT_EQ(TokenFromFile("abc\n\n"), "abc\n") << "a second newline is content, and refused";
  EXPECT_FALSE(CheckHeaderValue(TokenFromFile("abc\nX-Injected: 1\n"), "tokenFile"));
}

}  // namespace
}  // namespace ra2cert::kube
