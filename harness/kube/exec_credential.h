// client.authentication.k8s.io exec credential plugins: run the command with
// KUBERNETES_EXEC_INFO, read the ExecCredential it prints, keep it until it expires or
// the API server answers 401.
#pragma once

#include <chrono>
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

// Parses the plugin's stdout (exposed for tests).
Result<ExecCredential> ParseExecCredential(const std::string& json_text, const std::string& source);

}  // namespace ra2cert::kube
