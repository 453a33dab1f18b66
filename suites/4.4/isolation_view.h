// What a pod sees of the machine under it, measured from inside by the probe's shell: the
// kernel, the processes, the block devices, whether the kernel takes a module, and its
// addresses. A sandbox shows none of the node; a container on the node's kernel shows
// whatever its privileges open to it. Cases compare the view with the Node object.
#pragma once

#include <string>
#include <vector>

#include "harness/core/result.h"
#include "harness/kube/client.h"

namespace ra2cert::suites {

struct IsolationView {
  std::string kernel;                      // uname -r
  std::vector<std::string> processes;      // the comm of every process it can see
  int block_device_nodes = 0;              // block device nodes in its /dev
  std::vector<std::string> block_devices;  // those it could read from
  std::string module_load;                 // what an attempt to load a module answered
  std::vector<std::string> addresses;      // its IPv4 and IPv6 addresses, without prefix
};

// The probe's command (one shell script for busybox sh); it prints key=value lines.
std::string IsolationProbeScript();

// Reads the probe's output; an output without the kernel line is an error quoting it.
Result<IsolationView> ParseIsolationView(const std::string& output);

// What of the node the view shows, one phrase each ("the node's kernel 6.1.0",
// "node processes kubelet, containerd", ...); empty when the view shows nothing of it.
// `node` is the Node object the pod ran on.
std::vector<std::string> NodeExposures(const IsolationView& view, const kube::json& node);

// "a, b, c": exposures and other phrases in one message.
std::string JoinedPhrases(const std::vector<std::string>& items);

}  // namespace ra2cert::suites
