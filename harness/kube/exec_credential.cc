#include "harness/kube/exec_credential.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <boost/process/search_path.hpp>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "harness/core/bounded_file.h"
#include "harness/kube/base64.h"
#include "harness/kube/credential_text.h"
#include "harness/kube/rfc3339.h"
#include "harness/kube/tls_material.h"

extern char** environ;

namespace ra2cert::kube {
namespace {
constexpr int kConfigurationError = 2;
using Clock = std::chrono::steady_clock;

Error PluginError(const ExecConfig& exec, const std::string& problem) {
  return Error(
      exec.source + ": credential plugin '" + PrintableExcerpt(exec.command, 200) + "' " + problem,
      kConfigurationError);
}

// The environment of the plugin: ours, the kubeconfig's env entries, KUBERNETES_EXEC_INFO.
std::vector<std::string> PluginEnvironment(const ExecConfig& exec, const std::string& info) {
  std::map<std::string, std::string> variables;
  for (char** entry = environ; entry && *entry; ++entry) {
    const std::string text = *entry;
    const auto equals = text.find('=');
    if (equals != std::string::npos) variables[text.substr(0, equals)] = text.substr(equals + 1);
  }
  for (const auto& [name, value] : exec.env) variables[name] = value;
  variables["KUBERNETES_EXEC_INFO"] = info;
  std::vector<std::string> result;
  result.reserve(variables.size());
  for (const auto& [name, value] : variables) result.push_back(name + "=" + value);
  return result;
}

struct Pipe {
  int read = -1, write = -1;
  ~Pipe() {
    if (read >= 0) ::close(read);
    if (write >= 0) ::close(write);
  }
};

// Kills the plugin's process group and reaps the plugin.
void KillAndReap(pid_t pid) {
  ::kill(-pid, SIGKILL);
  ::kill(pid, SIGKILL);
  while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
}
}  // namespace

Result<ExecCredential> ParseExecCredential(const std::string& json_text, const std::string& source,
                                           const std::string& api_version) {
  const auto json = nlohmann::json::parse(json_text, nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    return Error(source + ": the plugin did not print an ExecCredential (not JSON): '" +
                     PrintableExcerpt(json_text, 120) + "'",
                 kConfigurationError);
  }
  auto text_of = [](const nlohmann::json& object, const char* key) {
    auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  if (const std::string kind = text_of(json, "kind"); kind != "ExecCredential") {
    return Error(source + ": the plugin printed kind '" + PrintableExcerpt(kind) +
                     "', expected ExecCredential",
                 kConfigurationError);
  }
  if (const std::string printed = text_of(json, "apiVersion");
      !api_version.empty() && !printed.empty() && printed != api_version) {
    return Error(source + ": the plugin printed apiVersion '" + PrintableExcerpt(printed) +
                     "' but was asked for " + api_version +
                     "; set users[].user.exec.apiVersion to the version the plugin speaks",
                 kConfigurationError);
  }
  const auto status = json.find("status");
  if (status == json.end() || !status->is_object()) {
    return Error(source + ": the ExecCredential has no status", kConfigurationError);
  }
  ExecCredential credential;
  auto text = [&](const char* key) { return text_of(*status, key); };
  credential.token = text("token");
  credential.client_certificate_pem = text("clientCertificateData");
  credential.client_key_pem = text("clientKeyData");
  if (const std::string expiry = text("expirationTimestamp"); !expiry.empty()) {
    credential.expires = ParseRfc3339(expiry);
    if (!credential.expires) {
      return Error(source + ": expirationTimestamp '" + PrintableExcerpt(expiry) +
                       "' is not an RFC 3339 time",
                   kConfigurationError);
    }
  }
  if (credential.token.empty() && credential.client_certificate_pem.empty()) {
    return Error(source + ": the ExecCredential carries neither a token nor a client certificate",
                 kConfigurationError);
  }
  if (credential.client_certificate_pem.empty() != credential.client_key_pem.empty()) {
    return Error(source + ": the ExecCredential has a client certificate or key without the other",
                 kConfigurationError);
  }
  if (auto valid = CheckHeaderValue(credential.token, source + ": status.token"); !valid) {
    return valid.error();
  }
  if (!credential.client_key_pem.empty()) {
    auto key = NormalizePrivateKey(credential.client_key_pem, source + ": status.clientKeyData");
    if (!key) return key.error();
    if (auto matches = CheckKeyMatchesCertificate(credential.client_certificate_pem, *key,
                                                  source + ": status.clientCertificateData",
                                                  source + ": status.clientKeyData");
        !matches) {
      return matches.error();
    }
    credential.client_key_pem = std::move(key).value();
  }
  return credential;
}

Result<ExecCredential> RunExecPlugin(const ExecConfig& exec, const std::string& server,
                                     const std::string& ca_pem, std::chrono::milliseconds timeout) {
  const std::string api_version =
      exec.api_version.empty() ? "client.authentication.k8s.io/v1" : exec.api_version;
  nlohmann::json info = {
      {"apiVersion", api_version}, {"kind", "ExecCredential"}, {"spec", {{"interactive", false}}}};
  if (exec.provide_cluster_info) {
    info["spec"]["cluster"] = {{"server", server},
                               {"certificate-authority-data", EncodeBase64(ca_pem)}};
  }
  std::string program = exec.command;
  if (exec.command.find('/') == std::string::npos)
    program = boost::process::search_path(exec.command).string();
  if (program.empty() || ::access(program.c_str(), X_OK) != 0) {
    std::string message = exec.source + ": credential plugin '" +
                          PrintableExcerpt(exec.command, 200) + "' was not found";
    if (!exec.install_hint.empty()) message += "\n" + PrintableExcerpt(exec.install_hint, 500);
    return Error(message, kConfigurationError);
  }

  // Everything the child needs is built before fork: after it, only async-signal-safe
  // calls (the process has other threads).
  std::vector<std::string> args = {program};
  args.insert(args.end(), exec.args.begin(), exec.args.end());
  const std::vector<std::string> env = PluginEnvironment(exec, info.dump());
  std::vector<char*> argv, envp;
  for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  for (const auto& entry : env) envp.push_back(const_cast<char*>(entry.c_str()));
  envp.push_back(nullptr);

  std::array<Pipe, 2> pipes;  // stdout, stderr
  for (auto& p : pipes) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return PluginError(exec, "cannot start: no pipe");
    p.read = fds[0];
    p.write = fds[1];
  }
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) return PluginError(exec, std::string("cannot start: ") + std::strerror(errno));
  if (pid == 0) {
    ::setpgid(0, 0);  // so a timeout can stop what it started too
    // Dies with ra2cert, however ra2cert ends (SIGKILL included); the check covers a
    // parent that died before the request was made.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    const int null = ::open("/dev/null", O_RDONLY);
    if (null < 0 || ::dup2(null, 0) < 0 || ::dup2(pipes[0].write, 1) < 0 ||
        ::dup2(pipes[1].write, 2) < 0)
      ::_exit(127);
    // No descriptor of ours beyond these three reaches the plugin.
    ::close_range(3, ~0U, 0);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(pipes[0].write);
  pipes[0].write = -1;
  ::close(pipes[1].write);
  pipes[1].write = -1;

  std::array<std::string, 2> output;
  const auto deadline = Clock::now() + timeout;
  int open_pipes = 2;
  std::array<pollfd, 2> fds{pollfd{pipes[0].read, POLLIN, 0}, pollfd{pipes[1].read, POLLIN, 0}};
  while (open_pipes > 0) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      KillAndReap(pid);
      return PluginError(exec, "did not finish within " + std::to_string(timeout.count() / 1000) +
                                   " s; it was stopped");
    }
    const int ready = ::poll(fds.data(), fds.size(), static_cast<int>(left.count()));
    if (ready < 0 && errno != EINTR) break;
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buffer[65536];
      const ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        fds[i].fd = -1;  // poll ignores negative descriptors
        --open_pipes;
        continue;
      }
      if (output[i].size() + static_cast<std::size_t>(n) > kExecOutputLimit) {
        KillAndReap(pid);
        return PluginError(exec, std::string("printed more than ") +
                                     std::to_string(kExecOutputLimit) + " bytes on " +
                                     (i == 0 ? "stdout" : "stderr") +
                                     "; it was stopped (an ExecCredential is a few KiB)");
      }
      output[i].append(buffer, static_cast<std::size_t>(n));
    }
  }
  // Both pipes closed: the plugin is ending, or daemonized with its descriptors closed.
  int wait_status = 0;
  for (;;) {
    const pid_t done = ::waitpid(pid, &wait_status, WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) return PluginError(exec, "vanished (waitpid failed)");
    if (Clock::now() >= deadline) {
      KillAndReap(pid);
      return PluginError(exec, "closed its output but did not exit within " +
                                   std::to_string(timeout.count() / 1000) + " s");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::string& errors = output[1];
  while (!errors.empty() && std::isspace(static_cast<unsigned char>(errors.back())))
    errors.pop_back();  // the newline that ends the last message
  const std::string stderr_excerpt =
      errors.empty() ? "" : "; its stderr: " + PrintableExcerpt(errors, 400);
  if (WIFSIGNALED(wait_status)) {
    return PluginError(
        exec, "was killed by signal " + std::to_string(WTERMSIG(wait_status)) + stderr_excerpt);
  }
  if (const int code = WEXITSTATUS(wait_status); code != 0) {
    return PluginError(
        exec,
        "exited with code " + std::to_string(code) + stderr_excerpt +
            (exec.install_hint.empty() ? "" : "\n" + PrintableExcerpt(exec.install_hint, 500)));
  }
  return ParseExecCredential(output[0], exec.source, api_version);
}

}  // namespace ra2cert::kube
