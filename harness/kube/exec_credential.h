// client.authentication.k8s.io exec credential plugins: run the command with
// KUBERNETES_EXEC_INFO, read the ExecCredential it prints, keep it until it expires or
// the API server answers 401. The plugin runs with stdin from /dev/null, its stdout and
// stderr captured (never ra2cert's own descriptors), a size limit on both, a timeout,
// and dies with ra2cert.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include "harness/core/result.h"
#include "harness/kube/kubeconfig.h"

namespace ra2cert::kube {

struct ExecCredential {
  std::string token;
  std::string client_certificate_pem, client_key_pem;
  std::optional<std::chrono::system_clock::time_point> expires;
};

// `server` and `ca_pem` are passed to the plugin when provideClusterInfo is set.
Result<ExecCredential> RunExecPlugin(const ExecConfig& exec, const std::string& server,
                                     const std::string& ca_pem,
                                     std::chrono::milliseconds timeout = std::chrono::seconds(60));

// The most a plugin may print on stdout or on stderr; it is killed when it prints more.
inline constexpr std::size_t kExecOutputLimit = 1u << 20;

// Parses the plugin's stdout (exposed for tests). `api_version`, when given, is the
// version the plugin was asked for; output of another version is refused. The token must
// fit in an HTTP header; a client key is checked and re-encoded (tls_material.h). Errors
// carry code 2: a plugin that fails is a configuration problem, not the cluster's.
Result<ExecCredential> ParseExecCredential(const std::string& json_text, const std::string& source,
                                           const std::string& api_version = "");

}  // namespace ra2cert::kube
