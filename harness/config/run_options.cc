#include "harness/config/run_options.h"

#include "harness/config/run_settings.h"
#include "harness/core/bounded_file.h"
#include "harness/cri/cri_endpoints.h"

namespace ra2cert {

Status RunOptions::Validate() const {
  RunSettings numbers;
  numbers.options = *this;
  if (auto in_range = CheckRanges(numbers); !in_range) return in_range;
  if (junit_flavor != "strict" && junit_flavor != "extended") {
    return Error(
        "--junit-flavor: '" + PrintableExcerpt(junit_flavor) + "' is not strict or extended", 2);
  }
  if (scope != "distribution" && scope != "deployment") {
    return Error("--scope: '" + PrintableExcerpt(scope) + "' is not distribution or deployment", 2);
  }
  if (output_dir.empty()) return Error("--output-dir: must not be empty", 2);
  if (!cri_endpoints.empty()) {
    auto endpoints = cri::ParseEndpoints(cri_endpoints);
    if (!endpoints) return Error("--cri-endpoints: " + endpoints.error().message(), 2);
    if (endpoints->empty()) return Error("--cri-endpoints: names no node", 2);
  }
  if (!cri_socket.empty()) {
    if (!cri_endpoints.empty() || no_node_agent) {
      return Error(
          "--cri-socket is for the node agent: it goes with neither --cri-endpoints nor "
          "--no-node-agent",
          2);
    }
    if (cri_socket.front() != '/' || cri_socket.find_first_of(",= \t\n") != std::string::npos) {
      return Error(
          "--cri-socket: '" + PrintableExcerpt(cri_socket) +
              "' is not an absolute path on the nodes (e.g. /run/containerd/containerd.sock)",
          2);
    }
  }
  return Ok();
}

}  // namespace ra2cert
