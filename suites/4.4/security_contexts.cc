// 4.4 Container runtimes: the security context a pod asks for is what its containers get.
// The kubelet turns the pod's securityContext into a CRI request and the runtime into an
// OCI spec; only what the container then sees in /proc shows that both did their part. The
// cases go through pods and the API server alone, so they hold on every cluster.
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "fixtures/kube/case_access.h"
#include "fixtures/kube/case_cluster.h"
#include "harness/catalogue/case.h"
#include "harness/core/bounded_file.h"

namespace ra2cert::suites {
namespace {
using fixtures::json;

constexpr auto kPodDeadline = std::chrono::seconds(90);
constexpr std::size_t kShown = 1500;  // characters of a probe's output a message shows

// The probes print "key=value" lines; the value runs to the end of the line.
std::map<std::string, std::string> KeyValues(const std::string& logs) {
  std::map<std::string, std::string> values;
  std::istringstream lines(logs);
  for (std::string line; std::getline(lines, line);) {
    const auto equals = line.find('=');
    if (equals == std::string::npos || equals == 0) continue;
    values[line.substr(0, equals)] = line.substr(equals + 1);
  }
  return values;
}

std::string ValueOf(const std::map<std::string, std::string>& values, const std::string& key) {
  const auto it = values.find(key);
  return it == values.end() ? "<not printed>" : it->second;
}

// "CapEff:\t00000000a80425fb" -> the bit mask; nullopt when absent or not hex.
std::optional<std::uint64_t> CapabilityMask(const std::string& status_value) {
  const auto start = status_value.find_first_not_of(" \t");
  if (start == std::string::npos) return std::nullopt;
  std::uint64_t mask = 0;
  const char* first = status_value.data() + start;
  const char* last = status_value.data() + status_value.size();
  const auto [end, error] = std::from_chars(first, last, mask, 16);
  if (error != std::errc() || end == first) return std::nullopt;
  return mask;
}

// Capabilities no container should hold unless it asks for them: each one reaches the
// node's kernel (modules, raw devices, other processes' memory, the host's network and
// mounts). Bit numbers from linux/capability.h.
struct Capability {
  int bit;
  const char* name;
};
constexpr Capability kDangerous[] = {
    {12, "CAP_NET_ADMIN"}, {16, "CAP_SYS_MODULE"}, {17, "CAP_SYS_RAWIO"}, {19, "CAP_SYS_PTRACE"},
    {21, "CAP_SYS_ADMIN"}, {22, "CAP_SYS_BOOT"},   {25, "CAP_SYS_TIME"},  {39, "CAP_BPF"},
};

std::string DangerousHeld(std::uint64_t mask) {
  std::string held;
  for (const auto& cap : kDangerous) {
    if (mask & (std::uint64_t{1} << cap.bit))
      held += (held.empty() ? "" : ", ") + std::string(cap.name);
  }
  return held;
}

// Runs one probe pod that must succeed (its command always exits 0: what it saw is in its
// output); ends the case as Failed with the pod's state otherwise.
#define RA2CERT_RUN_PROBE(var, client, ns, spec)                                                   \
  RA2CERT_REQUIRE_OK(var, fixtures::RunProbePod(client, ns, spec, fixtures::In(kPodDeadline)));    \
  ASSERT_EQ((var)->phase, "Succeeded")                                                             \
      << "probe pod " << (spec).name << " ended " << (var)->phase << " (exit " << (var)->exit_code \
      << "): " << PrintableExcerpt((var)->logs, kShown)
}  // namespace

RA2CERT_CASE(
    ContainerRuntime, CapabilitiesAreBoundedAndDropped,
    {.id = "4.4.010",
     .title = "A container holds no dangerous capability by default, and none at all when it "
              "drops ALL",
     .requirements = {"sec.sys.007", "sec.img.003"},
     .needs = {"cluster"},
     .timeout = std::chrono::seconds(240),
     .violations = {"runtime-base-spec-all-caps"},
     .api_access = Combine({fixtures::access::TestNamespace(), fixtures::access::RunProbePod()})}) {
  RA2CERT_REQUIRE_OK(client, kube::Client::ForCase());
  RA2CERT_REQUIRE_OK(ns, fixtures::TestNamespace::Create(*client, "4.4.010"));
  const std::string command =
      "sed -n 's/^CapEff:[[:space:]]*/capeff=/p; s/^CapBnd:[[:space:]]*/capbnd=/p' "
      "/proc/self/status";

  const fixtures::ProbePodSpec by_default{.name = "caps-default", .command = {command}};
  RA2CERT_RUN_PROBE(plain, *client, ns->name(), by_default);
  const auto plain_values = KeyValues(plain->logs);
  const auto plain_eff = CapabilityMask(ValueOf(plain_values, "capeff"));
  const auto plain_bnd = CapabilityMask(ValueOf(plain_values, "capbnd"));
  ASSERT_TRUE(plain_eff && plain_bnd)
      << "pod caps-default printed no CapEff/CapBnd: " << PrintableExcerpt(plain->logs, kShown);
  std::printf("no securityContext: CapEff %016llx CapBnd %016llx (on %s)\n",
              static_cast<unsigned long long>(*plain_eff),
              static_cast<unsigned long long>(*plain_bnd), plain->node.c_str());
  const std::string held = DangerousHeld(*plain_eff | *plain_bnd);
  EXPECT_TRUE(held.empty()) << "a container that asks for no capability holds " << held
                            << " (CapEff " << ValueOf(plain_values, "capeff") << ", CapBnd "
                            << ValueOf(plain_values, "capbnd") << ") on node " << plain->node
                            << ": the runtime's default capability set is not the least one";

  const fixtures::ProbePodSpec dropped{
      .name = "caps-dropped",
      .command = {command},
      .container_extra = {{"securityContext", {{"capabilities", {{"drop", {"ALL"}}}}}}}};
  RA2CERT_RUN_PROBE(none, *client, ns->name(), dropped);
  const auto none_values = KeyValues(none->logs);
  const auto none_eff = CapabilityMask(ValueOf(none_values, "capeff"));
  ASSERT_TRUE(none_eff) << "pod caps-dropped printed no CapEff: "
                        << PrintableExcerpt(none->logs, kShown);
  std::printf("capabilities drop ALL: CapEff %016llx\n",
              static_cast<unsigned long long>(*none_eff));
  EXPECT_EQ(*none_eff, 0u) << "a container that drops ALL capabilities still holds "
                           << DangerousHeld(*none_eff) << " (CapEff "
                           << ValueOf(none_values, "capeff") << ") on node " << none->node;
}

RA2CERT_CASE(
    ContainerRuntime, IdentityAndRootFilesystemAreEnforced,
    {.id = "4.4.011",
     .title = "A container runs as the runAsUser/runAsGroup/supplementalGroups asked, on a "
              "read-only root filesystem, with no_new_privs when privilege escalation is denied",
     .requirements = {"sec.img.003", "sec.sys.007"},
     .needs = {"cluster"},
     .timeout = std::chrono::seconds(150),
     .violations = {"runtime-ignores-security-context"},
     .api_access = Combine({fixtures::access::TestNamespace(), fixtures::access::RunProbePod()})}) {
  RA2CERT_REQUIRE_OK(client, kube::Client::ForCase());
  RA2CERT_REQUIRE_OK(ns, fixtures::TestNamespace::Create(*client, "4.4.011"));
  // /tmp of the probe image is 1777: the write fails only because the root filesystem is
  // read-only, not because uid 1000 lacks permission.
  const fixtures::ProbePodSpec spec{
      .name = "identity",
      .command = {"echo uid=$(id -u); echo gid=$(id -g); echo groups=$(id -G); "
                  "sed -n 's/^NoNewPrivs:[[:space:]]*/nonewprivs=/p' /proc/self/status; "
                  "out=$(touch /tmp/ra2cert-write-probe 2>&1); echo \"rootfs-write=$? $out\""},
      .extra_spec = {{"securityContext",
                      {{"runAsUser", 1000}, {"runAsGroup", 3000}, {"supplementalGroups", {4000}}}}},
      .container_extra = {
          {"securityContext",
           {{"readOnlyRootFilesystem", true}, {"allowPrivilegeEscalation", false}}}}};
  RA2CERT_RUN_PROBE(outcome, *client, ns->name(), spec);
  const auto values = KeyValues(outcome->logs);
  std::printf("on %s: %s\n", outcome->node.c_str(),
              PrintableExcerpt(outcome->logs, kShown).c_str());
  const std::string where = " (pod on node " + outcome->node + "): not enforced";

  EXPECT_EQ(ValueOf(values, "uid"), "1000")
      << "runAsUser 1000 asked, the container runs as uid " << ValueOf(values, "uid") << where;
  EXPECT_EQ(ValueOf(values, "gid"), "3000")
      << "runAsGroup 3000 asked, the container runs as gid " << ValueOf(values, "gid") << where;
  std::istringstream groups(ValueOf(values, "groups"));
  bool supplemental = false;
  for (std::string group; groups >> group;) supplemental = supplemental || group == "4000";
  EXPECT_TRUE(supplemental) << "supplementalGroups [4000] asked, the container's groups are "
                            << ValueOf(values, "groups") << where;
  EXPECT_EQ(ValueOf(values, "nonewprivs"), "1")
      << "allowPrivilegeEscalation: false asked, NoNewPrivs is " << ValueOf(values, "nonewprivs")
      << where;
  const std::string write = ValueOf(values, "rootfs-write");
  EXPECT_NE(write.find("Read-only file system"), std::string::npos)
      << "readOnlyRootFilesystem asked, writing /tmp/ra2cert-write-probe gave '" << write
      << "' instead of EROFS (Read-only file system)" << where;
}

RA2CERT_CASE(
    ContainerRuntime, RuntimeDefaultSeccompFiltersSyscalls,
    {.id = "4.4.012",
     .title = "seccompProfile RuntimeDefault puts the container under a seccomp filter that "
              "refuses a syscall an unconfined container may make",
     .requirements = {"sec.sys.014", "sec.sys.007"},
     .needs = {"cluster"},
     .timeout = std::chrono::seconds(240),
     .violations = {"runtime-ignores-security-context"},
     .api_access = Combine({fixtures::access::TestNamespace(), fixtures::access::RunProbePod()})}) {
  RA2CERT_REQUIRE_OK(client, kube::Client::ForCase());
  RA2CERT_REQUIRE_OK(ns, fixtures::TestNamespace::Create(*client, "4.4.012", true));
  // unshare(CLONE_NEWUSER) needs no capability, so an unconfined container may create a user
  // namespace; the runtimes' default profiles (containerd's, CRI-O's, Docker's) allow unshare
  // only to holders of CAP_SYS_ADMIN, because a user namespace opens kernel code paths
  // reserved to root to every process. The unconfined pod shows the kernel itself allows it
  // here, so that a refusal under RuntimeDefault is the filter's.
  const std::string command =
      "sed -n 's/^Seccomp:[[:space:]]*/seccomp=/p' /proc/self/status; "
      "out=$(unshare -U true 2>&1); echo \"unshare=$? $out\"";
  auto seccomp = [](const char* type) {
    return json{{"securityContext", {{"seccompProfile", {{"type", type}}}}}};
  };
  const fixtures::ProbePodSpec unconfined{
      .name = "seccomp-unconfined", .command = {command}, .container_extra = seccomp("Unconfined")};
  RA2CERT_RUN_PROBE(open, *client, ns->name(), unconfined);
  const auto open_values = KeyValues(open->logs);
  const fixtures::ProbePodSpec filtered{.name = "seccomp-default",
                                        .command = {command},
                                        .container_extra = seccomp("RuntimeDefault")};
  RA2CERT_RUN_PROBE(confined, *client, ns->name(), filtered);
  const auto values = KeyValues(confined->logs);
  std::printf("Unconfined on %s: %s\nRuntimeDefault on %s: %s\n", open->node.c_str(),
              PrintableExcerpt(open->logs, kShown).c_str(), confined->node.c_str(),
              PrintableExcerpt(confined->logs, kShown).c_str());

  EXPECT_EQ(ValueOf(values, "seccomp"), "2")
      << "seccompProfile RuntimeDefault asked, the container's Seccomp mode is "
      << ValueOf(values, "seccomp") << " (2 is a filter; pod on node " << confined->node
      << "): not enforced";
  const std::string unshare = ValueOf(values, "unshare");
  if (!ValueOf(open_values, "unshare").starts_with("0 ")) {
    // The kernel refuses unprivileged user namespaces itself: the syscall shows nothing.
    std::printf(
        "the unconfined pod may not create a user namespace either (%s): the syscall "
        "check proves nothing on this cluster, the Seccomp mode decides\n",
        ValueOf(open_values, "unshare").c_str());
    return;
  }
  EXPECT_NE(unshare.find("Operation not permitted"), std::string::npos)
      << "under seccompProfile RuntimeDefault unshare(CLONE_NEWUSER) gave '" << unshare
      << "' (an unconfined pod may make it; the default profile refuses it without "
         "CAP_SYS_ADMIN; pod on node "
      << confined->node << "): not enforced";
}

RA2CERT_CASE(
    ContainerRuntime, KernelPathsAreMaskedAndReadOnly,
    {.id = "4.4.013",
     .title = "/proc/kcore, /proc/keys, /proc/timer_list and the other masked paths show a "
              "container nothing, and /proc/sys is read-only",
     .requirements = {"sec.ci.007", "sec.ci.004"},
     .needs = {"cluster"},
     .timeout = std::chrono::seconds(150),
     .violations = {"runtime-ignores-security-context"},
     .api_access = Combine({fixtures::access::TestNamespace(), fixtures::access::RunProbePod()})}) {
  RA2CERT_REQUIRE_OK(client, kube::Client::ForCase());
  RA2CERT_REQUIRE_OK(ns, fixtures::TestNamespace::Create(*client, "4.4.013"));
  // The kubelet's default masked paths (procMount Default). A path the kernel does not have
  // is skipped; one that is there must read empty or not at all (a file masked by /dev/null,
  // a directory by an empty tmpfs). The container runs as root, as most do.
  const std::string command =
      "for p in /proc/kcore /proc/keys /proc/timer_list /proc/sched_debug /proc/latency_stats "
      "/proc/timer_stats /proc/acpi /proc/scsi /proc/asound /sys/firmware "
      "/sys/devices/virtual/powercap; do "
      "  if [ -d $p ]; then echo \"masked $p=$(ls -A $p 2>/dev/null | wc -l) entries\"; "
      "  elif [ -e $p ]; then echo \"masked $p=$(head -c 4096 $p 2>/dev/null | wc -c) bytes\"; fi; "
      "done; "
      "echo \"procsys-mount=$(awk '$5 == \"/proc/sys\" { print $6 }' /proc/self/mountinfo)\"; "
      "out=$( (cat /proc/sys/kernel/hostname > /proc/sys/kernel/hostname) 2>&1); "
      "echo \"procsys-write=$? $out\"";
  const fixtures::ProbePodSpec spec{.name = "masked-paths", .command = {command}};
  RA2CERT_RUN_PROBE(outcome, *client, ns->name(), spec);
  std::printf("on %s:\n%s\n", outcome->node.c_str(),
              PrintableExcerpt(outcome->logs, kShown).c_str());
  const auto values = KeyValues(outcome->logs);

  std::string exposed;
  int checked = 0;
  for (const auto& [key, value] : values) {
    if (!key.starts_with("masked ")) continue;
    ++checked;
    if (!value.starts_with("0 "))
      exposed += (exposed.empty() ? "" : ", ") + key.substr(7) + " (" + value + ")";
  }
  ASSERT_GT(checked, 0) << "the probe found none of the masked paths: "
                        << PrintableExcerpt(outcome->logs, kShown);
  EXPECT_TRUE(exposed.empty()) << "paths the runtime must mask show the container the node's "
                                  "kernel state: "
                               << exposed << " (pod on node " << outcome->node
                               << "): masking not enforced";
  const std::string options = ValueOf(values, "procsys-mount");
  std::istringstream fields(options);
  bool read_only = false;
  for (std::string option; std::getline(fields, option, ',');)
    read_only = read_only || option == "ro";
  EXPECT_TRUE(read_only) << "/proc/sys is "
                         << (options.empty() ? "no mount of its own (writable like /proc)"
                                             : "mounted '" + options + "', not ro")
                         << " in the container (pod on node " << outcome->node
                         << "): read-only path not enforced";
  const std::string write = ValueOf(values, "procsys-write");
  EXPECT_NE(write.find("Read-only file system"), std::string::npos)
      << "writing /proc/sys/kernel/hostname gave '" << write
      << "' instead of EROFS (Read-only file system) (pod on node " << outcome->node
      << "): read-only path not enforced";
}

RA2CERT_CASE(ContainerRuntime, HostNamespacesStayHidden,
             {.id = "4.4.014",
              .title = "A pod that asks for no host namespace gets its own PID, network and IPC "
                       "namespaces: it sees neither the node's processes nor its addresses",
              .requirements = {"sec.ci.004", "sec.sys.007"},
              .needs = {"cluster"},
              .timeout = std::chrono::seconds(240),
              .violations = {"runtime-ignores-pod-namespaces"},
              .api_access = Combine({{{.verbs = {"get"}, .resource = "nodes"}},
                                     fixtures::access::TestNamespace(),
                                     fixtures::access::RunProbePod()})}) {
  RA2CERT_REQUIRE_OK(client, kube::Client::ForCase());
  RA2CERT_REQUIRE_OK(ns, fixtures::TestNamespace::Create(*client, "4.4.014"));
  // Two pods that each got namespaces of their own never share one; two pods a runtime left
  // in the node's namespaces do. The first pod stays alive while the second runs, because
  // the kernel reuses the number of a namespace that is gone. No pod with host namespaces
  // is needed as the reference, so clusters that refuse those (Pod Security, an admission
  // policy) are measured too.
  const std::string namespaces =
      "for n in pid net ipc; do echo \"ns-$n=$(readlink /proc/self/ns/$n)\"; done; ";
  const fixtures::ProbePodSpec neighbour{.name = "neighbour",
                                         .command = {namespaces + "sleep 600"}};
  RA2CERT_REQUIRE_OK(started, fixtures::StartProbePod(*client, ns->name(), neighbour));
  RA2CERT_REQUIRE_OK(running, fixtures::WaitForPod(*client, ns->name(), neighbour.name, {"Running"},
                                                   fixtures::In(kPodDeadline)));
  const std::string node_name =
      running->value("spec", json::object()).value("nodeName", std::string());
  std::string neighbour_logs;
  for (int attempt = 0; attempt < 60 && neighbour_logs.find("ns-ipc=") == std::string::npos;
       ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(500));
    RA2CERT_REQUIRE_OK(logs, client->PodLogs(ns->name(), neighbour.name));
    neighbour_logs = *logs;
  }
  const auto other_values = KeyValues(neighbour_logs);
  std::printf("neighbour pod on %s: %s\n", node_name.c_str(),
              PrintableExcerpt(neighbour_logs, kShown).c_str());

  // The marker is in PID 1's command line only when PID 1 is this pod's own shell.
  const fixtures::ProbePodSpec plain{
      .name = "own-namespaces",
      .command = {"echo ra2cert-own-pid1 >/dev/null; " + namespaces +
                  "echo \"pid1=$(tr '\\0' ' ' </proc/1/cmdline)\"; "
                  "echo \"addresses=$(ip -4 -o addr show | awk '{ print $4 }' | tr '\\n' ' ')\""},
      .node_name = node_name};
  RA2CERT_RUN_PROBE(own, *client, ns->name(), plain);
  const auto values = KeyValues(own->logs);
  std::printf("pod on %s:\n%s\n", own->node.c_str(), PrintableExcerpt(own->logs, kShown).c_str());

  const std::string pid1 = ValueOf(values, "pid1");
  EXPECT_NE(pid1.find("ra2cert-own-pid1"), std::string::npos)
      << "the pod's PID 1 is '" << PrintableExcerpt(pid1, kShown)
      << "', not its own command: it sees the node's host PID namespace (node " << own->node << ")";

  RA2CERT_REQUIRE_OK(node, client->Get("/api/v1/nodes/" + own->node));
  const std::string addresses = " " + ValueOf(values, "addresses");
  for (const auto& address :
       node->value("status", json::object()).value("addresses", json::array())) {
    const std::string type = address.value("type", "");
    const std::string ip = address.value("address", "");
    if ((type != "InternalIP" && type != "ExternalIP") || ip.empty()) continue;
    EXPECT_EQ(addresses.find(" " + ip + "/"), std::string::npos)
        << "the pod holds node " << own->node << "'s " << type << " " << ip
        << " on its interfaces (" << ValueOf(values, "addresses")
        << "): it shares the node's host network namespace";
  }

  for (const char* kind : {"pid", "net", "ipc"}) {
    const std::string key = std::string("ns-") + kind;
    ASSERT_TRUE(values.contains(key) && other_values.contains(key))
        << "a probe printed no " << key << ": " << PrintableExcerpt(neighbour_logs, kShown);
    EXPECT_NE(ValueOf(values, key), ValueOf(other_values, key))
        << "two running pods on node " << own->node
        << " that asked for no host namespace share the " << kind << " namespace "
        << ValueOf(values, key) << ": they run in the node's host " << kind << " namespace";
  }
}

}  // namespace ra2cert::suites
