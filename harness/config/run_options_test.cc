#include "harness/config/run_options.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <limits>

#include "harness/config/config_file.h"

namespace ra2cert {
namespace {
namespace fs = std::filesystem;

class RunOptionsTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ra2cert-options-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Write(const std::string& text) {
    const auto path = dir_ / "config.yaml";
    std::ofstream(path) << text;
    return path.string();
  }
  fs::path dir_;
};

TEST_F(RunOptionsTest, AppliesEveryKnownKey) {
  RunSettings settings;
  RunOptions& options = settings.options;
  const std::string path = Write(
      "kubeconfig: clusters/admin.conf\ncontext: lab\nprofile: network-intensive\n"
      "sections: [\"4.4\", \"4.5\"]\nfocus: CRI\nskip: slow\nparallel: 3\nretries: 2\n"
      "timeout-multiplier: 1.5\nstop-grace: 4\noutput-dir: out\njunit-flavor: extended\n"
      "dry-run: true\nimage-registry: mirror.lab:5000\nsign-key: keys/ra2cert.key\n"
      "signer: 'kms-sign --key lab'\ndeclarations: /etc/ra2cert/declared.yaml\n");
  ASSERT_TRUE(ApplyConfigFile(path, settings));
  EXPECT_EQ(options.image_registry, "mirror.lab:5000");
  EXPECT_EQ(options.sign_key, (dir_ / "keys/ra2cert.key").string());
  EXPECT_EQ(options.signer, "kms-sign --key lab");
  EXPECT_EQ(options.declarations, "/etc/ra2cert/declared.yaml");
  EXPECT_EQ(options.kubeconfig, (dir_ / "clusters/admin.conf").string());
  EXPECT_EQ(options.context, "lab");
  EXPECT_EQ(options.selection.profile, "network-intensive");
  EXPECT_EQ(options.selection.sections, (std::vector<std::string>{"4.4", "4.5"}));
  EXPECT_EQ(options.parallel, 3);
  EXPECT_EQ(options.retries, 2);
  EXPECT_DOUBLE_EQ(options.timeout_multiplier, 1.5);
  EXPECT_EQ(options.junit_flavor, "extended");
  EXPECT_TRUE(options.dry_run);
  EXPECT_TRUE(options.Validate());
}

TEST_F(RunOptionsTest, UnknownKeyNamesFileKeyAndLine) {
  RunSettings settings;
  const std::string path = Write("parallel: 2\nparalel: 3\n");
  auto status = ApplyConfigFile(path, settings);
  ASSERT_FALSE(status);
  EXPECT_NE(status.error().message().find(path + ":2: key 'paralel': unknown setting"),
            std::string::npos)
      << status.error().message();
}

TEST_F(RunOptionsTest, WrongTypeNamesKeyAndValue) {
  RunSettings settings;
  auto status = ApplyConfigFile(Write("retries: many\n"), settings);
  ASSERT_FALSE(status);
  EXPECT_NE(status.error().message().find("key 'retries': 'many': expected a whole number"),
            std::string::npos)
      << status.error().message();
  EXPECT_EQ(status.error().code(), 2);
  EXPECT_FALSE(ApplyConfigFile(Write("sections: {a: b}\n"), settings));
  EXPECT_FALSE(ApplyConfigFile(Write("- just\n- a list\n"), settings));
  EXPECT_FALSE(ApplyConfigFile(Write("key: [unclosed\n"), settings));
}

TEST_F(RunOptionsTest, MissingFileNamesTheFlag) {
  RunSettings settings;
  auto status = ApplyConfigFile((dir_ / "nope.yaml").string(), settings);
  ASSERT_FALSE(status);
  EXPECT_NE(status.error().message().find("--config file"), std::string::npos)
      << status.error().message();
  EXPECT_EQ(status.error().code(), 2);
}

TEST_F(RunOptionsTest, ValidateNamesTheFlag) {
  RunOptions options;
  options.parallel = 0;
  EXPECT_NE(options.Validate().error().message().find("--parallel: 0 is out of range"),
            std::string::npos)
      << options.Validate().error().message();
  options = RunOptions{};
  options.timeout_multiplier = 1e308;
  EXPECT_NE(options.Validate().error().message().find("--timeout-multiplier"), std::string::npos);
  options.timeout_multiplier = 1e-300;
  EXPECT_FALSE(options.Validate());
  options.timeout_multiplier = std::numeric_limits<double>::quiet_NaN();
  EXPECT_FALSE(options.Validate());
  options = RunOptions{};
  options.stop_grace_seconds = std::numeric_limits<double>::infinity();
  EXPECT_NE(options.Validate().error().message().find("--stop-grace"), std::string::npos);
  options = RunOptions{};
  options.junit_flavor = "fancy";
  EXPECT_NE(options.Validate().error().message().find("--junit-flavor"), std::string::npos);
  options.junit_flavor = "strict";
  options.scope = "cluster";
  EXPECT_NE(options.Validate().error().message().find("--scope: 'cluster' is not distribution"),
            std::string::npos);
}

TEST_F(RunOptionsTest, CriSocketIsAnAbsolutePathForTheNodeAgentOnly) {
  RunOptions options;
  options.cri_socket = "/run/containerd/containerd.sock";
  EXPECT_TRUE(options.Validate());
  options.cri_socket = "run/containerd.sock";
  EXPECT_NE(options.Validate().error().message().find("--cri-socket"), std::string::npos);
  options.cri_socket = "/run/a.sock,n2=/x";
  EXPECT_FALSE(options.Validate());
  options.cri_socket = "/run/containerd/containerd.sock";
  options.no_node_agent = true;
  EXPECT_NE(options.Validate().error().message().find("--no-node-agent"), std::string::npos);
  options.no_node_agent = false;
  options.cri_endpoints = "n1=unix:///run/containerd/containerd.sock";
  EXPECT_EQ(options.Validate().error().code(), 2);
}

}  // namespace
}  // namespace ra2cert
