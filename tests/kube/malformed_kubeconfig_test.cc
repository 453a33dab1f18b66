// The real `ra2cert run --kubeconfig BAD` on malformed and incomplete kubeconfigs: each
// must end with exit code 2 (configuration error) and a message that names the file and
// the entry or field at fault; none may crash (this test also runs in the ASan/UBSan
// build). No cluster is needed: nothing here gets as far as a connection.
#include <gtest/gtest.h>

#include "tests/kube/kube_test_util.h"

namespace {
using namespace ra2cert::kube::testing_util;

struct Malformed {
  std::string name;
  std::string kubeconfig;             // content of FILE ("<none>": FILE does not exist)
  std::vector<std::string> extra;     // more arguments for `ra2cert run`
  std::vector<std::string> expected;  // each must appear in the output; FILE = the path
};

// A well-formed base to break one field of; "CA_DATA" is valid base64 PEM-ish content.
std::string Valid(const std::string& cluster = "    server: https://127.0.0.1:6443\n",
                  const std::string& user = "    token: abc\n",
                  const std::string& context = "  context: {cluster: c, user: u}\n",
                  const std::string& current = "current-context: x\n") {
  return "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n" + cluster +
         "users:\n- name: u\n  user:\n" + user + "contexts:\n- name: x\n" + context + current;
}

const std::string kCertData =
    "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCkFBQUEKLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=";

std::vector<Malformed> Cases() {
  return {
      {"not_yaml", "clusters: [unclosed\n  - {a: \n", {}, {"FILE", "not valid YAML"}},
      {"binary_garbage", std::string("\x01\x02\xff\xfe{[\x00]}", 9), {}, {"FILE"}},
      {"top_level_list",
       "- apiVersion: v1\n- kind: Config\n",
       {},
       {"FILE", "expected a kubeconfig mapping"}},
      {"clusters_not_a_list",
       "clusters: {c: {server: https://x}}\n",
       {},
       {"FILE", "clusters: expected a list"}},
      {"entry_without_name",
       "clusters:\n- cluster: {server: https://x}\n",
       {},
       {"FILE", "clusters", "no name"}},
      {"context_item_not_a_mapping",
       "contexts:\n- just-a-string\n",
       {},
       {"FILE", "contexts", "mapping"}},
      {"missing_server",
       Valid("    insecure-skip-tls-verify: false\n"),
       {},
       {"FILE", "clusters[c].cluster.server", "missing"}},
      {"server_not_a_url",
       Valid("    server: 127.0.0.1:6443\n"),
       {},
       {"FILE", "clusters[c].cluster.server", "not an http(s) URL"}},
      {"server_wrong_type",
       Valid("    server: {host: x}\n"),
       {},
       {"FILE", "clusters[c].cluster.server", "expected a string"}},
      {"bool_wrong_type",
       Valid("    server: https://x\n    insecure-skip-tls-verify: maybe\n"),
       {},
       {"FILE", "insecure-skip-tls-verify", "true or false"}},
      {"bad_base64_ca",
       Valid("    server: https://x\n    certificate-authority-data: '***not base64***'\n"),
       {},
       {"FILE", "clusters[c].cluster.certificate-authority-data"}},
      {"bad_base64_client_key",
       Valid("    server: https://x\n",
             "    client-certificate-data: " + kCertData + "\n    client-key-data: 'a!b@c#'\n"),
       {},
       {"FILE", "users[u].user.client-key-data"}},
      {"certificate_without_key",
       Valid("    server: https://x\n", "    client-certificate-data: " + kCertData + "\n"),
       {},
       {"FILE", "users[u].user", "no client key"}},
      {"missing_ca_file",
       Valid("    server: https://x\n    certificate-authority: no-such-ca.pem\n"),
       {},
       {"FILE", "certificate-authority", "no-such-ca.pem"}},
      {"args_wrong_type",
       Valid("    server: https://x\n", "    exec: {command: plugin, args: {a: b}}\n"),
       {},
       {"FILE", "users[u].user.exec.args"}},
      {"exec_without_command",
       Valid("    server: https://x\n",
             "    exec: {apiVersion: client.authentication.k8s.io/v1}\n"),
       {},
       {"FILE", "users[u].user.exec.command", "missing"}},
      {"unknown_context_flag",
       Valid(),
       {"--context", "nope"},
       {"FILE", "context 'nope' is not defined", "x"}},
      {"current_context_undefined",
       Valid("    server: https://x\n", "    token: abc\n", "  context: {cluster: c, user: u}\n",
             "current-context: ghost\n"),
       {},
       {"FILE", "context 'ghost' is not defined"}},
      {"no_current_context",
       Valid("    server: https://x\n", "    token: abc\n", "  context: {cluster: c, user: u}\n",
             ""),
       {},
       {"FILE", "no current-context"}},
      {"empty_file", "", {}, {"FILE", "no current-context"}},
      {"context_names_undefined_user",
       Valid("    server: https://x\n", "    token: abc\n",
             "  context: {cluster: c, user: ghost}\n"),
       {},
       {"FILE", "contexts[x].context.user", "ghost"}},
      {"context_names_undefined_cluster",
       Valid("    server: https://x\n", "    token: abc\n",
             "  context: {cluster: ghost, user: u}\n"),
       {},
       {"FILE", "contexts[x].context.cluster", "ghost"}},
      {"context_without_cluster",
       Valid("    server: https://x\n", "    token: abc\n", "  context: {user: u}\n"),
       {},
       {"FILE", "contexts[x].context.cluster", "missing"}},
      {"file_does_not_exist", "<none>", {}, {"FILE"}},
  };
}

void PrintTo(const Malformed& malformed, std::ostream* out) { *out << malformed.name; }

class RunWithMalformedKubeconfig : public ::testing::TestWithParam<Malformed> {};

TEST_P(RunWithMalformedKubeconfig, ExitsWithCode2AndNamesTheProblem) {
  const Malformed& c = GetParam();
  TempDir dir;
  const std::string file = dir / ("kubeconfig-" + c.name + ".yaml");
  if (c.kubeconfig != "<none>") WriteFile(file, c.kubeconfig);
  std::vector<std::string> args = {RA2CERT_BINARY, "run",          "--kubeconfig",
                                   file,           "--output-dir", dir / "out"};
  args.insert(args.end(), c.extra.begin(), c.extra.end());
  // KUBECONFIG of the caller must not matter; HOME points nowhere useful.
  const CommandResult result = RunCommand(args, {{"KUBECONFIG", ""}, {"HOME", dir.path().string()}},
                                          std::chrono::seconds(60), dir.path().string());

  EXPECT_EQ(result.exit_code, 2) << result.output;
  for (std::string expected : c.expected) {
    if (expected == "FILE") expected = file;
    EXPECT_NE(result.output.find(expected), std::string::npos)
        << "the message does not mention '" << expected << "':\n"
        << result.output;
  }
  EXPECT_EQ(result.output.find("Sanitizer"), std::string::npos) << result.output;
  EXPECT_EQ(result.output.find("runtime error"), std::string::npos) << result.output;
  EXPECT_LT(result.output.size(), 4000u) << "one clear message, not a dump";
}

INSTANTIATE_TEST_SUITE_P(Kubeconfigs, RunWithMalformedKubeconfig, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<Malformed>& param_info) {
                           return param_info.param.name;
                         });

}  // namespace
