#include "suites/4.4/isolation_view.h"

#include <algorithm>
#include <set>
#include <sstream>

#include "harness/core/bounded_file.h"

namespace ra2cert::suites {
namespace {
using kube::json;

// Daemons every Kubernetes node runs; seeing one from a pod means seeing the node's
// process table.
const std::set<std::string> kNodeDaemons = {"kubelet",         "containerd",     "crio",  "dockerd",
                                            "kube-proxy",      "kube-apiserver", "etcd",  "systemd",
                                            "containerd-shim", "conmon",         "cri-o", "init"};

std::string Trimmed(std::string text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\r')) text.pop_back();
  return text;
}

// The kernel answered an init_module with its own verdict on the bytes (a bad format, an
// invalid argument): it was willing to load. A refusal is a permission error or a call the
// kernel (or a sandbox's kernel) does not offer.
bool ModuleLoadRefused(const std::string& answer) {
  // busybox says "kernel does not support requested operation" for ENOSYS: a kernel built
  // without modules, or a sandbox's kernel that does not offer the call.
  for (const char* refusal : {"not permitted", "Permission denied", "not implemented",
                              "does not support requested operation", "not supported"}) {
    if (answer.find(refusal) != std::string::npos) return true;
  }
  return false;
}
}  // namespace

std::string IsolationProbeScript() {
  // comm is read with `read` (a builtin) so the probe's own cat/grep do not add noise; each
  // block device is read (512 bytes) because a sandbox may show device nodes it never opens;
  // an insmod of a few bytes reaches init_module, whose answer says whether loading is allowed.
  // clang-format off
  return R"sh(echo "kernel=$(uname -r)"
for f in /proc/[0-9]*/comm; do read -r c < "$f" 2>/dev/null && echo "process=$c"; done
for d in $(find /dev -type b 2>/dev/null | head -n 64); do echo "blockdev=$d $(head -c 512 "$d" 2>/dev/null | wc -c)"; done
echo ra2cert > /tmp/ra2cert-probe.ko 2>/dev/null || echo ra2cert > /dev/shm/ra2cert-probe.ko
m=/tmp/ra2cert-probe.ko; [ -f "$m" ] || m=/dev/shm/ra2cert-probe.ko
echo "module=$(insmod "$m" 2>&1 | head -n 1)"
ip -o addr 2>/dev/null | awk '{ split($4, a, "/"); print "address=" a[1] }'
echo done=1)sh";
  // clang-format on
}

Result<IsolationView> ParseIsolationView(const std::string& output) {
  IsolationView view;
  bool complete = false;
  std::istringstream lines(output);
  std::string line;
  while (std::getline(lines, line)) {
    const auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    const std::string key = line.substr(0, eq);
    const std::string value = Trimmed(line.substr(eq + 1));
    if (key == "kernel") view.kernel = value;
    if (key == "process" && !value.empty()) view.processes.push_back(value);
    if (key == "blockdev") {
      // "<path> <bytes read>": a device node is only a name; one that gives up its bytes is
      // the node's disk within reach.
      const auto space = value.rfind(' ');
      if (space == std::string::npos) continue;
      ++view.block_device_nodes;
      if (value.substr(space + 1) != "0") view.block_devices.push_back(value.substr(0, space));
    }
    if (key == "module") view.module_load = value;
    if (key == "address" && !value.empty()) view.addresses.push_back(value);
    if (key == "done") complete = true;
  }
  if (view.kernel.empty() || !complete) {
    return Error("the isolation probe's output is incomplete (no kernel or no end line): " +
                 PrintableExcerpt(output, 300));
  }
  return view;
}

std::string JoinedPhrases(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

std::vector<std::string> NodeExposures(const IsolationView& view, const json& node) {
  std::vector<std::string> exposures;
  const json status = node.value("status", json::object());
  const std::string node_kernel =
      status.value("nodeInfo", json::object()).value("kernelVersion", "");
  if (view.kernel == node_kernel) exposures.push_back("the node's own kernel " + node_kernel);

  std::vector<std::string> daemons;
  for (const auto& process : view.processes) {
    if (kNodeDaemons.contains(process) &&
        std::find(daemons.begin(), daemons.end(), process) == daemons.end()) {
      daemons.push_back(process);
    }
  }
  if (!daemons.empty())
    exposures.push_back("the node's processes (" + JoinedPhrases(daemons) + ")");

  if (!view.block_devices.empty()) {
    std::vector<std::string> shown(
        view.block_devices.begin(),
        view.block_devices.begin() + std::min<std::ptrdiff_t>(5, std::ssize(view.block_devices)));
    exposures.push_back("block devices it can read (" + JoinedPhrases(shown) +
                        (view.block_devices.size() > 5 ? ", ..." : "") + ")");
  }
  if (!view.module_load.empty() && !ModuleLoadRefused(view.module_load)) {
    exposures.push_back("a kernel that takes modules from it (insmod answered: " +
                        PrintableExcerpt(view.module_load, 120) + ")");
  }

  std::vector<std::string> node_addresses;
  for (const auto& address : status.value("addresses", json::array())) {
    if (address.value("type", "") != "InternalIP" && address.value("type", "") != "ExternalIP") {
      continue;
    }
    const std::string ip = address.value("address", "");
    if (std::find(view.addresses.begin(), view.addresses.end(), ip) != view.addresses.end()) {
      node_addresses.push_back(ip);
    }
  }
  if (!node_addresses.empty()) {
    exposures.push_back("the node's network interfaces (" + JoinedPhrases(node_addresses) + ")");
  }
  return exposures;
}

}  // namespace ra2cert::suites
