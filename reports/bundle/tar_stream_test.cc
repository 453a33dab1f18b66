#include "reports/bundle/tar_stream.h"

#include <gtest/gtest.h>

#include "reports/bundle/bundle_test_util.h"

namespace ra2cert::bundle {
namespace {

struct Read {
  std::vector<TarMember> members;
  std::vector<std::string> data;
};

// Every member and its data from a tar stream (gzipped here), or the first error.
Result<Read> ReadAll(const std::string& tar, const ReadLimits& limits = {}) {
  const std::string gzip = test::Gzip(tar);
  MemorySource source(gzip);
  GzipReader gunzip(source, {limits.max_archive_bytes, limits.max_total_bytes});
  TarStreamReader reader(gunzip, limits);
  Read read;
  for (;;) {
    auto next = reader.Next();
    if (!next) return next.error();
    if (!*next) return read;
    read.members.push_back(**next);
    std::string data;
    if (auto status = reader.ReadData([&](std::string_view piece) { data.append(piece); });
        !status) {
      return status.error();
    }
    read.data.push_back(std::move(data));
  }
}

std::string Message(const Result<Read>& result) {
  return result ? "(no error)" : result.error().message();
}

// A tar stream as the bundle writer's libarchive makes it.
std::string Tar(const std::vector<TarEntry>& entries) {
  return test::Gunzip(*WriteTarGz(entries, 1700000000));
}

const std::vector<TarEntry> kEntries = {{"SHA256SUMS", "sums\n"},
                                        {"logs/a.log", std::string(1000, 'a')}};

TEST(TarStream, ReadsWhatTheWriterWrites) {
  auto read = ReadAll(Tar(kEntries));
  ASSERT_TRUE(read) << read.error().message();
  ASSERT_EQ(read->members.size(), 2u);
  EXPECT_EQ(read->members[1].path, "logs/a.log");
  EXPECT_EQ(read->members[1].size, 1000u);
  EXPECT_EQ(read->data[1], std::string(1000, 'a'));
  auto kinds = ReadAll(Tar({{"link", "", EntryKind::kSymlink, "/etc/passwd"},
                            {"hard", "", EntryKind::kHardlink, "link"},
                            {"null", "", EntryKind::kDevice}}));
  ASSERT_TRUE(kinds) << kinds.error().message();
  EXPECT_EQ(kinds->members[0].kind_name, "symbolic link");
  EXPECT_EQ(kinds->members[0].link_target, "/etc/passwd");
  EXPECT_EQ(kinds->members[1].kind, EntryKind::kHardlink);
  EXPECT_EQ(kinds->members[2].kind, EntryKind::kDevice);
}

TEST(TarStream, RefusesDataAfterTheEndMarker) {
  std::string tar = Tar(kEntries) + std::string(1024, '\0');  // zero padding, one byte set
  tar[test::EndOfArchive(tar) + 1024 + 7] = 'X';
  EXPECT_NE(Message(ReadAll(tar)).find("unsigned data after the tar end-of-archive marker"),
            std::string::npos)
      << Message(ReadAll(tar));
  std::string appended = Tar(kEntries) + std::string(512, 'Y');
  EXPECT_NE(Message(ReadAll(appended)).find("after the tar end-of-archive marker"),
            std::string::npos);
  // Zeros alone are the writer's record padding, in whole blocks.
  EXPECT_TRUE(ReadAll(Tar(kEntries) + std::string(1024, '\0')));
  EXPECT_NE(Message(ReadAll(Tar(kEntries) + std::string(100, '\0'))).find("512-byte block"),
            std::string::npos);
}

TEST(TarStream, RefusesAMissingOrHalfEndMarker) {
  const std::string tar = Tar(kEntries);
  const size_t end = test::EndOfArchive(tar);
  EXPECT_NE(Message(ReadAll(tar.substr(0, end))).find("no end-of-archive marker after logs/a.log"),
            std::string::npos)
      << Message(ReadAll(tar.substr(0, end)));
  EXPECT_NE(Message(ReadAll(tar.substr(0, end + 512))).find("one zero block, not two"),
            std::string::npos);
}

TEST(TarStream, RefusesTruncatedMembersAndHeaders) {
  const std::string tar = Tar(kEntries);
  const size_t log = test::HeaderOffset(tar, "logs/a.log");
  const auto cut = ReadAll(tar.substr(0, log + 512 + 600));
  EXPECT_NE(Message(cut).find("logs/a.log: truncated: the archive ends after 600 of its 1000"),
            std::string::npos)
      << Message(cut);
  const auto padding = ReadAll(tar.substr(0, log + 512 + 1010));
  EXPECT_NE(Message(padding).find("logs/a.log: truncated: the archive ends in its padding"),
            std::string::npos)
      << Message(padding);
  EXPECT_NE(Message(ReadAll(tar.substr(0, log + 100))).find("after SHA256SUMS is truncated"),
            std::string::npos);
}

TEST(TarStream, RefusesDamagedOrForeignHeaders) {
  std::string tar = Tar(kEntries);
  const size_t log = test::HeaderOffset(tar, "logs/a.log");
  std::string checksum = tar;
  checksum[log + 20] = 'Z';  // inside the name's NUL padding, checksum left stale
  EXPECT_NE(Message(ReadAll(checksum)).find("the header checksum does not match"),
            std::string::npos)
      << Message(ReadAll(checksum));

  std::string hidden = tar;
  hidden[log + 20] = 'Z';
  test::FixChecksum(hidden, log);
  EXPECT_NE(Message(ReadAll(hidden)).find("field 'name' has bytes after its end"),
            std::string::npos)
      << Message(ReadAll(hidden));

  std::string slack = tar;
  slack[log + 505] = 'Z';
  test::FixChecksum(slack, log);
  EXPECT_NE(Message(ReadAll(slack)).find("bytes hidden after the header's fields"),
            std::string::npos);

  std::string gnu = tar;
  test::SetField(gnu, log, 257, 8, std::string_view("ustar  \0", 8));
  EXPECT_NE(Message(ReadAll(gnu)).find("not a POSIX ustar header"), std::string::npos);

  std::string pax = tar;
  test::SetField(pax, log, 156, 1, "x");
  auto read = ReadAll(pax);
  ASSERT_TRUE(read) << read.error().message();  // refusing it is the verifier's job
  EXPECT_EQ(read->members[1].kind_name, "pax extended header");

  std::string size = tar;
  test::SetField(size, log, 124, 12, "0000000175x");
  EXPECT_NE(Message(ReadAll(size)).find("field 'size' is not an octal number"), std::string::npos);
}

TEST(TarStream, RefusesDataInMemberPadding) {
  std::string tar = Tar(kEntries);
  tar[test::HeaderOffset(tar, "logs/a.log") + 512 + 1000 + 3] = 'P';
  EXPECT_NE(Message(ReadAll(tar)).find("logs/a.log: unsigned data in the tar padding after it"),
            std::string::npos)
      << Message(ReadAll(tar));
}

TEST(TarStream, StopsAtItsLimitsNamingThem) {
  const std::string tar = Tar(kEntries);
  ReadLimits limits;
  limits.max_entry_bytes = 999;
  EXPECT_NE(Message(ReadAll(tar, limits))
                .find("logs/a.log: 1000 bytes, more than the 999 a bundle member may hold"),
            std::string::npos)
      << Message(ReadAll(tar, limits));
  limits = ReadLimits{};
  limits.max_entries = 1;
  EXPECT_NE(Message(ReadAll(tar, limits)).find("more than 1 members"), std::string::npos);
  limits = ReadLimits{};
  limits.max_total_bytes = 2048;
  EXPECT_NE(Message(ReadAll(tar, limits)).find("unpacks to more than 2048 bytes"),
            std::string::npos);
}

}  // namespace
}  // namespace ra2cert::bundle
