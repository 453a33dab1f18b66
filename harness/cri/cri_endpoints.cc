#include "harness/cri/cri_endpoints.h"

#include <algorithm>
#include <cstdlib>
#include <set>

namespace ra2cert::cri {
namespace {

std::string_view Trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\n\r");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\n\r");
  return text.substr(first, last - first + 1);
}

}  // namespace

Result<std::string> NormalizeEndpoint(std::string_view endpoint) {
  constexpr std::string_view kUnix = "unix://";
  std::string_view path = endpoint;
  if (endpoint.substr(0, kUnix.size()) == kUnix) {
    path = endpoint.substr(kUnix.size());
  } else if (endpoint.find("://") != std::string_view::npos) {
    return Error(
        "CRI endpoint '" + std::string(endpoint) +
        "': only unix:// sockets are supported (e.g. unix:///run/containerd/containerd.sock)");
  }
  if (path.empty() || path.front() != '/') {
    return Error("CRI endpoint '" + std::string(endpoint) +
                 "': the socket path must be absolute (unix:///abs/path)");
  }
  return "unix://" + std::string(path);
}

Result<std::vector<NodeEndpoint>> ParseEndpoints(std::string_view text) {
  std::vector<NodeEndpoint> endpoints;
  std::set<std::string, std::less<>> seen;
  if (Trim(text).empty()) return endpoints;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = std::min(text.find(',', start), text.size());
    const std::string_view item = Trim(text.substr(start, comma - start));
    start = comma + 1;
    if (item.empty()) continue;  // "a=unix:///x," or ",,"
    const size_t equals = item.find('=');
    if (equals == std::string_view::npos) {
      return Error("CRI endpoints: '" + std::string(item) +
                   "' is not node=endpoint (e.g. node1=unix:///run/containerd/containerd.sock)");
    }
    const std::string node(Trim(item.substr(0, equals)));
    if (node.empty()) return Error("CRI endpoints: '" + std::string(item) + "' names no node");
    if (!seen.insert(node).second) return Error("CRI endpoints: node " + node + " is named twice");
    auto endpoint = NormalizeEndpoint(Trim(item.substr(equals + 1)));
    if (!endpoint) return endpoint.error().Wrap("CRI endpoints: node " + node);
    endpoints.push_back({node, std::move(*endpoint)});
  }
  return endpoints;
}

Result<std::vector<NodeEndpoint>> EndpointsFromEnvironment() {
  const char* text = std::getenv(kEndpointsVariable);
  if (text == nullptr || Trim(text).empty()) {
    return Error(std::string(kEndpointsVariable) +
                 " is not set: the runtimes' CRI sockets are not reachable from this run "
                 "(a local cluster sets it; with an attached cluster export it as "
                 "node=unix:///path,...)");
  }
  auto parsed = ParseEndpoints(text);
  if (!parsed) return parsed.error().Wrap(kEndpointsVariable);
  return parsed;
}

}  // namespace ra2cert::cri
