#include "harness/config/config_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

namespace ra2cert {
namespace {
namespace fs = std::filesystem;

class ConfigFileTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ra2cert-config-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Write(const std::string& text) {
    const auto path = dir_ / "run.yaml";
    std::ofstream(path) << text;
    return path.string();
  }
  // The error message of loading `text`, or "" if it loaded.
  std::string ErrorOf(const std::string& text) {
    RunSettings settings;
    auto applied = ApplyConfigFile(Write(text), settings);
    if (applied) return "";
    EXPECT_EQ(applied.error().code(), 2) << applied.error().message();
    return applied.error().message();
  }
  fs::path dir_;
};

TEST_F(ConfigFileTest, ADuplicateKeyIsRefusedWithBothLines) {
  const std::string message = ErrorOf("parallel: 2\nretries: 1\nparallel: 8\n");
  EXPECT_NE(message.find("run.yaml:3: key 'parallel': is given twice (first at "),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("run.yaml:1: key 'parallel'"), std::string::npos) << message;
  // The old spelling and the flag's spelling are the same setting.
  EXPECT_NE(ErrorOf("section: '4.4'\nsections: ['4.5']\n").find("given twice"), std::string::npos);
}

TEST_F(ConfigFileTest, AnUnknownKeyListsTheValidOnes) {
  const std::string message = ErrorOf("nodez: 3\n");
  EXPECT_NE(message.find("key 'nodez': unknown setting (known: kubeconfig, "), std::string::npos)
      << message;
  EXPECT_NE(message.find("timeout-multiplier"), std::string::npos);
  EXPECT_NE(message.find("k8s-version"), std::string::npos);
}

TEST_F(ConfigFileTest, NumbersOutOfRangeOrNotFiniteAreRefused) {
  for (const char* text :
       {"timeout-multiplier: 1e308\n", "timeout-multiplier: 1e-300\n", "timeout-multiplier: .nan\n",
        "stop-grace: .inf\n", "stop-grace: -1\n", "parallel: 0\n", "parallel: 100000000000\n",
        "retries: 2.5\n", "nodes: 0\n", "windows-nodes: 99\n", "parallel: [1]\n"}) {
    const std::string message = ErrorOf(text);
    EXPECT_NE(message.find(" to "), std::string::npos) << text << " -> " << message;
  }
  EXPECT_EQ(ErrorOf("timeout-multiplier: 2.5\nstop-grace: 0\nparallel: 64\n"), "");
}

TEST_F(ConfigFileTest, EmptyValuesAreRefused) {
  EXPECT_NE(ErrorOf("kubeconfig: ''\n").find("key 'kubeconfig': is empty"), std::string::npos);
  EXPECT_NE(ErrorOf("kubeconfig:\n").find("has no value"), std::string::npos);
  EXPECT_NE(ErrorOf("section: []\n").find("empty list"), std::string::npos);
}

TEST_F(ConfigFileTest, EveryRunFlagSpellingIsAKey) {
  RunSettings settings;
  auto keys = ApplyConfigFile(
      Write("local: true\nnodes: 3\nk8s-version: '1.34'\nkeep-cluster: true\nsection: '4.4'\n"
            "state-dir: state\nwindows-nodes: 1\nviolate: cni-config-removed\n"),
      settings);
  ASSERT_TRUE(keys) << keys.error().message();
  EXPECT_EQ(keys->size(), 8u);
  EXPECT_TRUE(settings.local);
  EXPECT_TRUE(settings.keep_cluster);
  EXPECT_EQ(settings.local_options.nodes, 3);
  EXPECT_EQ(settings.local_options.kubernetes, "1.34");
  EXPECT_EQ(settings.local_options.windows_nodes, 1);
  EXPECT_EQ(settings.local_options.state_dir, (dir_ / "state").string());
  EXPECT_EQ(settings.options.selection.sections, std::vector<std::string>{"4.4"});
}

TEST_F(ConfigFileTest, OnlyRegularFilesAreRead) {
  RunSettings settings;
  auto directory = ApplyConfigFile(dir_.string(), settings);
  ASSERT_FALSE(directory);
  EXPECT_NE(directory.error().message().find("directory"), std::string::npos)
      << directory.error().message();
  ASSERT_EQ(::mkfifo((dir_ / "fifo").c_str(), 0600), 0);
  auto fifo = ApplyConfigFile((dir_ / "fifo").string(), settings);  // must not block
  ASSERT_FALSE(fifo);
  EXPECT_EQ(fifo.error().code(), 2);
  fs::create_symlink("/dev/zero", dir_ / "zero.yaml");
  auto zero = ApplyConfigFile((dir_ / "zero.yaml").string(), settings);
  ASSERT_FALSE(zero);
  EXPECT_EQ(zero.error().code(), 2);
}

// Every file of the corpus is malformed: each must give an error value (code 2) that
// names the file, never a crash, a hang or an accepted config.
TEST_F(ConfigFileTest, EveryMalformedCorpusFileIsRefusedCleanly) {
  const fs::path corpus = fs::path(RA2CERT_CORPUS_DIR) / "run-config";
  int files = 0;
  for (const auto& entry : fs::directory_iterator(corpus)) {
    if (entry.path().extension() != ".yaml") continue;
    ++files;
    RunSettings settings;
    auto applied = ApplyConfigFile(entry.path().string(), settings);
    ASSERT_FALSE(applied) << entry.path() << " was accepted";
    EXPECT_EQ(applied.error().code(), 2) << entry.path() << ": " << applied.error().message();
    EXPECT_NE(applied.error().message().find(entry.path().filename().string()), std::string::npos)
        << applied.error().message();
    EXPECT_LT(applied.error().message().size(), 4096u) << entry.path();
  }
  EXPECT_GE(files, 40);
}

}  // namespace
}  // namespace ra2cert
