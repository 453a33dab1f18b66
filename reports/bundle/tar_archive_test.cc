#include "reports/bundle/tar_archive.h"

#include <gtest/gtest.h>

namespace ra2cert::bundle {
namespace {

TEST(TarArchive, RoundTripsEntriesAndTheirKinds) {
  const std::vector<TarEntry> entries = {
      {"a.txt", "alpha\n"},
      {"logs/b.log", std::string(100000, 'b')},
      {"empty", ""},
      {"dir/", "", EntryKind::kDirectory},
      {"link", "", EntryKind::kSymlink, "/etc/passwd"},
      {"hard", "", EntryKind::kHardlink, "a.txt"},
      {"null", "", EntryKind::kDevice},
  };
  auto archive = WriteTarGz(entries, 1700000000);
  ASSERT_TRUE(archive) << archive.error().message();
  auto read = ReadTarGz(*archive);
  ASSERT_TRUE(read) << read.error().message();
  ASSERT_EQ(read->size(), entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    EXPECT_EQ((*read)[i].path, entries[i].path);
    EXPECT_EQ((*read)[i].kind, entries[i].kind) << entries[i].path;
    EXPECT_EQ((*read)[i].data, entries[i].data) << entries[i].path;
    EXPECT_EQ((*read)[i].link_target, entries[i].link_target) << entries[i].path;
  }
}

TEST(TarArchive, IsReproducible) {
  const std::vector<TarEntry> entries = {{"a", "1"}, {"b/c", "2"}};
  auto first = WriteTarGz(entries, 1700000000);
  auto second = WriteTarGz(entries, 1700000000);
  ASSERT_TRUE(first && second);
  EXPECT_EQ(*first, *second);
  // gzip header: magic, deflate, no FNAME flag, MTIME zero.
  ASSERT_GT(first->size(), 10u);
  EXPECT_EQ(static_cast<unsigned char>((*first)[0]), 0x1f);
  EXPECT_EQ(static_cast<unsigned char>((*first)[1]), 0x8b);
  EXPECT_EQ((*first)[3] & 0x08, 0);
  EXPECT_EQ(first->substr(4, 4), std::string(4, '\0'));
  EXPECT_NE(*first, *WriteTarGz(entries, 1700000001));
}

TEST(TarArchive, RefusesWhatIsNotGzippedTar) {
  EXPECT_FALSE(ReadTarGz("definitely not an archive"));
  EXPECT_FALSE(ReadTarGz(""));
}

TEST(TarArchive, StopsAtSizeLimits) {
  // 64 MiB of zeros compress to ~64 KiB: a small gzip bomb.
  auto bomb = WriteTarGz({{"zeros", std::string(size_t{64} << 20, '\0')}}, 0);
  ASSERT_TRUE(bomb);
  EXPECT_LT(bomb->size(), size_t{1} << 20);
  ReadLimits limits;
  limits.max_entry_bytes = size_t{1} << 20;
  auto refused = ReadTarGz(*bomb, limits);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message().find("zeros: larger than"), std::string::npos)
      << refused.error().message();

  auto many = WriteTarGz({{"a", std::string(600000, 'a')}, {"b", std::string(600000, 'b')}}, 0);
  limits = ReadLimits{};
  limits.max_total_bytes = 1000000;
  auto total = ReadTarGz(*many, limits);
  ASSERT_FALSE(total);
  EXPECT_NE(total.error().message().find("unpacks to more than"), std::string::npos);
  limits = ReadLimits{};
  limits.max_entries = 1;
  EXPECT_FALSE(ReadTarGz(*many, limits));
  limits = ReadLimits{};
  limits.max_archive_bytes = 10;
  EXPECT_FALSE(ReadTarGz(*many, limits));
}

}  // namespace
}  // namespace ra2cert::bundle
