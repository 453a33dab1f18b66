#include "harness/core/bounded_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

namespace ra2cert {
namespace {

class BoundedFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir_template[] = "/tmp/ra2cert-bounded-XXXXXX";
    ASSERT_NE(::mkdtemp(dir_template), nullptr);
    dir_ = dir_template;
  }
  void TearDown() override { std::system(("rm -rf " + dir_).c_str()); }
  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  std::string dir_;
};

TEST_F(BoundedFileTest, ReadsARegularFileWhole) {
  auto text = ReadBoundedFile(Write("a", std::string("x\0y", 3)), 10, "kubeconfig");
  ASSERT_TRUE(text) << text.error().message();
  EXPECT_EQ(*text, std::string("x\0y", 3));
}

TEST_F(BoundedFileTest, RefusesAFileAboveTheLimitNamingItAndTheLimit) {
  const std::string path = Write("big", std::string(11, 'x'));
  auto text = ReadBoundedFile(path, 10, "kubeconfig");
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().code(), 2);
  EXPECT_NE(text.error().message().find("kubeconfig " + path), std::string::npos);
  EXPECT_NE(text.error().message().find("11 bytes, more than the 10"), std::string::npos);
}

TEST_F(BoundedFileTest, RefusesAFifoWithoutWaitingForAWriter) {
  const std::string path = dir_ + "/fifo";
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  auto text = ReadBoundedFile(path, 10, "--config file");
  ASSERT_FALSE(text);
  EXPECT_NE(text.error().message().find("FIFO"), std::string::npos);
}

TEST_F(BoundedFileTest, RefusesDirectoriesDevicesAndSymlinksToDevices) {
  const std::string link = dir_ + "/zero";
  ASSERT_EQ(::symlink("/dev/zero", link.c_str()), 0);
  for (const auto& [path, kind] : {std::pair<std::string, std::string>{dir_, "a directory"},
                                   {"/dev/null", "a character device"},
                                   {link, "a character device"}}) {
    auto text = ReadBoundedFile(path, 10, "kubeconfig");
    ASSERT_FALSE(text) << path;
    EXPECT_NE(text.error().message().find(kind), std::string::npos) << text.error().message();
  }
}

TEST_F(BoundedFileTest, MissingAndEmptyPathsAreConfigurationErrors) {
  auto missing = ReadBoundedFile(dir_ + "/none", 10, "token file");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), 2);
  EXPECT_NE(missing.error().message().find("No such file"), std::string::npos);
  auto empty = ReadBoundedFile("", 10, "kubeconfig");
  ASSERT_FALSE(empty);
  EXPECT_NE(empty.error().message().find("path is empty"), std::string::npos);
}

TEST(PrintableExcerptTest, EscapesControlBytesAndInvalidUtf8ButKeepsValidText) {
  EXPECT_EQ(PrintableExcerpt("a\r\nb"), "a\\x0D\\x0Ab");
  EXPECT_EQ(PrintableExcerpt("caf\xC3\xA9"), "caf\xC3\xA9");
  EXPECT_EQ(PrintableExcerpt("\xC3(\xFF"), "\\xC3(\\xFF");
  EXPECT_EQ(PrintableExcerpt("\xED\xA0\x80"), "\\xED\\xA0\\x80");  // a UTF-16 surrogate
  EXPECT_EQ(PrintableExcerpt("abcdef", 3), "abc…");
}

}  // namespace
}  // namespace ra2cert
