#include "harness/kube/exec_credential.h"

#include <gtest/gtest.h>
#include <unistd.h>

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

class ExecPluginTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("ra2cert-exec-plugin-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  ExecConfig Plugin(const std::string& body) {
    const auto script = dir_ / ("plugin-" + std::to_string(++count_) + ".sh");
    std::ofstream(script) << "#!/bin/sh\n" << body;
    std::filesystem::permissions(script, std::filesystem::perms::owner_all);
    ExecConfig exec;
    exec.command = script.string();
    exec.source = "k.yaml: users[u].user.exec";
    return exec;
  }
  std::filesystem::path dir_;
  int count_ = 0;
};

TEST_F(ExecPluginTest, APluginThatPrintsForeverIsStoppedAtTheLimit) {
  for (const char* body : {"exec cat /dev/zero\n", "exec cat /dev/zero >&2\n"}) {
    const auto started = std::chrono::steady_clock::now();
    auto credential = RunExecPlugin(Plugin(body), "", "");
    ASSERT_FALSE(credential);
    EXPECT_EQ(credential.error().code(), 2);
    EXPECT_NE(credential.error().message().find("printed more than 1048576 bytes"),
              std::string::npos)
        << credential.error().message();
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
  }
}

TEST_F(ExecPluginTest, AFailingPluginIsReportedWithItsStderr) {
  auto credential =
      RunExecPlugin(Plugin("echo 'login expired: run sso-login' >&2\nexit 3\n"), "", "");
  ASSERT_FALSE(credential);
  EXPECT_EQ(credential.error().code(), 2);
  const std::string& message = credential.error().message();
  EXPECT_NE(message.find("k.yaml: users[u].user.exec"), std::string::npos) << message;
  EXPECT_NE(message.find("exited with code 3"), std::string::npos) << message;
  EXPECT_NE(message.find("login expired: run sso-login"), std::string::npos) << message;
}

TEST_F(ExecPluginTest, ThePluginReadsNothingFromUsAndWritesToPipes) {
  // stdin is /dev/null; stdout and stderr are pipes to us, never our own descriptors.
  auto credential =
      RunExecPlugin(Plugin("[ \"$(readlink /proc/$$/fd/0)\" = /dev/null ] || exit 4\n"
                           "readlink /proc/$$/fd/2 | grep -q '^pipe:' || exit 5\n"
                           "echo '{\"kind\":\"ExecCredential\",\"status\":{\"token\":\"t\"}}'\n"),
                    "", "");
  ASSERT_TRUE(credential) << credential.error().message();
  EXPECT_EQ(credential->token, "t");
}

TEST(ExecCredentialTest, RefusesTheWrongApiVersionAndUnsafeTokens) {
  const std::string v1 = "client.authentication.k8s.io/v1";
  auto wrong = ParseExecCredential(
      R"({"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential",
          "status":{"token":"abc"}})",
      "src", v1);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code(), 2);
  EXPECT_NE(wrong.error().message().find("apiVersion"), std::string::npos);
  EXPECT_TRUE(ParseExecCredential(
      R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential",
          "status":{"token":"abc"}})",
      "src", v1));
  auto injected = ParseExecCredential(
      R"({"kind":"ExecCredential","status":{"token":"abc\r\nX-Injected: 1"}})", "src", v1);
  ASSERT_FALSE(injected);
  EXPECT_NE(injected.error().message().find("src: status.token"), std::string::npos)
      << injected.error().message();
  auto no_token = ParseExecCredential(R"({"kind":"ExecCredential","status":{"token":""}})", "src");
  ASSERT_FALSE(no_token);
  EXPECT_EQ(no_token.error().code(), 2);
}

}  // namespace
}  // namespace ra2cert::kube
