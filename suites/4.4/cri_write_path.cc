// 4.4 Container runtimes: the CRI write path, driven by the harness itself through every
// node's CRI socket as the kubelet drives it, for the runtime's default handler and for
// the handler of each sandboxed RuntimeClass (as critest --runtime-handler does): pod
// sandboxes, containers, exec and the streaming URLs, stats, logs, images. A call the
// runtime answers with an error, or an answer that breaks the CRI contract, is the
// runtime's failure, named with the node, the handler, the call and its status.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <thread>

#include "fixtures/kube/case_access.h"
#include "fixtures/kube/case_cluster.h"
#include "harness/catalogue/case.h"
#include "harness/core/bounded_file.h"
#include "harness/cri/cri_log_format.h"
#include "harness/run/run_objects.h"
#include "suites/4.4/cri_case.h"
#include "suites/4.4/cri_scratch.h"
#include "suites/4.4/removable_image.h"

namespace ra2cert::suites {
namespace {
using fixtures::json;
using std::chrono::seconds;

// A container log the cases read stays far below this.
constexpr size_t kLogLimit = 1 << 20;
constexpr auto kPoll = std::chrono::milliseconds(200);

// "ra2cert-node2, handler runsc (RuntimeClass gvisor)": where a check ran.
std::string Where(const std::string& node, const HandlerUnderTest& handler) {
  return node + ", " + handler.Describe();
}

std::string Short(const std::string& id) { return id.substr(0, 12); }

// The scratch sandbox of one node and handler, with the one config every later call that
// takes a sandbox config (CreateContainer, PullImage) gets.
struct ScratchSandbox {
  cri::SandboxConfig config;
  std::string id;
};

// A running container of the probe image: it writes one line to each stream, then sleeps.
constexpr char kHelloOut[] = "ra2cert-hello-stdout";
constexpr char kHelloErr[] = "ra2cert-hello-stderr";
// ... or, ticking, one line a second to stdout (to see where its output goes).
constexpr char kTick[] = "ra2cert-tick";

cri::ContainerConfig SleeperConfig(const std::string& name, bool ticking = false) {
  const std::string hello = std::string("echo ") + kHelloOut + "; echo " + kHelloErr + " >&2; ";
  return {
      .name = name,
      .image = fixtures::ProbeImage(),
      .command = {"/bin/sh", "-c",
                  hello + (ticking ? std::string("while :; do echo ") + kTick + "; sleep 1; done"
                                   : std::string("exec sleep 600"))},
      .log_path = name + "_0.log"};
}

// Every case needs the probe image on the node before it creates a container from it; a
// node that cannot pull it from the cluster's registry fails the case.
Status EnsureProbeImage(CriScratch& scratch, const cri::SandboxConfig& sandbox) {
  auto present = scratch.cri().ImageStatus(fixtures::ProbeImage());
  if (!present) return present.error().Wrap("ImageStatus " + fixtures::ProbeImage());
  if (present->has_value()) return Ok();
  auto pulled = scratch.cri().PullImage(fixtures::ProbeImage(), sandbox, seconds(120));
  if (!pulled) return pulled.error().Wrap("PullImage " + fixtures::ProbeImage());
  return Ok();
}

// A runtime that does not serve the CRI services at all (Version fails) fails the case
// here, with that reason, and is left out of the rest, which would only wait for pods it
// cannot run.
void RemoveRuntimesWithoutCri(std::vector<NodeRuntime>& runtimes) {
  for (auto it = runtimes.begin(); it != runtimes.end();) {
    auto version = it->cri.Version();
    if (version) {
      ++it;
      continue;
    }
    ADD_FAILURE() << it->node << ": the runtime does not serve CRI, so nothing can be run "
                  << "through it: " << version.error().message();
    it = runtimes.erase(it);
  }
}

// Calls that start sandboxes and containers: runsc's StartContainer took over 5 s with four
// runs at once on 2 cores (the kubelet allows such calls 2 minutes).
constexpr std::chrono::seconds kCriWriteCallTimeout{30};

// The run's client for every node, the handlers to check, and an anchor pod per node that
// owns what the case creates there (see cri_scratch.h); or the case ends as Error.
#define RA2CERT_CRI_WRITE_SETUP(case_id)                                                \
  RA2CERT_REQUIRE_OK(client, kube::Client::ForCase());                                  \
  RA2CERT_REQUIRE_OK(runtimes, ConnectNodeRuntimes());                                  \
  RA2CERT_REQUIRE_OK(handlers, HandlersUnderTest(*client));                             \
  if (handlers->size() == 1) {                                                          \
    std::cout << "no RuntimeClass claims a sandboxed runtime: only "                    \
                 "the default handler is checked\n";                                    \
  }                                                                                     \
  RemoveRuntimesWithoutCri(*runtimes);                                                  \
  for (auto& runtime : *runtimes) runtime.cri.set_call_timeout(kCriWriteCallTimeout);   \
  if (runtimes->empty()) return;                                                        \
  RA2CERT_REQUIRE_OK(ns, fixtures::TestNamespace::Create(*client, case_id));            \
  std::vector<std::string> node_names;                                                  \
  for (const auto& runtime : *runtimes) node_names.push_back(runtime.node);             \
  RA2CERT_REQUIRE_OK(anchors, RunSleepers(*client, ns->name(), "anchor", node_names,    \
                                          fixtures::In(std::chrono::seconds(60))));     \
  auto anchor_uid = [&](size_t i) {                                                     \
    return (*anchors)[i].value("metadata", json::object()).value("uid", std::string()); \
  }

// What the cases ask of the API: the RuntimeClasses, a namespace, the anchor pods.
std::vector<ApiAccess> WritePathAccess() {
  return Combine({HandlersAccess(), fixtures::access::TestNamespace(), SleepersAccess()});
}

// Runs a sandbox for the case on one node under one handler; a refusal is the runtime's
// failure (reported here), and false.
bool RunScratchSandbox(CriScratch& scratch, const HandlerUnderTest& handler,
                       const std::string& what, ScratchSandbox* out) {
  const std::string where = Where(scratch.node(), handler);
  out->config = scratch.NewSandboxConfig(what);
  auto id = scratch.RunSandbox(out->config, handler.handler);
  if (!id) {
    ADD_FAILURE() << where << ": RunPodSandbox refused a sandbox for " << handler.Describe() << ": "
                  << id.error().message();
    return false;
  }
  out->id = *id;
  return true;
}

// --- 4.4.020
void CheckSandboxLifecycle(NodeRuntime& runtime, const HandlerUnderTest& handler,
                           const std::string& anchor_uid) {
  const std::string where = Where(runtime.node, handler);
  RA2CERT_REQUIRE_OK(scratch, CriScratch::Create(runtime.cri, runtime.node, "4.4.020", anchor_uid));
  ScratchSandbox sandbox;
  if (!RunScratchSandbox(*scratch, handler, handler.handler.empty() ? "default" : "sandboxed",
                         &sandbox))
    return;
  cri::CriClient& cri = runtime.cri;

  auto status = cri.PodSandboxStatus(sandbox.id);
  if (!status)
    FAIL() << where << ": PodSandboxStatus of the new sandbox: " << status.error().message();
  const cri::PodSandbox& got = status->sandbox;
  EXPECT_EQ(got.id, sandbox.id) << where << ": PodSandboxStatus answers for another sandbox";
  EXPECT_EQ(got.state, cri::SandboxState::kReady)
      << where << ": a sandbox RunPodSandbox returned is " << cri::ToString(got.state);
  EXPECT_EQ(got.name, sandbox.config.name) << where << ": sandbox metadata name not kept";
  EXPECT_EQ(got.uid, sandbox.config.uid) << where << ": sandbox metadata uid not kept";
  EXPECT_EQ(got.namespace_, sandbox.config.namespace_)
      << where << ": sandbox metadata namespace not kept";
  for (const auto& [key, value] : sandbox.config.labels) {
    auto label = got.labels.find(key);
    EXPECT_TRUE(label != got.labels.end() && label->second == value)
        << where << ": sandbox label " << key << "=" << value << " not kept";
  }
  if (!handler.handler.empty()) {
    EXPECT_EQ(got.runtime_handler, handler.handler)
        << where << ": PodSandboxStatus reports runtime handler '" << got.runtime_handler << "'";
  }
  EXPECT_FALSE(status->ip.empty()) << where << ": a sandbox on the pod network has no IP";
  std::cout << where << ": RunPodSandbox " << Short(sandbox.id) << " " << cri::ToString(got.state)
            << ", IP " << status->ip << "\n";

  auto listed = cri.ListPodSandbox({.labels = sandbox.config.labels});
  if (!listed) FAIL() << where << ": ListPodSandbox: " << listed.error().message();
  bool found = false;
  for (const auto& item : *listed) found = found || item.id == sandbox.id;
  EXPECT_TRUE(found) << where << ": ListPodSandbox by the sandbox's labels does not list it";

  auto forward = cri.PortForward(sandbox.id, {8080});
  if (!forward) FAIL() << where << ": PortForward: " << forward.error().message();
  const std::string forward_problem = StreamingUrlProblem(*forward);
  EXPECT_TRUE(forward_problem.empty())
      << where << ": PortForward URL '" << PrintableExcerpt(*forward) << "': " << forward_problem;

  auto stopped = cri.StopPodSandbox(sandbox.id);
  if (!stopped) FAIL() << where << ": StopPodSandbox: " << stopped.error().message();
  auto after_stop = cri.PodSandboxStatus(sandbox.id);
  if (!after_stop)
    FAIL() << where << ": PodSandboxStatus of a stopped sandbox: " << after_stop.error().message();
  EXPECT_EQ(after_stop->sandbox.state, cri::SandboxState::kNotReady)
      << where << ": a stopped sandbox is " << cri::ToString(after_stop->sandbox.state);

  auto removed = cri.RemovePodSandbox(sandbox.id);
  if (!removed) FAIL() << where << ": RemovePodSandbox: " << removed.error().message();
  auto after_remove = cri.PodSandboxStatus(sandbox.id);
  EXPECT_TRUE(!after_remove && after_remove.error().code() == cri::kNotFound)
      << where << ": PodSandboxStatus of a removed sandbox should be NOT_FOUND, got "
      << (after_remove ? std::string(cri::ToString(after_remove->sandbox.state))
                       : after_remove.error().message());
  auto gone = cri.ListPodSandbox({.id = sandbox.id});
  if (!gone) FAIL() << where << ": ListPodSandbox: " << gone.error().message();
  EXPECT_TRUE(gone->empty()) << where << ": ListPodSandbox still lists a removed sandbox";
  std::cout << where << ": StopPodSandbox -> SANDBOX_NOTREADY, RemovePodSandbox -> NOT_FOUND\n";
}

// --- 4.4.021
// Polls the container's log file until `want` shows on `stream` (or 10 s pass); returns
// the parsed records, or the error that makes the log not CRI-formatted.
Result<std::vector<cri::LogRecord>> AwaitLogLine(const std::string& path, const std::string& stream,
                                                 const std::string& want) {
  const auto deadline = std::chrono::steady_clock::now() + seconds(10);
  for (;;) {
    std::error_code error;
    if (std::filesystem::exists(path, error)) {
      auto text = ReadBoundedFile(path, kLogLimit, "container log");
      if (!text) return text.error();
      auto records = cri::ParseLog(*text);
      if (!records) return records.error().Wrap(path);
      for (const auto& line : cri::OutputLines(*records, stream)) {
        if (line == want) return records;
      }
      if (std::chrono::steady_clock::now() >= deadline || InterruptRequested()) return records;
    } else if (std::chrono::steady_clock::now() >= deadline || InterruptRequested()) {
      return Error("no log file " + path + " after 10 s");
    }
    std::this_thread::sleep_for(kPoll);
  }
}

// The status of a container StopContainer has stopped, once it no longer says RUNNING (or
// after 10 s). containerd 2 can answer StopContainer before it records the exit: its exit
// handler deletes the task first, and a stop that meets the closing shim finds the task gone
// and succeeds. critest waits for EXITED the same way.
Result<cri::ContainerStatus> AwaitStopped(cri::CriClient& cri, const std::string& id) {
  const auto deadline = std::chrono::steady_clock::now() + seconds(10);
  for (;;) {
    auto status = cri.GetContainerStatus(id);
    if (!status || status->container.state != cri::ContainerState::kRunning ||
        std::chrono::steady_clock::now() >= deadline || InterruptRequested())
      return status;
    std::this_thread::sleep_for(kPoll);
  }
}

bool HasLine(const std::vector<cri::LogRecord>& records, const std::string& stream,
             const std::string& want) {
  for (const auto& line : cri::OutputLines(records, stream)) {
    if (line == want) return true;
  }
  return false;
}

void CheckContainerLifecycle(NodeRuntime& runtime, const HandlerUnderTest& handler,
                             const std::string& anchor_uid) {
  const std::string where = Where(runtime.node, handler);
  RA2CERT_REQUIRE_OK(scratch, CriScratch::Create(runtime.cri, runtime.node, "4.4.021", anchor_uid));
  ScratchSandbox sandbox;
  if (!RunScratchSandbox(*scratch, handler, "containers", &sandbox)) return;
  cri::CriClient& cri = runtime.cri;
  auto image = EnsureProbeImage(*scratch, sandbox.config);
  if (!image) FAIL() << where << ": " << image.error().message();

  const cri::ContainerConfig config = SleeperConfig("ticker", /*ticking=*/true);
  auto id = scratch->CreateContainer(sandbox.id, config, sandbox.config);
  if (!id) FAIL() << where << ": CreateContainer: " << id.error().message();
  auto created = cri.GetContainerStatus(*id);
  if (!created) FAIL() << where << ": ContainerStatus: " << created.error().message();
  EXPECT_EQ(created->container.state, cri::ContainerState::kCreated)
      << where << ": a created container is " << cri::ToString(created->container.state);
  EXPECT_EQ(created->container.name, config.name) << where << ": container metadata not kept";
  EXPECT_EQ(created->container.labels.count(kCriScratchLabel), 1u)
      << where << ": container labels not kept";

  auto started = cri.StartContainer(*id);
  if (!started) FAIL() << where << ": StartContainer: " << started.error().message();
  auto running = cri.GetContainerStatus(*id);
  if (!running) FAIL() << where << ": ContainerStatus: " << running.error().message();
  EXPECT_EQ(running->container.state, cri::ContainerState::kRunning)
      << where << ": a started container is " << cri::ToString(running->container.state) << " ("
      << running->reason << " " << running->message << ")";
  EXPECT_GT(running->started_at, 0) << where << ": a started container has no started_at";
  const std::string log_path = scratch->log_directory() + "/" + config.log_path;
  EXPECT_EQ(running->log_path, log_path) << where << ": ContainerStatus log_path";
  std::cout << where << ": container " << Short(*id)
            << " created, started: " << cri::ToString(running->container.state) << "\n";

  // The log file: every line in the CRI format, both streams there.
  auto records = AwaitLogLine(log_path, "stderr", kHelloErr);
  if (!records) {
    ADD_FAILURE() << where << ": the container log is not in the CRI log format: "
                  << records.error().message();
  } else {
    EXPECT_TRUE(HasLine(*records, "stdout", kHelloOut))
        << where << ": the container's stdout line is not in its log " << log_path;
    EXPECT_TRUE(HasLine(*records, "stderr", kHelloErr))
        << where << ": the container's stderr line is not in its log " << log_path;
    std::cout << where << ": log " << log_path << ": " << records->size()
              << " records in the CRI log format\n";
  }

  // Stats: the container's own, in the list by sandbox and by label, in the sandbox's.
  auto stats = cri.GetContainerStats(*id);
  if (!stats) {
    ADD_FAILURE() << where << ": ContainerStats: " << stats.error().message();
  } else {
    EXPECT_EQ(stats->id, *id) << where << ": ContainerStats answers for another container";
    EXPECT_TRUE(stats->cpu_usage_core_nano_seconds.has_value())
        << where << ": ContainerStats has no CPU usage";
    EXPECT_TRUE(stats->memory_working_set_bytes.has_value())
        << where << ": ContainerStats has no memory working set";
    std::cout << where << ": ContainerStats cpu " << stats->cpu_usage_core_nano_seconds.value_or(0)
              << " ns, working set " << stats->memory_working_set_bytes.value_or(0) << " bytes\n";
  }
  for (const cri::ContainerStatsFilter& filter :
       {cri::ContainerStatsFilter{.pod_sandbox_id = sandbox.id},
        cri::ContainerStatsFilter{.labels = scratch->Labels()}}) {
    auto listed = cri.ListContainerStats(filter);
    if (!listed) {
      ADD_FAILURE() << where << ": ListContainerStats: " << listed.error().message();
      continue;
    }
    bool found = false;
    for (const auto& item : *listed) found = found || item.id == *id;
    EXPECT_TRUE(found) << where << ": ListContainerStats by "
                       << (filter.pod_sandbox_id.empty() ? "label" : "sandbox")
                       << " does not list the running container";
  }
  auto sandbox_stats = cri.GetPodSandboxStats(sandbox.id);
  if (!sandbox_stats) {
    ADD_FAILURE() << where << ": PodSandboxStats: " << sandbox_stats.error().message();
  } else {
    EXPECT_EQ(sandbox_stats->id, sandbox.id)
        << where << ": PodSandboxStats answers for another sandbox";
    bool found = false;
    for (const auto& item : sandbox_stats->containers) found = found || item.id == *id;
    EXPECT_TRUE(found) << where << ": PodSandboxStats does not count the sandbox's container";
  }

  // UpdateContainerResources: the new limits reach the container's OCI spec.
  const cri::LinuxResources limits{.cpu_period = 100000,
                                   .cpu_quota = 50000,
                                   .cpu_shares = 512,
                                   .memory_limit_in_bytes = int64_t{96} * 1024 * 1024};
  auto updated = cri.UpdateContainerResources(*id, limits);
  if (!updated) {
    ADD_FAILURE() << where << ": UpdateContainerResources: " << updated.error().message();
  } else if (auto verbose = cri.GetContainerStatus(*id, /*verbose=*/true); verbose) {
    auto info = verbose->info.find("info");
    const json detail = info == verbose->info.end()
                            ? json()
                            : json::parse(info->second, nullptr, /*allow_exceptions=*/false);
    const json resources = detail.is_object() ? detail.value("runtimeSpec", json::object())
                                                    .value("linux", json::object())
                                                    .value("resources", json::object())
                                              : json::object();
    if (resources.empty()) {
      std::cout << where << ": the runtime shows no OCI spec in ContainerStatus; "
                << "the updated limits are not read back\n";
    } else {
      EXPECT_EQ(resources.value("memory", json::object()).value("limit", int64_t{0}),
                limits.memory_limit_in_bytes)
          << where << ": after UpdateContainerResources the spec's memory limit is "
          << resources.value("memory", json::object()).dump();
      EXPECT_EQ(resources.value("cpu", json::object()).value("quota", int64_t{0}), limits.cpu_quota)
          << where << ": after UpdateContainerResources the spec's CPU is "
          << resources.value("cpu", json::object()).dump();
    }
  } else {
    ADD_FAILURE() << where << ": ContainerStatus: " << verbose.error().message();
  }

  // ReopenContainerLog: after a rotation (the file renamed away) the container's output
  // goes to a new file under the same path.
  std::error_code error;
  std::filesystem::rename(log_path, log_path + ".1", error);
  if (error) RA2CERT_INFRA_ERROR("cannot rotate " + log_path + ": " + error.message());
  auto reopened = cri.ReopenContainerLog(*id);
  if (!reopened) {
    ADD_FAILURE() << where << ": ReopenContainerLog: " << reopened.error().message();
  } else {
    auto after = AwaitLogLine(log_path, "stdout", kTick);
    EXPECT_TRUE(after && HasLine(*after, "stdout", kTick))
        << where << ": after ReopenContainerLog the container's output does not reach a new "
        << log_path << (after ? std::string() : ": " + after.error().message());
    if (after)
      std::cout << where << ": ReopenContainerLog: output goes to a new " << log_path << "\n";
  }

  auto stopped = cri.StopContainer(*id, seconds(2));
  if (!stopped) FAIL() << where << ": StopContainer: " << stopped.error().message();
  auto exited = AwaitStopped(cri, *id);
  if (!exited) FAIL() << where << ": ContainerStatus: " << exited.error().message();
  EXPECT_EQ(exited->container.state, cri::ContainerState::kExited)
      << where << ": a stopped container is " << cri::ToString(exited->container.state)
      << " 10 s after StopContainer returned";
  EXPECT_GT(exited->finished_at, 0) << where << ": a stopped container has no finished_at";
  auto removed = cri.RemoveContainer(*id);
  if (!removed) FAIL() << where << ": RemoveContainer: " << removed.error().message();
  auto after_remove = cri.GetContainerStatus(*id);
  EXPECT_TRUE(!after_remove && after_remove.error().code() == cri::kNotFound)
      << where << ": ContainerStatus of a removed container should be NOT_FOUND, got "
      << (after_remove ? std::string(cri::ToString(after_remove->container.state))
                       : after_remove.error().message());
  std::cout << where << ": StopContainer -> " << cri::ToString(exited->container.state) << " (exit "
            << exited->exit_code << "), RemoveContainer -> NOT_FOUND\n";
}

// --- 4.4.022
void CheckExecAndStreaming(NodeRuntime& runtime, const HandlerUnderTest& handler,
                           const std::string& anchor_uid) {
  const std::string where = Where(runtime.node, handler);
  RA2CERT_REQUIRE_OK(scratch, CriScratch::Create(runtime.cri, runtime.node, "4.4.022", anchor_uid));
  ScratchSandbox sandbox;
  if (!RunScratchSandbox(*scratch, handler, "exec", &sandbox)) return;
  cri::CriClient& cri = runtime.cri;
  auto image = EnsureProbeImage(*scratch, sandbox.config);
  if (!image) FAIL() << where << ": " << image.error().message();
  auto id = scratch->CreateContainer(sandbox.id, SleeperConfig("exec"), sandbox.config);
  if (!id) FAIL() << where << ": CreateContainer: " << id.error().message();
  auto started = cri.StartContainer(*id);
  if (!started) FAIL() << where << ": StartContainer: " << started.error().message();

  // Output on both streams and the exit code, each kept apart.
  auto result = cri.ExecSync(
      *id, {"/bin/sh", "-c", "echo ra2cert-out; echo ra2cert-err >&2; exit 3"}, seconds(10));
  if (!result) FAIL() << where << ": ExecSync: " << result.error().message();
  EXPECT_EQ(result->out, "ra2cert-out\n")
      << where << ": ExecSync stdout '" << PrintableExcerpt(result->out) << "'";
  EXPECT_EQ(result->err, "ra2cert-err\n")
      << where << ": ExecSync stderr '" << PrintableExcerpt(result->err) << "'";
  EXPECT_EQ(result->exit_code, 3) << where << ": ExecSync exit code";
  std::cout << where << ": ExecSync stdout/stderr/exit code as run\n";

  // The timeout: a 30 s sleep with a 1 s limit must come back, as an error or a failed
  // exit, long before the call's own deadline (1 s + the call timeout).
  const auto start = std::chrono::steady_clock::now();
  auto timed = cri.ExecSync(*id, {"sleep", "30"}, seconds(1));
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  const bool honoured = took < seconds(1) + seconds(3) && (!timed || timed->exit_code != 0);
  EXPECT_TRUE(honoured) << where << ": ExecSync of 'sleep 30' with timeout 1 s came back after "
                        << took.count() << " ms with "
                        << (timed ? "exit code " + std::to_string(timed->exit_code)
                                  : timed.error().message());
  std::cout << where << ": ExecSync timeout 1 s: back after " << took.count() << " ms ("
            << (timed ? "exit " + std::to_string(timed->exit_code) : timed.error().message())
            << ")\n";
  // ... and the timed-out process is gone, not left running in the container (critest checks
  // this too). The container's own process is `sleep 600`, so look for `sleep 30` by its
  // arguments; one second's grace for a runtime that kills asynchronously.
  const std::vector<std::string> find_sleeper = {
      "/bin/sh", "-c",
      "for c in /proc/[0-9]*/cmdline; do [ \"$(tr '\\0' ' ' <\"$c\" 2>/dev/null)\" = 'sleep 30 ' ] "
      "&& echo \"${c%/cmdline}\"; done; true"};
  Result<cri::ExecResult> left = Error("not looked");
  for (int look = 0; look < 2; ++look) {
    if (look > 0) std::this_thread::sleep_for(seconds(1));
    left = cri.ExecSync(*id, find_sleeper, seconds(10));
    if (!left || left->out.empty()) break;
  }
  if (!left)
    FAIL() << where << ": ExecSync looking for the timed-out process: " << left.error().message();
  EXPECT_TRUE(left->out.empty())
      << where << ": the process of the ExecSync that timed out still runs after 1 s ("
      << PrintableExcerpt(left->out) << ")";

  // Exec, Attach, PortForward: URLs of the runtime's streaming server.
  auto exec = cri.Exec(*id, {"echo", "hello"});
  auto attach = cri.Attach(*id);
  auto forward = cri.PortForward(sandbox.id, {8080});
  const std::pair<const char*, const Result<std::string>*> urls[] = {
      {"Exec", &exec}, {"Attach", &attach}, {"PortForward", &forward}};
  for (const auto& [call, url] : urls) {
    if (!*url) {
      ADD_FAILURE() << where << ": " << call << ": " << url->error().message();
      continue;
    }
    const std::string problem = StreamingUrlProblem(**url);
    EXPECT_TRUE(problem.empty()) << where << ": " << call << " URL '" << PrintableExcerpt(**url)
                                 << "': " << problem;
    std::cout << where << ": " << call << " -> " << PrintableExcerpt(**url) << "\n";
  }
}

// --- 4.4.023
bool Contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// The removable copy of the probe image (removable_image.h), deleted from the registry
// when the case ends; `problem` says why there is none.
struct RemovableCopy {
  std::string image, problem;
  RemovableCopy() = default;
  RemovableCopy(const RemovableCopy&) = delete;
  RemovableCopy& operator=(const RemovableCopy&) = delete;
  ~RemovableCopy() {
    if (!image.empty()) DeleteRemovableCopy(image);
  }
};

void CheckImages(NodeRuntime& runtime, const std::string& anchor_uid, const RemovableCopy& copy) {
  const std::string& where = runtime.node;
  RA2CERT_REQUIRE_OK(scratch, CriScratch::Create(runtime.cri, runtime.node, "4.4.023", anchor_uid));
  cri::CriClient& cri = runtime.cri;
  const cri::SandboxConfig sandbox = scratch->NewSandboxConfig("images");
  const std::string probe = fixtures::ProbeImage();

  // By tag: the pull answers the image's reference, ImageStatus knows it under the tag.
  auto by_tag = cri.PullImage(probe, sandbox, seconds(120));
  if (!by_tag)
    FAIL() << where << ": PullImage by tag " << probe << ": " << by_tag.error().message();
  auto status = cri.ImageStatus(probe);
  if (!status) FAIL() << where << ": ImageStatus " << probe << ": " << status.error().message();
  if (!status->has_value())
    FAIL() << where << ": ImageStatus does not know " << probe << " just pulled";
  const cri::Image image = **status;
  EXPECT_TRUE(*by_tag == image.id || Contains(image.repo_digests, *by_tag))
      << where << ": PullImage answered '" << *by_tag << "', which is neither the id (" << image.id
      << ") nor a digest ImageStatus reports";
  EXPECT_TRUE(Contains(image.repo_tags, probe))
      << where << ": ImageStatus of " << probe << " lists tags that lack it";
  if (image.repo_digests.empty())
    FAIL() << where << ": ImageStatus of " << probe << " reports no repo digest";
  const std::string digest = image.repo_digests.front();
  std::cout << where << ": PullImage " << probe << " -> " << *by_tag << ", digest " << digest
            << "\n";

  // By digest, by id, in the list: one image, one id.
  auto by_digest = cri.PullImage(digest, sandbox, seconds(120));
  if (!by_digest) {
    ADD_FAILURE() << where << ": PullImage by digest " << digest << ": "
                  << by_digest.error().message();
  } else {
    EXPECT_EQ(*by_digest, *by_tag) << where << ": pulling " << digest << " and " << probe
                                   << " answer different references for one image";
  }
  for (const std::string& reference : {digest, image.id}) {
    auto again = cri.ImageStatus(reference);
    if (!again) {
      ADD_FAILURE() << where << ": ImageStatus " << reference << ": " << again.error().message();
    } else if (!again->has_value()) {
      ADD_FAILURE() << where << ": ImageStatus does not know " << reference << ", the image of "
                    << probe;
    } else {
      EXPECT_EQ((*again)->id, image.id) << where << ": ImageStatus " << reference << " and "
                                        << probe << " disagree on the image id";
    }
  }
  auto listed = cri.ListImages();
  if (!listed) FAIL() << where << ": ListImages: " << listed.error().message();
  bool in_list = false;
  for (const auto& item : *listed)
    in_list = in_list || (item.id == image.id && Contains(item.repo_digests, digest));
  EXPECT_TRUE(in_list) << where << ": ListImages lacks image " << image.id << " with digest "
                       << digest;
  std::cout << where << ": " << probe << ", " << digest << " and " << image.id.substr(0, 19)
            << " resolve to one image id in PullImage, ImageStatus and ListImages\n";

  // RemoveImage of a copy only this case uses.
  if (copy.image.empty()) {
    std::cout << where << ": RemoveImage not checked: " << copy.problem << "\n";
    return;
  }
  scratch->RemoveImageAtEnd(copy.image);
  auto pulled = cri.PullImage(copy.image, sandbox, seconds(120));
  if (!pulled) FAIL() << where << ": PullImage " << copy.image << ": " << pulled.error().message();
  auto copy_status = cri.ImageStatus(copy.image);
  if (!copy_status || !copy_status->has_value()) {
    FAIL() << where << ": ImageStatus does not know " << copy.image << " just pulled";
  }
  const std::string copy_id = (*copy_status)->id;
  if (copy_id == image.id) {
    RA2CERT_INFRA_ERROR("the harness's removable copy " + copy.image + " has the probe image's id");
  }
  auto removed = cri.RemoveImage(copy.image);
  if (!removed)
    FAIL() << where << ": RemoveImage " << copy.image << ": " << removed.error().message();
  auto after = cri.ImageStatus(copy.image);
  if (!after) {
    ADD_FAILURE() << where << ": ImageStatus of a removed image: " << after.error().message();
  } else {
    EXPECT_FALSE(after->has_value())
        << where << ": ImageStatus still knows " << copy.image << " after RemoveImage";
  }
  auto by_id = cri.ImageStatus(copy_id);
  EXPECT_TRUE(by_id && !by_id->has_value()) << where << ": image " << copy_id << " of "
                                            << copy.image << " is still there after RemoveImage";
  auto kept = cri.ImageStatus(probe);
  EXPECT_TRUE(kept && kept->has_value() && (*kept)->id == image.id)
      << where << ": removing " << copy.image << " also took " << probe;
  auto twice = cri.RemoveImage(copy.image);
  if (!twice) {
    ADD_FAILURE() << where << ": RemoveImage of an image already removed (CRI: idempotent): "
                  << twice.error().message();
  }
  std::cout << where << ": PullImage " << copy.image << " (" << copy_id.substr(0, 19)
            << "), RemoveImage: gone, " << probe << " kept\n";
}

// --- 4.4.024
void CheckIdempotence(NodeRuntime& runtime, const HandlerUnderTest& handler,
                      const std::string& anchor_uid) {
  const std::string where = Where(runtime.node, handler);
  RA2CERT_REQUIRE_OK(scratch, CriScratch::Create(runtime.cri, runtime.node, "4.4.024", anchor_uid));
  ScratchSandbox sandbox;
  if (!RunScratchSandbox(*scratch, handler, "idempotence", &sandbox)) return;
  cri::CriClient& cri = runtime.cri;
  auto image = EnsureProbeImage(*scratch, sandbox.config);
  if (!image) FAIL() << where << ": " << image.error().message();
  auto id = scratch->CreateContainer(sandbox.id, SleeperConfig("twice"), sandbox.config);
  if (!id) FAIL() << where << ": CreateContainer: " << id.error().message();
  auto started = cri.StartContainer(*id);
  if (!started) FAIL() << where << ": StartContainer: " << started.error().message();
  for (int round = 1; round <= 2; ++round) {
    auto stopped = cri.StopContainer(*id, seconds(1));
    if (!stopped) {
      ADD_FAILURE() << where << ": StopContainer of the same id, call " << round
                    << " (CRI: idempotent): " << stopped.error().message();
    }
  }
  if (auto status = AwaitStopped(cri, *id);
      status && status->container.state == cri::ContainerState::kRunning) {
    ADD_FAILURE() << where << ": the container is still CONTAINER_RUNNING 10 s after two "
                  << "StopContainer calls succeeded";
  }
  for (int round = 1; round <= 2; ++round) {
    auto removed = cri.RemoveContainer(*id);
    if (!removed) {
      ADD_FAILURE() << where << ": RemoveContainer of the same id, call " << round
                    << " (CRI: idempotent): " << removed.error().message();
    }
  }
  for (int round = 1; round <= 2; ++round) {
    auto stopped = cri.StopPodSandbox(sandbox.id);
    if (!stopped) {
      ADD_FAILURE() << where << ": StopPodSandbox of the same id, call " << round
                    << " (CRI: idempotent): " << stopped.error().message();
    }
  }
  for (int round = 1; round <= 2; ++round) {
    auto removed = cri.RemovePodSandbox(sandbox.id);
    if (!removed) {
      ADD_FAILURE() << where << ": RemovePodSandbox of the same id, call " << round
                    << " (CRI: idempotent): " << removed.error().message();
    }
  }
  std::cout << where << ": Stop and Remove of a container and a sandbox, each twice\n";
}

}  // namespace

RA2CERT_CASE(ContainerRuntime, CriSandboxLifecycle,
             {.id = "4.4.020",
              .title = "Through CRI, every node's runtime runs, reports, stops and removes a pod "
                       "sandbox under the default and the sandboxed runtime handler",
              .requirements = {"ra2.crt.002"},
              .needs = {"cluster", "cri"},
              .timeout = std::chrono::seconds(180),
              .violations = {"containerd-cri-disabled", "sandbox-handler-unregistered"},
              .api_access = WritePathAccess()}) {
  RA2CERT_CRI_WRITE_SETUP("4.4.020");
  for (size_t i = 0; i < runtimes->size(); ++i) {
    for (const auto& handler : *handlers) {
      CheckSandboxLifecycle((*runtimes)[i], handler, anchor_uid(i));
    }
  }
}

RA2CERT_CASE(ContainerRuntime, CriContainerLifecycle,
             {.id = "4.4.021",
              .title = "Through CRI, every node's runtime creates, starts, reports, limits, stops "
                       "and removes a container, logs it in the CRI format and gives its stats, "
                       "under the default and the sandboxed runtime handler",
              .requirements = {"ra2.crt.002"},
              .needs = {"cluster", "cri"},
              .timeout = std::chrono::seconds(240),
              .violations = {"containerd-cri-disabled", "sandbox-handler-unregistered"},
              .api_access = WritePathAccess()}) {
  RA2CERT_CRI_WRITE_SETUP("4.4.021");
  for (size_t i = 0; i < runtimes->size(); ++i) {
    for (const auto& handler : *handlers) {
      CheckContainerLifecycle((*runtimes)[i], handler, anchor_uid(i));
    }
  }
}

RA2CERT_CASE(ContainerRuntime, CriExecAndStreaming,
             {.id = "4.4.022",
              .title = "Through CRI, every node's runtime runs ExecSync with its output, exit code "
                       "and timeout, and serves exec, attach and port-forward URLs, under the "
                       "default and the sandboxed runtime handler",
              .requirements = {"ra2.crt.002"},
              .needs = {"cluster", "cri"},
              .timeout = std::chrono::seconds(180),
              .violations = {"containerd-cri-disabled", "sandbox-handler-unregistered"},
              .api_access = WritePathAccess()}) {
  RA2CERT_CRI_WRITE_SETUP("4.4.022");
  for (size_t i = 0; i < runtimes->size(); ++i) {
    for (const auto& handler : *handlers) {
      CheckExecAndStreaming((*runtimes)[i], handler, anchor_uid(i));
    }
  }
}

RA2CERT_CASE(ContainerRuntime, CriImages,
             {.id = "4.4.023",
              .title = "Through CRI, every node's runtime pulls the probe image by tag and by "
                       "digest under one image id, reports it, and removes a copy of it",
              .requirements = {"ra2.crt.002"},
              .needs = {"cluster", "cri"},
              .timeout = std::chrono::seconds(240),
              .violations = {"containerd-cri-disabled", "registry-unreachable"},
              .api_access = WritePathAccess()}) {
  RA2CERT_CRI_WRITE_SETUP("4.4.023");
  RemovableCopy copy;
  const char* run = std::getenv(kRunIdVariable);
  auto pushed =
      PushRemovableCopy(fixtures::ProbeImage(),
                        std::string("cri-") + (run != nullptr && *run != '\0' ? run : "norun"));
  if (pushed) {
    copy.image = *pushed;
  } else {
    copy.problem =
        "no removable copy of the probe image could be pushed: " + pushed.error().message();
  }
  for (size_t i = 0; i < runtimes->size(); ++i) CheckImages((*runtimes)[i], anchor_uid(i), copy);
}

RA2CERT_CASE(ContainerRuntime, CriStopAndRemoveAreIdempotent,
             {.id = "4.4.024",
              .title = "Through CRI, Stop and Remove of containers and pod sandboxes succeed when "
                       "repeated and for ids the runtime does not know",
              .requirements = {"ra2.crt.002"},
              .needs = {"cluster", "cri"},
              .timeout = std::chrono::seconds(180),
              .violations = {"containerd-cri-disabled", "sandbox-handler-unregistered",
                             "runtime-containerd-1.6"},
              .api_access = WritePathAccess()}) {
  RA2CERT_CRI_WRITE_SETUP("4.4.024");
  // An id no runtime has handed out: 64 hex digits like a real one.
  const std::string unknown(64, 'e');
  // The lifecycle first, so that a runtime refusing a handler fails it with that reason.
  for (size_t i = 0; i < runtimes->size(); ++i) {
    for (const auto& handler : *handlers) {
      CheckIdempotence((*runtimes)[i], handler, anchor_uid(i));
    }
  }
  for (auto& runtime : *runtimes) {
    const std::pair<const char*, ra2cert::Status> calls[] = {
        {"StopPodSandbox", runtime.cri.StopPodSandbox(unknown)},
        {"RemovePodSandbox", runtime.cri.RemovePodSandbox(unknown)},
        {"StopContainer", runtime.cri.StopContainer(unknown, seconds(0))},
        {"RemoveContainer", runtime.cri.RemoveContainer(unknown)},
        {"RemoveImage", runtime.cri.RemoveImage(unknown)}};
    for (const auto& [call, status] : calls) {
      if (!status) {
        ADD_FAILURE() << runtime.node << ": " << call
                      << " of an id the runtime does not know fails (CRI: must succeed, "
                         "idempotent): "
                      << status.error().message();
      }
    }
  }
}

}  // namespace ra2cert::suites
