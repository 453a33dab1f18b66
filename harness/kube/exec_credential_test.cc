#include "harness/kube/exec_credential.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace ra2cert::kube {
namespace {

TEST(ExecCredentialTest, ParsesTokenAndExpiry) {
  auto credential = ParseExecCredential(
      R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential",
          "status":{"token":"abc","expirationTimestamp":"2030-01-02T03:04:05Z"}})",
      "plugin");
  ASSERT_TRUE(credential) << credential.error().message();
  EXPECT_EQ(credential->token, "abc");
  ASSERT_TRUE(credential->expires.has_value());
  EXPECT_EQ(std::chrono::system_clock::to_time_t(*credential->expires), 1893553445);
}

TEST(ExecCredentialTest, RejectsMalformedOutput) {
  EXPECT_FALSE(ParseExecCredential("not json", "p"));
  EXPECT_FALSE(ParseExecCredential(R"({"kind":"Pod","status":{"token":"x"}})", "p"));
  EXPECT_FALSE(ParseExecCredential(R"({"kind":"ExecCredential"})", "p"));
  EXPECT_FALSE(ParseExecCredential(R"({"kind":"ExecCredential","status":{}})", "p"));
  EXPECT_FALSE(ParseExecCredential(
      R"({"kind":"ExecCredential","status":{"token":"x","expirationTimestamp":"soon"}})", "p"));
  EXPECT_FALSE(ParseExecCredential(
      R"({"kind":"ExecCredential","status":{"clientCertificateData":"PEM"}})", "p"));
}

TEST(ExecCredentialTest, RunsThePluginWithExecInfoAndEnv) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("ra2cert-exec-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto script = dir / "plugin.sh";
  std::ofstream(script)
      << "#!/bin/sh\n"
         "case \"$KUBERNETES_EXEC_INFO\" in *'\"interactive\":false'*) ;; *) exit 9;; esac\n"
         "printf '{\"kind\":\"ExecCredential\",\"status\":{\"token\":\"%s-%s\"}}' "
         "\"$PLUGIN_PREFIX\" \"$1\"\n";
  std::filesystem::permissions(script, std::filesystem::perms::owner_all);
  ExecConfig exec;
  exec.command = script.string();
  exec.args = {"arg1"};
  exec.env = {{"PLUGIN_PREFIX", "tok"}};
  exec.source = "test";
  auto credential = RunExecPlugin(exec, "https://127.0.0.1:6443", "");
  ASSERT_TRUE(credential) << credential.error().message();
  EXPECT_EQ(credential->token, "tok-arg1");

  exec.command = "ra2cert-no-such-plugin";
  exec.install_hint = "install it with: apt-get install the-plugin";
  auto missing = RunExecPlugin(exec, "", "");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message().find("apt-get install the-plugin"), std::string::npos);

  std::ofstream(script) << "#!/bin/sh\nsleep 30\n";
  exec.command = script.string();
  auto slow = RunExecPlugin(exec, "", "", std::chrono::milliseconds(300));
  ASSERT_FALSE(slow);
  EXPECT_NE(slow.error().message().find("did not finish"), std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ra2cert::kube
