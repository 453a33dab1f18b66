// cri_bench: how fast ra2cert's CRI client (harness/cri) answers, next to crictl
// (cri-tools, built by environments/local/components/build-critools.sh), against one real
// runtime socket. Times N calls each of Version and ListPodSandbox:
//
//   ra2cert in-process       one CriClient (one gRPC channel), N calls: how the cases use it
//   ra2cert process/call     this binary re-run per call (start, connect, one call, exit)
//   crictl process/call      `crictl version` / `crictl pods -o json` per call
//   spawn only               /bin/true per call: the process start-up both of the above pay
//
// crictl has no mode that makes many calls in one process, so the like-for-like comparison
// is "process/call" against "process/call"; the in-process row shows what a harness that
// keeps its channel open saves. Not a test: run it by hand.
//
//   cri_bench [--endpoint unix:///path] [--calls N] [--crictl PATH]
//   (endpoint default: the first of $RA2CERT_CRI_ENDPOINTS; crictl default:
//    ${RA2CERT_CACHE:-~/.cache/ra2cert}/critools-*/bin/crictl, else crictl on PATH)
//
// With --suites it compares whole suites instead (bench/cri_suites.h): ra2cert's CRI cases
// against critest's specs of the same areas, on one node of the running local cluster.
//
//   cri_bench --suites [--node ra2cert-node2] [--rounds N] [--state-dir DIR]
//             [--image-registry HOST:PORT] [--ra2cert PATH] [--critest PATH] [--areas FILE]
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <numeric>
#include <string>
#include <vector>

#include "bench/bench_timing.h"
#include "bench/cri_suites.h"
#include "harness/cri/cri_client.h"
#include "harness/cri/cri_endpoints.h"
#include "harness/tools/run_tool.h"

namespace {

namespace fs = std::filesystem;
namespace cri = ra2cert::cri;
using ra2cert::bench::Clock;

using ra2cert::bench::kWarmUp;
using ra2cert::bench::Measure;
using ra2cert::bench::Row;
constexpr auto kCallTimeout = std::chrono::seconds(10);

ra2cert::Status Spawn(const std::string& program, const std::vector<std::string>& args) {
  return ra2cert::bench::Spawn(program, args, kCallTimeout);
}

// The child side of "ra2cert process/call": connect, make one call, exit.
int ChildCall(const std::string& endpoint, const std::string& call) {
  auto client = cri::CriClient::Connect(endpoint, kCallTimeout, kCallTimeout);
  if (!client) {
    std::fprintf(stderr, "%s\n", client.error().message().c_str());
    return 1;
  }
  if (call == "version") {
    auto version = client->Version();
    if (!version) std::fprintf(stderr, "%s\n", version.error().message().c_str());
    return version ? 0 : 1;
  }
  auto pods = client->ListPodSandbox();
  if (!pods) std::fprintf(stderr, "%s\n", pods.error().message().c_str());
  return pods ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"cri_bench: ra2cert's CRI client against crictl on one runtime socket"};
  std::string endpoint, crictl = ra2cert::bench::CachedPeer("critools", "crictl"), child_call;
  int calls = 200;
  app.add_option("--endpoint", endpoint,
                 "CRI socket, unix:///path (default: first of $RA2CERT_CRI_ENDPOINTS)");
  app.add_option("--calls", calls, "timed calls per row (after 5 warm-up calls)")
      ->check(CLI::Range(1, 100000));
  app.add_option("--crictl", crictl, "the crictl binary")->capture_default_str();
  app.add_option("--child-call", child_call, "internal: make one call (version|pods) and exit")
      ->check(CLI::IsMember({"version", "pods"}));
  bool suites = false;
  ra2cert::bench::SuitesOptions suite_options;
  app.add_flag("--suites", suites,
               "compare ra2cert's CRI cases with critest's specs of the same areas instead");
  app.add_option("--state-dir", suite_options.state_dir, "--suites: the local cluster's state")
      ->capture_default_str();
  app.add_option("--node", suite_options.node, "--suites: the node whose runtime is judged")
      ->capture_default_str();
  app.add_option("--image-registry", suite_options.image_registry,
                 "--suites: the cluster's registry (default: from its cluster.env)");
  app.add_option("--ra2cert", suite_options.ra2cert,
                 "--suites: the ra2cert binary (default: beside this one)");
  app.add_option("--critest", suite_options.critest,
                 "--suites: the critest binary (default: the components cache's)");
  app.add_option("--areas", suite_options.areas,
                 "--suites: the area table (default: tests/critest/areas.tsv)");
  app.add_option("--rounds", suite_options.rounds, "--suites: alternating rounds")
      ->check(CLI::Range(1, 50))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  if (suites) return ra2cert::bench::RunSuites(suite_options);

  if (endpoint.empty()) {
    auto endpoints = cri::EndpointsFromEnvironment();
    if (!endpoints || endpoints->empty()) {
      std::fprintf(stderr, "cri_bench: give --endpoint unix:///path (or set %s): %s\n",
                   cri::kEndpointsVariable,
                   endpoints ? "it names no node" : endpoints.error().message().c_str());
      return 2;
    }
    endpoint = endpoints->front().endpoint;
  }
  auto normalized = cri::NormalizeEndpoint(endpoint);
  if (!normalized) {
    std::fprintf(stderr, "cri_bench: --endpoint: %s\n", normalized.error().message().c_str());
    return 2;
  }
  endpoint = *normalized;
  if (!child_call.empty()) return ChildCall(endpoint, child_call);

  const auto connect_start = Clock::now();
  auto client = cri::CriClient::Connect(endpoint, kCallTimeout, kCallTimeout);
  const double connect_ms =
      std::chrono::duration<double, std::milli>(Clock::now() - connect_start).count();
  if (!client) {
    std::fprintf(stderr, "cri_bench: %s\n", client.error().message().c_str());
    return 3;
  }
  auto version = client->Version();
  auto sandboxes = client->ListPodSandbox();
  if (!version || !sandboxes) {
    std::fprintf(stderr, "cri_bench: %s\n",
                 (version ? sandboxes.error() : version.error()).message().c_str());
    return 3;
  }
  auto crictl_version =
      ra2cert::RunTool({.program = crictl, .args = {"--version"}, .timeout = kCallTimeout});
  if (!crictl_version || crictl_version->exit_code != 0) {
    std::fprintf(stderr,
                 "cri_bench: cannot run crictl '%s' (build it: "
                 "environments/local/components/build-critools.sh, "
                 "or pass --crictl)\n",
                 crictl.c_str());
    return 3;
  }
  std::string crictl_said = crictl_version->out;
  while (!crictl_said.empty() && std::isspace(static_cast<unsigned char>(crictl_said.back())))
    crictl_said.pop_back();

  const std::string self = fs::canonical("/proc/self/exe").string();
  const std::vector<std::string> crictl_flags = {
      "--runtime-endpoint", endpoint, "--image-endpoint", endpoint, "--timeout", "10s"};
  auto with = [&](std::vector<std::string> args) {
    args.insert(args.begin(), crictl_flags.begin(), crictl_flags.end());
    return args;
  };

  std::printf("cri_bench: %s: %s %s (CRI %s), ListPodSandbox returns %zu sandboxes\n",
              endpoint.c_str(), version->runtime_name.c_str(), version->runtime_version.c_str(),
              version->runtime_api_version.c_str(), sandboxes->size());
  std::printf("cri_bench: %d timed calls per row after %d warm-up calls; peer: %s (%s)\n", calls,
              kWarmUp, crictl_said.c_str(), crictl.c_str());
  std::printf("cri_bench: ra2cert connect (channel set-up, once): %.3f ms\n\n", connect_ms);

  using Job = std::function<ra2cert::Status()>;
  const std::vector<std::tuple<std::string, std::string, Job>> jobs = {
      {"Version", "ra2cert in-process",
       [&]() -> ra2cert::Status {
         auto v = client->Version();
         return v ? ra2cert::Ok() : ra2cert::Status(v.error());
       }},
      {"Version", "ra2cert process/call",
       [&] {
         return Spawn(self, {"--endpoint", endpoint, "--child-call", "version"});
       }},
      {"Version", "crictl process/call", [&] { return Spawn(crictl, with({"version"})); }},
      {"ListPodSandbox", "ra2cert in-process",
       [&]() -> ra2cert::Status {
         auto p = client->ListPodSandbox();
         return p ? ra2cert::Ok() : ra2cert::Status(p.error());
       }},
      {"ListPodSandbox", "ra2cert process/call",
       [&] {
         return Spawn(self, {"--endpoint", endpoint, "--child-call", "pods"});
       }},
      {"ListPodSandbox", "crictl process/call",
       [&] {
         return Spawn(crictl, with({"pods", "-o", "json"}));
       }},
      {"(none)", "spawn only (/bin/true)", [&] { return Spawn("/bin/true", {}); }},
  };
  std::vector<Row> rows;
  std::printf("%-15s %-24s %10s %10s %10s\n", "call", "client", "mean ms", "p50 ms", "p95 ms");
  for (const auto& [call, who, job] : jobs) {
    auto row = Measure(call, who, calls, job);
    if (!row) {
      std::fprintf(stderr, "cri_bench: %s\n", row.error().message().c_str());
      return 3;
    }
    std::printf("%-15s %-24s %10.3f %10.3f %10.3f\n", row->call.c_str(), row->client.c_str(),
                row->Mean(), row->Percentile(0.50), row->Percentile(0.95));
    std::fflush(stdout);
    rows.push_back(std::move(*row));
  }
  auto mean = [&](const std::string& call, const std::string& who) {
    for (const auto& row : rows) {
      if (row.call == call && row.client == who) return row.Mean();
    }
    return std::nan("");
  };
  std::printf("\nratio ra2cert / crictl (mean per call; below 1 means ra2cert is faster):\n");
  for (const char* call : {"Version", "ListPodSandbox"}) {
    const double peer = mean(call, "crictl process/call");
    std::printf("  %-15s in-process %.4f   process/call %.3f\n", call,
                mean(call, "ra2cert in-process") / peer, mean(call, "ra2cert process/call") / peer);
  }
  std::printf(
      "\nnotes: crictl can only be timed one process per call, so 'process/call' vs 'process/call' "
      "is the\n"
      "like-for-like comparison (both start a process, dial the socket, make one call, exit); "
      "'spawn only' is\n"
      "the share of that which is process start-up. 'in-process' is how ra2cert's cases call CRI "
      "(one\n"
      "channel, reused); its ratio mostly measures the start-up crictl pays, not gRPC.\n");
  return 0;
}
