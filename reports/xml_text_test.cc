#include "reports/xml_text.h"

#include <gtest/gtest.h>

namespace ra2cert {
namespace {

TEST(XmlTextTest, KeepsValidTextAndMultibyteCharacters) {
  EXPECT_EQ(XmlSafeText("plain <tag> & \"quotes\"\ttab\nnewline"),
            "plain <tag> & \"quotes\"\ttab\nnewline");
  EXPECT_EQ(XmlSafeText("gr\xC3\xBC\xC3\x9F \xE2\x82\xAC \xF0\x9F\x90\xB3"),
            "gr\xC3\xBC\xC3\x9F \xE2\x82\xAC \xF0\x9F\x90\xB3");
}

TEST(XmlTextTest, EscapesCharactersXmlForbids) {
  EXPECT_EQ(XmlSafeText(std::string("a\x01z\x1B[31m\x7F", 9)), "a\\x01z\\x1B[31m\x7F");
  EXPECT_EQ(XmlSafeText(std::string("nul\0end", 7)), "nul\\x00end");
  EXPECT_EQ(XmlSafeText("\xEF\xBF\xBE"), "\\xFFFE");  // U+FFFE is not a character
}

TEST(XmlTextTest, ReplacesInvalidUtf8) {
  const std::string replacement = "\xEF\xBF\xBD";
  EXPECT_EQ(XmlSafeText("bad\xFF"
                        "byte"),
            "bad" + replacement + "byte");
  EXPECT_EQ(XmlSafeText("cut\xE2\x82"), "cut" + replacement + replacement);
  EXPECT_EQ(XmlSafeText("overlong\xC0\xAF"), "overlong" + replacement + replacement);
  EXPECT_EQ(XmlSafeText("surrogate\xED\xA0\x80"),
            "surrogate" + replacement + replacement + replacement);
}

TEST(XmlTextTest, BoundKeepsHeadAndTailOnCharacterBoundaries) {
  EXPECT_EQ(BoundText("short", 100), "short");
  std::string big = "HEAD" + std::string(10000, 'x') + "TAIL";
  std::string bounded = BoundText(big, 100);
  EXPECT_LT(bounded.size(), 160u);
  EXPECT_EQ(bounded.substr(0, 4), "HEAD");
  EXPECT_EQ(bounded.substr(bounded.size() - 4), "TAIL");
  EXPECT_NE(bounded.find("bytes omitted"), std::string::npos);
  std::string euros;
  for (int i = 0; i < 1000; ++i) euros += "\xE2\x82\xAC";
  // The result must stay valid UTF-8 whatever the cut points.
  const std::string cut = BoundText(euros, 101);
  EXPECT_EQ(XmlSafeText(cut), cut);
}

}  // namespace
}  // namespace ra2cert
