#include "bench/cri_suites.h"

#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "bench/bench_timing.h"
#include "harness/core/result.h"
#include "harness/tools/run_tool.h"

#ifndef RA2CERT_SOURCE_DIR
#error "RA2CERT_SOURCE_DIR must name the source tree (for tests/critest/areas.tsv)"
#endif

namespace ra2cert::bench {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
constexpr auto kRunTimeout = std::chrono::minutes(15);

struct Area {
  std::string name, focus;
  std::vector<std::string> cases, handlers;
};

std::vector<std::string> Words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

Result<std::vector<Area>> ReadAreas(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error("--areas: cannot read " + path, 2);
  std::vector<Area> areas;
  int number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> fields;
    std::istringstream cells(line);
    for (std::string cell; std::getline(cells, cell, '\t');) fields.push_back(cell);
    if (fields.size() != 4) {
      return Error(path + ":" + std::to_string(number) +
                       ": expected 4 tab-separated fields (area, critest specs, ra2cert cases, "
                       "handlers), found " +
                       std::to_string(fields.size()),
                   2);
    }
    areas.push_back({fields[0], fields[1], Words(fields[2]), Words(fields[3])});
  }
  if (areas.empty()) return Error(path + ": names no area", 2);
  return areas;
}

// The registry the local cluster in `state_dir` pushed its images to (REGISTRY= in its
// cluster.env); empty when there is none.
std::string ClusterRegistry(const std::string& state_dir) {
  std::ifstream in(fs::path(state_dir) / "cluster.env");
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("REGISTRY=")) return line.substr(9);
  }
  return "";
}

struct Timed {
  double seconds = 0;
  int passed = 0, failed = 0;
};

// critest's JSON report: how many of its specs passed and how many did not.
Result<Timed> CountSpecs(const fs::path& report) {
  std::ifstream in(report);
  json suites = json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!suites.is_array()) return Error("critest wrote no JSON report at " + report.string());
  Timed counts;
  for (const auto& suite : suites) {
    for (const auto& spec : suite.value("SpecReports", json::array())) {
      if (spec.value("LeafNodeType", "") != "It") continue;
      const std::string state = spec.value("State", "");
      if (state == "passed") ++counts.passed;
      if (state == "failed" || state == "panicked" || state == "timedout") ++counts.failed;
    }
  }
  return counts;
}

Result<Timed> TimeRun(const ToolCommand& command) {
  const auto start = Clock::now();
  auto ran = RunTool(command);
  if (!ran) return ran.error();
  Timed timed;
  timed.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return timed;
}

// critest is written for a runtime no kubelet manages: a live kubelet stops critest's sandboxes
// within seconds as pods the API server does not know, and critest fails on its own objects
// vanishing. So the node's kubelet is paused (SIGSTOP) while critest runs and resumed after,
// also when the benchmark is interrupted.
volatile sig_atomic_t paused_kubelet = 0;

void ResumeKubeletAndExit(int signal_number) {
  if (paused_kubelet > 0) kill(static_cast<pid_t>(paused_kubelet), SIGCONT);
  _exit(128 + signal_number);
}

class KubeletPaused {
 public:
  static Result<KubeletPaused> Pause(const std::string& state_dir, const std::string& node) {
    const fs::path pid_file = fs::path(state_dir) / "pids" / (node + "-kubelet.pid");
    std::ifstream in(pid_file);
    long pid = 0;
    if (!(in >> pid) || pid <= 1) return Error("no kubelet pid in " + pid_file.string());
    paused_kubelet = static_cast<sig_atomic_t>(pid);
    std::signal(SIGINT, ResumeKubeletAndExit);
    std::signal(SIGTERM, ResumeKubeletAndExit);
    if (kill(static_cast<pid_t>(pid), SIGSTOP) != 0) {
      paused_kubelet = 0;
      return Error("cannot pause the kubelet of " + node + " (pid " + std::to_string(pid) + ")");
    }
    return KubeletPaused(static_cast<pid_t>(pid));
  }
  KubeletPaused(KubeletPaused&& other) noexcept : pid_(std::exchange(other.pid_, 0)) {}
  KubeletPaused& operator=(KubeletPaused&&) = delete;
  ~KubeletPaused() {
    if (pid_ == 0) return;
    kill(pid_, SIGCONT);
    paused_kubelet = 0;
  }

 private:
  explicit KubeletPaused(pid_t pid) : pid_(pid) {}
  pid_t pid_;
};

// After the pause the node may have gone NotReady; ra2cert's cases need it Ready again.
Status WaitNodeReady(const std::string& state_dir, const std::string& node) {
  auto waited =
      RunTool({.program = CachedPeer("kubernetes", "kubectl"),
               .args = {"--kubeconfig", state_dir + "/kubeconfig/admin.kubeconfig", "wait",
                        "--for=condition=Ready", "node/" + node, "--timeout=120s"},
               .timeout = std::chrono::seconds(150)});
  if (!waited) return waited.error();
  if (waited->exit_code != 0) {
    return Error("node " + node + " not Ready after its kubelet resumed: " + waited->err);
  }
  return Ok();
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

}  // namespace

int RunSuites(const SuitesOptions& options) {
  auto fail = [](const Error& error) {
    std::fprintf(stderr, "cri_bench --suites: %s\n", error.message().c_str());
    return error.code() == 2 ? 2 : 3;
  };
  const std::string areas_path =
      options.areas.empty() ? RA2CERT_SOURCE_DIR "/tests/critest/areas.tsv" : options.areas;
  auto areas = ReadAreas(areas_path);
  if (!areas) return fail(areas.error());
  const std::string ra2cert =
      options.ra2cert.empty() ? (fs::canonical("/proc/self/exe").parent_path() / "ra2cert").string()
                              : options.ra2cert;
  const std::string critest =
      options.critest.empty() ? CachedPeer("critools", "critest") : options.critest;
  const std::string registry =
      options.image_registry.empty() ? ClusterRegistry(options.state_dir) : options.image_registry;
  if (registry.empty()) {
    return fail(Error("no local cluster in " + options.state_dir +
                          " (no cluster.env): bring one up (ra2cert cluster up) or give "
                          "--state-dir and --image-registry",
                      2));
  }
  const fs::path socket =
      fs::path(options.state_dir) / "nodes" / options.node / "containerd/containerd.sock";
  if (!fs::is_socket(socket)) {
    return fail(Error("--node " + options.node + ": no runtime socket at " + socket.string(), 2));
  }
  const std::string endpoint = "unix://" + socket.string();

  // critest's test image: the probe image in the cluster's registry (it pulls no public one).
  auto images =
      RunTool({.program = ra2cert, .args = {"images", "list", "--image-registry", registry}});
  if (!images || images->exit_code != 0) {
    return fail(Error("cannot run '" + ra2cert + " images list' (give --ra2cert)"));
  }
  std::string image;
  std::istringstream listed(images->out);
  for (std::string line; std::getline(listed, line);) {
    if (line.find("/ra2cert/busybox:") != std::string::npos) image = line;
  }
  if (image.empty()) return fail(Error("ra2cert images list names no probe image"));
  std::string dir_template = (fs::temp_directory_path() / "ra2cert-cri-suites.XXXXXX").string();
  if (!mkdtemp(dir_template.data())) return fail(Error("cannot make a temporary directory"));
  const fs::path dir = dir_template;
  std::ofstream(dir / "images.yaml")
      << "defaultTestContainerImage: " << image << "\nwebServerTestImage: " << image << "\n";

  std::string focus;
  std::set<std::string> cases, handlers;
  for (const auto& area : *areas) {
    focus += (focus.empty() ? "" : "|") + area.focus;
    cases.insert(area.cases.begin(), area.cases.end());
    handlers.insert(area.handlers.begin(), area.handlers.end());
  }
  std::string case_focus;
  for (const auto& id : cases) {
    std::string escaped;
    for (char c : id) escaped += c == '.' ? std::string("\\.") : std::string(1, c);
    case_focus += (case_focus.empty() ? "" : "|") + escaped;
  }
  case_focus = "^(" + case_focus + ") ";

  std::printf("cri_bench --suites: node %s (%s), %d round(s), alternating\n", options.node.c_str(),
              endpoint.c_str(), options.rounds);
  std::printf("  critest %s, specs matching the %zu areas of %s, per handler:", critest.c_str(),
              areas->size(), areas_path.c_str());
  for (const auto& h : handlers) std::printf(" %s", h.c_str());
  std::printf("\n  ra2cert %s run --focus '%s' (both handlers in each case)\n\n", ra2cert.c_str(),
              case_focus.c_str());
  std::printf("%-6s %-26s %-26s %s\n", "round", "critest (all handlers)", "ra2cert",
              "ratio ra2cert/critest");

  std::vector<double> critest_seconds, ra2cert_seconds;
  for (int round = 1; round <= options.rounds; ++round) {
    Timed peer;
    auto paused = KubeletPaused::Pause(options.state_dir, options.node);
    if (!paused) return fail(paused.error());
    for (const auto& handler : handlers) {
      const fs::path report = dir / ("critest-" + handler + "-" + std::to_string(round) + ".json");
      std::vector<std::string> args = {"--net=/run/netns/" + options.node,
                                       critest,
                                       "-runtime-endpoint",
                                       endpoint,
                                       "-image-endpoint",
                                       endpoint,
                                       "-test-images-file",
                                       (dir / "images.yaml").string(),
                                       "-ginkgo.focus",
                                       focus,
                                       "-ginkgo.json-report",
                                       report.string()};
      if (handler != "default") args.insert(args.end(), {"-runtime-handler", handler});
      auto timed = TimeRun({.program = "nsenter", .args = args, .timeout = kRunTimeout});
      if (!timed) return fail(timed.error().Wrap("critest under handler " + handler));
      auto counts = CountSpecs(report);
      if (!counts) return fail(counts.error());
      peer.seconds += timed->seconds;
      peer.passed += counts->passed;
      peer.failed += counts->failed;
    }
    { auto resumed = std::move(*paused); }
    if (auto ready = WaitNodeReady(options.state_dir, options.node); !ready) {
      return fail(ready.error());
    }
    const fs::path out = dir / ("ra2cert-" + std::to_string(round));
    auto ours = TimeRun(
        {.program = ra2cert,
         .args = {"run", "--kubeconfig", options.state_dir + "/kubeconfig/admin.kubeconfig",
                  "--cri-endpoints", options.node + "=" + endpoint, "--image-registry", registry,
                  "--focus", case_focus, "--parallel", "2", "--output-dir", out.string()},
         .timeout = kRunTimeout});
    if (!ours) return fail(ours.error().Wrap("ra2cert run"));
    std::ifstream results_file(out / "results.json");
    const json results = json::parse(results_file, nullptr, /*allow_exceptions=*/false);
    if (!results.is_object())
      return fail(Error("ra2cert wrote no results.json in " + out.string()));
    for (const auto& c : results.value("cases", json::array())) {
      if (!cases.contains(c.value("id", ""))) continue;
      (c.value("outcome", "") == "Passed" ? ours->passed : ours->failed) += 1;
    }
    critest_seconds.push_back(peer.seconds);
    ra2cert_seconds.push_back(ours->seconds);
    char critest_cell[64], ra2cert_cell[64];
    std::snprintf(critest_cell, sizeof critest_cell, "%.1f s (%d passed, %d not)", peer.seconds,
                  peer.passed, peer.failed);
    std::snprintf(ra2cert_cell, sizeof ra2cert_cell, "%.1f s (%d passed, %d not)", ours->seconds,
                  ours->passed, ours->failed);
    std::printf("%-6d %-26s %-26s %.2f\n", round, critest_cell, ra2cert_cell,
                ours->seconds / peer.seconds);
    std::fflush(stdout);
  }
  std::printf(
      "\nmedian wall time: critest %.1f s, ra2cert %.1f s; ratio ra2cert / critest %.2f "
      "(below 1: ra2cert is faster)\n",
      Median(critest_seconds), Median(ra2cert_seconds),
      Median(ra2cert_seconds) / Median(critest_seconds));
  std::printf("outputs in %s\n", dir.c_str());
  return 0;
}

}  // namespace ra2cert::bench
