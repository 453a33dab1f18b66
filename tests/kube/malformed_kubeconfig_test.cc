// The real `ra2cert run --kubeconfig BAD` on malformed and incomplete kubeconfigs: each
// must end with exit code 2 (configuration error) and a message that names the file and
// the entry or field at fault; none may crash (this test also runs in the ASan/UBSan
// build). No cluster is needed: nothing here gets as far as a working connection, and
// the hostile servers are loopback sockets of the test itself.
#include <gtest/gtest.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#include <algorithm>
#include <fstream>

#include "harness/kube/test_pki.h"
#include "tests/kube/kube_test_util.h"
#include "tests/kube/loopback_server.h"

namespace {
using namespace ra2cert::kube;
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
      {"empty_file", "", {}, {"FILE", "is empty"}},
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

// Runs `ra2cert run --kubeconfig FILE` the way the cases above do.
CommandResult RunRa2cert(const TempDir& dir, const std::string& file,
                         std::chrono::seconds timeout = std::chrono::seconds(60)) {
  return RunCommand({RA2CERT_BINARY, "run", "--kubeconfig", file, "--output-dir", dir / "out"},
                    {{"KUBECONFIG", ""}, {"HOME", dir.path().string()}}, timeout,
                    dir.path().string());
}

void ExpectConfigurationError(const CommandResult& result, const std::vector<std::string>& parts) {
  EXPECT_EQ(result.exit_code, 2) << result.output;
  for (const auto& part : parts) {
    EXPECT_NE(result.output.find(part), std::string::npos)
        << "the message does not mention '" << part << "':\n"
        << result.output;
  }
  EXPECT_EQ(result.output.find("Sanitizer"), std::string::npos) << result.output;
  EXPECT_LT(result.output.size(), 4000u) << "one clear message, not a dump";
}

// --- The corpus: tests/corpus/kubeconfig, one malformed kubeconfig per file, each saying
// in "# expect: TEXT" lines what its message must contain. It seeds the fuzzer too.
std::vector<std::string> CorpusFiles() {
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(RA2CERT_KUBECONFIG_CORPUS)) {
    if (entry.path().extension() == ".yaml") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

class RunWithCorpusKubeconfig : public ::testing::TestWithParam<std::string> {};

TEST_P(RunWithCorpusKubeconfig, ExitsWithCode2AndSaysWhatToFix) {
  const std::string file = GetParam();
  std::vector<std::string> expected = {file};
  std::ifstream in(file, std::ios::binary);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("# expect: ", 0) == 0) expected.push_back(line.substr(10));
  }
  ASSERT_GT(expected.size(), 1u) << file << " has no '# expect:' line";
  TempDir dir;
  const auto started = std::chrono::steady_clock::now();
  ExpectConfigurationError(RunRa2cert(dir, file), expected);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(20));
}

INSTANTIATE_TEST_SUITE_P(Corpus, RunWithCorpusKubeconfig, ::testing::ValuesIn(CorpusFiles()),
                         [](const ::testing::TestParamInfo<std::string>& param_info) {
                           std::string name = fs::path(param_info.param).stem().string();
                           for (char& c : name)
                             c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           return name;
                         });

// --- Inputs that need files or servers made at test time.
class HostileInputs : public ::testing::Test {
 protected:
  // A kubeconfig whose cluster is `server` and whose user is `user` (YAML lines, indented
  // four spaces).
  std::string Kubeconfig(const std::string& server, const std::string& user) {
    const std::string file = dir_ / "kubeconfig.yaml";
    WriteFile(file, "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: " +
                        server + "\nusers:\n- name: u\n  user:\n" + user +
                        "contexts:\n- name: x\n  context: {cluster: c, user: u}\n"
                        "current-context: x\n");
    return file;
  }
  TempDir dir_;
};

TEST_F(HostileInputs, EncryptedClientKeyFilesAreRefusedNotCrashedOn) {
  // The server listens: before the fix libcurl got as far as loading the key, and crashed.
  LoopbackServer server;
  const auto pair = test_pki::MakeKeyPair();
  WriteFile(dir_ / "client.crt", pair.certificate_pem);
  for (const std::string& key : {test_pki::EncryptedPkcs8(pair.key_pem, "secret"),
                                 test_pki::EncryptedLegacy(pair.key_pem, "secret")}) {
    WriteFile(dir_ / "client.key", key);
    const std::string file =
        Kubeconfig("https://127.0.0.1:" + std::to_string(server.port()),
                   "    client-certificate: client.crt\n    client-key: client.key\n");
    ExpectConfigurationError(RunRa2cert(dir_, file),
                             {file, "users[u].user.client-key", "encrypted", "openssl pkey"});
  }
}

TEST_F(HostileInputs, AClientKeyOfAnotherPairIsNamed) {
  const auto pair = test_pki::MakeKeyPair("a");
  WriteFile(dir_ / "client.crt", pair.certificate_pem);
  WriteFile(dir_ / "client.key", test_pki::MakeKeyPair("b").key_pem);
  const std::string file = Kubeconfig(
      "https://127.0.0.1:1", "    client-certificate: client.crt\n    client-key: client.key\n");
  ExpectConfigurationError(RunRa2cert(dir_, file),
                           {file, "users[u].user.client-key is not the private key",
                            "users[u].user.client-certificate"});
}

TEST_F(HostileInputs, FilesThatAreNotRegularFilesAreNamedForWhatTheyAre) {
  fs::create_symlink("/dev/zero", dir_ / "zero");
  const std::string zero = dir_ / "zero";
  ExpectConfigurationError(RunRa2cert(dir_, zero), {zero, "character device"});
  ExpectConfigurationError(RunRa2cert(dir_, "/dev/null"), {"/dev/null", "character device"});
  // A FIFO blocked the harness forever when it was opened for reading.
  const std::string fifo = dir_ / "fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  ExpectConfigurationError(RunRa2cert(dir_, fifo, std::chrono::seconds(20)), {fifo, "FIFO"});
  ExpectConfigurationError(RunRa2cert(dir_, dir_.path().string()),
                           {dir_.path().string(), "is a directory"});
  for (const std::string& user :
       {std::string("    tokenFile: zero\n"),
        std::string("    client-certificate: zero\n    client-key: zero\n")}) {
    const std::string file = Kubeconfig("https://127.0.0.1:1", user);
    ExpectConfigurationError(RunRa2cert(dir_, file), {file, "users[u].user.", "character device"});
  }
}

TEST_F(HostileInputs, TokenFilesWithControlCharactersAreRefused) {
  WriteFile(dir_ / "token", "abc\r\nX-Injected: 1\n");
  const std::string file = Kubeconfig("https://127.0.0.1:1", "    tokenFile: token\n");
  ExpectConfigurationError(RunRa2cert(dir_, file),
                           {file, "users[u].user.tokenFile", "control character"});
}

TEST_F(HostileInputs, AServerThatNeverAnswersTheHandshakeFailsWithinFifteenSeconds) {
  LoopbackServer silent;  // accepts TCP (the kernel does), never says a word
  const std::string file =
      Kubeconfig("https://127.0.0.1:" + std::to_string(silent.port()), "    token: abc\n");
  const auto started = std::chrono::steady_clock::now();
  const CommandResult result = RunRa2cert(dir_, file, std::chrono::seconds(120));
  const auto took = std::chrono::steady_clock::now() - started;
  std::printf("ra2cert gave up on the silent server after %.1f s\n",
              std::chrono::duration<double>(took).count());
  EXPECT_EQ(result.exit_code, 3) << result.output;
  EXPECT_NE(result.output.find("does not answer"), std::string::npos) << result.output;
  EXPECT_LT(took, std::chrono::seconds(16)) << result.output;
}

// An HTTP/1.1 answer with headers and then `body` repeated until the peer leaves.
LoopbackServer::Handler Endless(const std::string& headers, const std::string& body) {
  return [headers, body](int fd, const std::atomic<bool>& stopping) {
    if (!LoopbackServer::ReadRequestHead(fd)) return;
    if (!LoopbackServer::WriteAll(fd, headers)) return;
    while (!stopping && LoopbackServer::WriteAll(fd, body)) {
    }
  };
}

TEST_F(HostileInputs, AnEndlessResponseBodyIsCutAtTheLimit) {
  LoopbackServer endless(Endless(
      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{\"a\":\"",
      std::string(65536, 'x')));
  const std::string file =
      Kubeconfig("http://127.0.0.1:" + std::to_string(endless.port()), "    token: abc\n");
  const CommandResult result = RunRa2cert(dir_, file);
  EXPECT_EQ(result.exit_code, 3) << result.output;
  EXPECT_NE(result.output.find("the API server sent more than 67108864 bytes"), std::string::npos)
      << result.output;
}

// The exec plugin must not outlive ra2cert, and must not hold ra2cert's stderr: a caller
// reading ra2cert's output until end-of-file would wait for the plugin otherwise.
TEST_F(HostileInputs, AnExecPluginDiesWithRa2cert) {
  for (const int signal : {SIGKILL, SIGTERM, SIGINT}) {
    const std::string pid_file = dir_ / ("plugin-" + std::to_string(signal) + ".pid");
    WriteFile(dir_ / "plugin.sh", "#!/bin/sh\necho $$ > " + pid_file + "\nexec sleep 300\n",
              fs::perms::owner_all);
    const std::string file =
        Kubeconfig("https://127.0.0.1:1",
                   "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
                   "      command: ./plugin.sh\n");
    int output[2];
    ASSERT_EQ(::pipe2(output, O_CLOEXEC), 0);
    const pid_t ra2cert = ::fork();
    ASSERT_GE(ra2cert, 0);
    if (ra2cert == 0) {
      ::dup2(output[1], 1);
      ::dup2(output[1], 2);
      ::setenv("KUBECONFIG", "", 1);
      ::execl(RA2CERT_BINARY, RA2CERT_BINARY, "run", "--kubeconfig", file.c_str(), "--output-dir",
              (dir_ / "out").c_str(), nullptr);
      ::_exit(127);
    }
    ::close(output[1]);
    pid_t plugin = 0;
    for (int i = 0; i < 200 && plugin == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      std::ifstream(pid_file) >> plugin;
    }
    ASSERT_GT(plugin, 0) << "the plugin never started";
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // `exec sleep` has run
    ::kill(ra2cert, signal);
    const auto killed = std::chrono::steady_clock::now();
    pollfd fd{output[0], POLLIN, 0};
    bool eof = false;
    while (!eof && std::chrono::steady_clock::now() - killed < std::chrono::seconds(5)) {
      if (::poll(&fd, 1, 100) <= 0) continue;
      char buffer[4096];
      eof = ::read(output[0], buffer, sizeof buffer) <= 0;
    }
    ::close(output[0]);
    int status = 0;
    ::waitpid(ra2cert, &status, 0);
    EXPECT_TRUE(eof) << "signal " << signal << ": ra2cert's output stayed open after it died";
    // Gone, or a zombie waiting for whoever inherited it: not running either way.
    bool running = true;
    for (int i = 0; i < 50 && running; ++i) {
      std::ifstream stat("/proc/" + std::to_string(plugin) + "/stat");
      std::string pid_field, name, state;
      running = static_cast<bool>(stat >> pid_field >> name >> state) && state != "Z";
      if (running) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_FALSE(running) << "signal " << signal << ": the plugin (pid " << plugin
                          << ") outlived ra2cert";
    if (running) ::kill(plugin, SIGKILL);
  }
}

// Streams may idle after their headers (a quiet watch); single requests may not, and
// neither may a server that never sends headers.
TEST(ApiConnectionTimeouts, IdleStreamsLiveWhileStalledRequestsFail) {
  LoopbackServer slow([](int fd, const std::atomic<bool>& stopping) {
    if (!LoopbackServer::ReadRequestHead(fd)) return;
    LoopbackServer::WriteAll(fd,
                             "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                             "Connection: close\r\n\r\n");
    for (int i = 0; i < 30 && !stopping; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    LoopbackServer::WriteAll(fd, "{\"type\":\"BOOKMARK\"}\n");
    ::shutdown(fd, SHUT_RDWR);  // the end of a Connection: close body
  });
  ClusterAccess access;
  access.server = "http://127.0.0.1:" + std::to_string(slow.port());
  ConnectionOptions options;
  options.response_timeout = std::chrono::milliseconds(1000);
  options.max_attempts = 1;
  auto connection = ApiConnection::Open(access, options);
  ASSERT_TRUE(connection) << connection.error().message();

  std::string streamed;
  HttpRequest watch{"GET", "/api/v1/pods?watch=1"};
  watch.timeout = std::chrono::milliseconds(0);
  auto status = (*connection)->Stream(watch, [&](std::string_view chunk) {
    streamed.append(chunk);
    return true;
  });
  ASSERT_TRUE(status) << status.error().message();
  EXPECT_EQ(streamed, "{\"type\":\"BOOKMARK\"}\n") << "the stream idled 3 s and still delivered";

  const auto started = std::chrono::steady_clock::now();
  auto stalled = (*connection)->Send({"GET", "/api/v1/pods"});
  EXPECT_FALSE(stalled) << "a single response that stalls for 3 s must fail";
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(2900));

  LoopbackServer mute([](int fd, const std::atomic<bool>& stopping) {
    LoopbackServer::ReadRequestHead(fd);
    while (!stopping) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    (void)fd;
  });
  access.server = "http://127.0.0.1:" + std::to_string(mute.port());
  auto to_mute = ApiConnection::Open(access, options);
  ASSERT_TRUE(to_mute);
  const auto mute_started = std::chrono::steady_clock::now();
  auto no_headers = (*to_mute)->Stream(watch, [](std::string_view) { return true; });
  ASSERT_FALSE(no_headers);
  EXPECT_NE(no_headers.error().message().find("sent no response within 1 s"), std::string::npos)
      << no_headers.error().message();
  EXPECT_LT(std::chrono::steady_clock::now() - mute_started, std::chrono::seconds(5));
}

}  // namespace
