// Hostile bundles through `ra2cert verify` (the engine's fixture binary is the real CLI):
// each is refused with exit 1 and its reason, the corpus in tests/corpus/bundle/ stays
// what hostile_bundles.cc makes, and every file there is refused without a crash. A
// decompression bomb is refused in bounded memory.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "reports/bundle/bundle_test_util.h"
#include "reports/bundle/tar_archive.h"
#include "tests/bundle/hostile_bundles.h"
#include "tests/support/test_shell.h"

namespace ra2cert::bundle::test {
namespace {
namespace fs = std::filesystem;

const fs::path kCorpus = fs::path(RA2CERT_CORPUS_DIR) / "bundle";
const fs::path kCorpusKey = fs::path(RA2CERT_CORPUS_DIR) / "bundle.pub";
constexpr size_t kMaxCorpusFile = size_t{64} << 10;

using Shell = ra2cert::test_support::ShellRun;
using ra2cert::test_support::ReadFile;
using ra2cert::test_support::WriteFile;

Shell Verify(const fs::path& bundle, const fs::path& key) {
  return ra2cert::test_support::RunShell("env -u KUBECONFIG NO_COLOR=1 " RA2CERT_FIXTURE_BINARY
                                         " verify '" +
                                         bundle.string() + "' --key '" + key.string() + "'");
}

fs::path Scratch() {
  const fs::path dir =
      fs::temp_directory_path() / ("ra2cert-hostile-" + std::to_string(::getpid()) + "-" +
                                   testing::UnitTest::GetInstance()->current_test_info()->name());
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

TEST(BundleCorpus, TheUntouchedBundleVerifiesWithTheCorpusKey) {
  const fs::path dir = Scratch();
  if (std::getenv("RA2CERT_UPDATE_CORPUS") != nullptr) {
    WriteFile(kCorpusKey, *CorpusKey().PublicPem());
  }
  EXPECT_EQ(ReadFile(kCorpusKey), *CorpusKey().PublicPem())
      << kCorpusKey << " is not the corpus key's public half";
  WriteFile(dir / "valid.tar.gz", ValidBundle(dir / "run"));
  const auto shell = Verify(dir / "valid.tar.gz", kCorpusKey);
  EXPECT_EQ(shell.exit_code, 0) << shell.output;
  EXPECT_NE(shell.output.find("profile       basic: not-conformant"), std::string::npos)
      << shell.output;
  if (!HasFailure()) fs::remove_all(dir);
}

class HostileBundleTest : public testing::TestWithParam<HostileBundle> {};

}  // namespace

// GoogleTest names a failing case by its corpus file, not its bytes.
void PrintTo(const HostileBundle& hostile, std::ostream* out) { *out << hostile.file; }

namespace {

TEST_P(HostileBundleTest, VerifyRefusesItNamingTheReason) {
  const HostileBundle& hostile = GetParam();
  const fs::path dir = Scratch();
  const std::string bytes = hostile.make(ValidBundle(dir / "run"));
  EXPECT_LT(bytes.size(), kMaxCorpusFile);
  WriteFile(dir / hostile.file, bytes);
  const auto shell = Verify(dir / hostile.file, kCorpusKey);
  EXPECT_EQ(shell.exit_code, 1) << shell.output;
  EXPECT_NE(shell.output.find("FAILED: " + hostile.reason), std::string::npos)
      << "expected: FAILED: " << hostile.reason << "\ngot: " << shell.output;

  // The fuzzer's seed is this very file: RA2CERT_UPDATE_CORPUS=1 writes it.
  const fs::path seed = kCorpus / hostile.file;
  if (std::getenv("RA2CERT_UPDATE_CORPUS") != nullptr) WriteFile(seed, bytes);
  EXPECT_TRUE(ReadFile(seed) == bytes)
      << seed << " differs from what hostile_bundles.cc makes: run this test with "
      << "RA2CERT_UPDATE_CORPUS=1 to rewrite it";
  if (!HasFailure()) fs::remove_all(dir);
}

std::string TestName(const testing::TestParamInfo<HostileBundle>& info) {
  std::string name;
  for (const char c : info.param.file.substr(0, info.param.file.find('.'))) {
    name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Corpus, HostileBundleTest, testing::ValuesIn(HostileBundles()), TestName);

// Whatever else lands in the folder (the fuzzer adds its finds) must be refused too.
TEST(BundleCorpus, EveryCorpusFileIsRefusedWithAReasonAndNoCrash) {
  size_t files = 0;
  for (const auto& entry : fs::directory_iterator(kCorpus)) {
    SCOPED_TRACE(entry.path().string());
    ++files;
    EXPECT_LT(fs::file_size(entry.path()), kMaxCorpusFile);
    const auto shell = Verify(entry.path(), kCorpusKey);
    EXPECT_EQ(shell.exit_code, 1) << shell.output;
    const size_t failed = shell.output.find(": FAILED: ");
    ASSERT_NE(failed, std::string::npos) << shell.output;
    EXPECT_GT(shell.output.size(), failed + 12) << "no reason given: " << shell.output;
  }
  EXPECT_GE(files, 30u);
}

// The review's case: five members of 250 MiB of zeros (about a megabyte compressed). The
// verifier hashes them as they stream, so memory stays small, and refuses the bundle at
// the 1 GiB limit on its uncompressed size.
TEST(BundleLimits, ABombOfQuarterGibMembersIsRefusedInBoundedMemory) {
  const fs::path dir = Scratch();
  const fs::path bomb = dir / "bomb.tar.gz";
  {
    // The header of a one-byte member, its size field then set to 250 MiB.
    const std::string header = Gunzip(*WriteTarGz({{"big-0.bin", "x"}}, 0)).substr(0, 512);
    z_stream stream{};
    ASSERT_EQ(deflateInit2(&stream, 1, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
    std::ofstream out(bomb, std::ios::binary);
    auto deflate_out = [&](const std::string& data, int flush) {
      stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
      stream.avail_in = static_cast<uInt>(data.size());
      char buffer[65536];
      do {
        stream.next_out = reinterpret_cast<Bytef*>(buffer);
        stream.avail_out = sizeof buffer;
        deflate(&stream, flush);
        out.write(buffer, static_cast<std::streamsize>(sizeof buffer - stream.avail_out));
      } while (stream.avail_out == 0);
    };
    const std::string zeros(size_t{1} << 20, '\0');
    for (int member = 0; member < 5; ++member) {
      std::string block = header;
      block[4] = static_cast<char>('0' + member);  // big-N.bin
      SetField(block, 0, 124, 12, "01750000000");  // 250 MiB
      deflate_out(block, Z_NO_FLUSH);
      for (int mib = 0; mib < 250; ++mib) deflate_out(zeros, Z_NO_FLUSH);
    }
    deflate_out(std::string(1024, '\0'), Z_FINISH);
    deflateEnd(&stream);
  }
  const auto compressed = fs::file_size(bomb);
  EXPECT_LT(compressed, size_t{8} << 20);  // deflate level 1: about 1:230

  const auto started = std::chrono::steady_clock::now();
  const auto shell = Verify(bomb, kCorpusKey);
  const auto seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  rusage usage{};
  ::getrusage(RUSAGE_CHILDREN, &usage);
  const long peak_mib = usage.ru_maxrss / 1024;
  std::printf("bomb: %zu bytes compressed, refused in %.1f s, peak RSS of the verifier %ld MiB\n",
              static_cast<size_t>(compressed), seconds, peak_mib);
  EXPECT_EQ(shell.exit_code, 1) << shell.output;
  EXPECT_NE(shell.output.find("FAILED: the archive unpacks to more than 1073741824 bytes"),
            std::string::npos)
      << shell.output;
#if defined(__SANITIZE_ADDRESS__)
  // AddressSanitizer keeps freed memory in its quarantine (256 MiB by default) and adds
  // shadow memory, so the verifier's RSS says nothing here: the ordinary build checks it.
  std::printf("peak RSS not checked under AddressSanitizer (its quarantine holds freed memory)\n");
#else
  EXPECT_LT(peak_mib, 64) << "the verifier held members in memory";
#endif
  if (!HasFailure()) fs::remove_all(dir);
}

}  // namespace
}  // namespace ra2cert::bundle::test
