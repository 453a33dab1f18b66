#include "reports/bundle/gzip_stream.h"

#include <gtest/gtest.h>

#include "reports/bundle/bundle_test_util.h"

namespace ra2cert::bundle {
namespace {

constexpr GzipLimits kRoomy{size_t{1} << 30, size_t{1} << 30};

// Everything the reader yields, or its error.
Result<std::string> Inflate(std::string_view gzip, GzipLimits limits = kRoomy) {
  MemorySource source(gzip);
  GzipReader reader(source, limits);
  std::string out;
  char buffer[4096];
  for (;;) {
    auto n = reader.Read(buffer, sizeof buffer);
    if (!n) return n.error();
    if (*n == 0) return out;
    out.append(buffer, *n);
  }
}

std::string Message(const Result<std::string>& result) {
  return result ? "(no error)" : result.error().message();
}

const std::string kText = std::string(100000, 'x') + "the end\n";

TEST(GzipStream, InflatesOneMember) {
  auto out = Inflate(test::Gzip(kText));
  ASSERT_TRUE(out) << out.error().message();
  EXPECT_EQ(*out, kText);
}

TEST(GzipStream, RefusesACorruptCrc) {
  std::string gzip = test::Gzip(kText);
  gzip[gzip.size() - 8] ^= 0x01;
  EXPECT_NE(Message(Inflate(gzip)).find("gzip layer: the trailer's CRC32"), std::string::npos)
      << Message(Inflate(gzip));
}

TEST(GzipStream, RefusesACorruptIsize) {
  std::string gzip = test::Gzip(kText);
  gzip[gzip.size() - 1] ^= 0x01;
  EXPECT_NE(Message(Inflate(gzip)).find("the trailer's size (ISIZE)"), std::string::npos)
      << Message(Inflate(gzip));
}

TEST(GzipStream, RefusesATruncatedTrailer) {
  const std::string gzip = test::Gzip(kText);
  const auto out = Inflate(gzip.substr(0, gzip.size() - 3));
  EXPECT_NE(Message(out).find("the trailer (CRC32 and size) is truncated"), std::string::npos)
      << Message(out);
}

TEST(GzipStream, RefusesTruncatedDeflateData) {
  const std::string gzip = test::Gzip(kText);
  const auto out = Inflate(gzip.substr(0, gzip.size() / 2));
  EXPECT_NE(Message(out).find("the deflate data is truncated"), std::string::npos) << Message(out);
}

TEST(GzipStream, RefusesDataAfterTheMember) {
  const auto garbage = Inflate(test::Gzip(kText) + "unsigned");
  EXPECT_NE(Message(garbage).find("unsigned data follows the gzip stream"), std::string::npos)
      << Message(garbage);
  const auto zero = Inflate(test::Gzip(kText) + std::string(1, '\0'));
  EXPECT_FALSE(zero);
  const auto member = Inflate(test::Gzip(kText) + test::Gzip("more"));
  EXPECT_NE(Message(member).find("a second gzip member follows"), std::string::npos)
      << Message(member);
}

TEST(GzipStream, NamesTheZeroPaddingOfEarlierBundles) {
  std::string padded = test::Gzip(kText);
  padded.resize((padded.size() / 10240 + 1) * 10240, '\0');
  const auto old = Inflate(padded);
  EXPECT_NE(Message(old).find("zero padding follows the gzip stream at byte"), std::string::npos)
      << Message(old);
  EXPECT_NE(Message(old).find("remake it with `ra2cert bundle DIR`"), std::string::npos);
  // Zeros that do not end on the old block size are just unsigned data.
  const auto odd = Inflate(test::Gzip(kText) + std::string(100, '\0'));
  EXPECT_NE(Message(odd).find("unsigned data follows the gzip stream"), std::string::npos)
      << Message(odd);
}

TEST(GzipStream, RefusesOptionalHeaderFieldsAndOtherFormats) {
  std::string named = test::Gzip(kText);
  named[3] = 0x08;  // FNAME
  EXPECT_NE(Message(Inflate(named)).find("header flags 0x08"), std::string::npos)
      << Message(Inflate(named));
  EXPECT_NE(Message(Inflate("plain text, long enough")).find("not gzip data"), std::string::npos);
  EXPECT_NE(Message(Inflate("")).find("not gzip data"), std::string::npos);
  std::string damaged = test::Gzip(kText);
  damaged[10] = 0x07;  // the last block, of the reserved type 3
  EXPECT_FALSE(Inflate(damaged));
}

TEST(GzipStream, StopsAtItsLimits) {
  const std::string bomb = test::Gzip(std::string(size_t{8} << 20, '\0'));
  const auto big = Inflate(bomb, {size_t{1} << 30, size_t{1} << 20});
  EXPECT_NE(Message(big).find("unpacks to more than 1048576 bytes"), std::string::npos)
      << Message(big);
  const auto large = Inflate(bomb, {1000, size_t{1} << 30});
  EXPECT_NE(Message(large).find("larger than 1000 bytes"), std::string::npos) << Message(large);
}

}  // namespace
}  // namespace ra2cert::bundle
