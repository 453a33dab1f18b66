#include "harness/kube/exec_credential.h"

#include <linux/close_range.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <boost/process.hpp>
#include <boost/process/extend.hpp>
#include <ctime>
#include <nlohmann/json.hpp>

#include "harness/kube/base64.h"

namespace bp = boost::process;

namespace ra2cert::kube {
namespace {
std::optional<std::chrono::system_clock::time_point> ParseRfc3339(const std::string& text) {
  std::tm tm{};
  const char* end = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (!end) return std::nullopt;
  const std::time_t seconds = timegm(&tm);
  // Past what system_clock can hold (year 2262 in nanoseconds): never expires.
  using std::chrono::system_clock;
  if (seconds >
      std::chrono::duration_cast<std::chrono::seconds>(system_clock::duration::max()).count()) {
    return system_clock::time_point::max();
  }
  return system_clock::from_time_t(seconds);
}
}  // namespace

Result<ExecCredential> ParseExecCredential(const std::string& json_text,
                                           const std::string& source) {
  const auto json = nlohmann::json::parse(json_text, nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    return Error(source + ": the plugin did not print an ExecCredential (not JSON)");
  }
  if (json.value("kind", "") != "ExecCredential") {
    return Error(source + ": the plugin printed kind '" + json.value("kind", "") +
                 "', expected ExecCredential");
  }
  const auto status = json.find("status");
  if (status == json.end() || !status->is_object()) {
    return Error(source + ": the ExecCredential has no status");
  }
  ExecCredential credential;
  auto text = [&](const char* key) {
    auto it = status->find(key);
    return it != status->end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  credential.token = text("token");
  credential.client_certificate_pem = text("clientCertificateData");
  credential.client_key_pem = text("clientKeyData");
  if (const std::string expiry = text("expirationTimestamp"); !expiry.empty()) {
    credential.expires = ParseRfc3339(expiry);
    if (!credential.expires) {
      return Error(source + ": expirationTimestamp '" + expiry + "' is not an RFC 3339 time");
    }
  }
  if (credential.token.empty() && credential.client_certificate_pem.empty()) {
    return Error(source + ": the ExecCredential carries neither a token nor a client certificate");
  }
  if (credential.client_certificate_pem.empty() != credential.client_key_pem.empty()) {
    return Error(source + ": the ExecCredential has a client certificate or key without the other");
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
  boost::filesystem::path program = exec.command;
  if (exec.command.find('/') == std::string::npos) program = bp::search_path(exec.command);
  if (program.empty() || ::access(program.c_str(), X_OK) != 0) {
    std::string message = exec.source + ": credential plugin '" + exec.command + "' was not found";
    if (!exec.install_hint.empty()) message += "\n" + exec.install_hint;
    return Error(message);
  }
  bp::environment env = boost::this_process::environment();
  // set(), not env[name]: see harness/tools/run_tool.cc.
  for (const auto& [name, value] : exec.env) env.set(name, value);
  env.set("KUBERNETES_EXEC_INFO", info.dump());
  bp::pipe out;
  std::error_code ec;
  bp::child child(
      program, bp::args = exec.args, env, bp::std_out > out, bp::std_in < bp::null,
      bp::extend::on_exec_setup =
          [](auto&) {
            // No descriptor of ours beyond stdio reaches the plugin.
            // (bp::limit_handles closes the pipe it was given here.)
            ::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
            ::setpgid(0, 0);  // so a timeout can stop what it started too
          },
      ec);
  if (ec) return Error(exec.source + ": cannot run '" + exec.command + "': " + ec.message());
  // Our copy of the write end must go, or the read below never sees end-of-file.
  ::close(out.native_sink());
  out.assign_sink(-1);
  std::string output;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      ::kill(-child.id(), SIGKILL);
      child.wait(ec);
      return Error(exec.source + ": credential plugin '" + exec.command +
                   "' did not finish within " + std::to_string(timeout.count() / 1000) + " s");
    }
    pollfd fd{out.native_source(), POLLIN, 0};
    if (::poll(&fd, 1, static_cast<int>(left.count())) <= 0) continue;
    char buffer[4096];
    const ssize_t n = ::read(out.native_source(), buffer, sizeof buffer);
    if (n <= 0) break;
    output.append(buffer, static_cast<size_t>(n));
  }
  child.wait(ec);
  if (child.exit_code() != 0) {
    return Error(exec.source + ": credential plugin '" + exec.command + "' exited with code " +
                 std::to_string(child.exit_code()));
  }
  return ParseExecCredential(output, exec.source);
}

}  // namespace ra2cert::kube
