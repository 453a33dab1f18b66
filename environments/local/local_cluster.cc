#include "environments/local/local_cluster.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "environments/attach/attach_provider.h"
#include "harness/catalogue/violations.h"
#include "harness/tools/run_tool.h"

#ifndef RA2CERT_SOURCE_DIR
#define RA2CERT_SOURCE_DIR "."
#endif

namespace ra2cert {
namespace {
namespace fs = std::filesystem;

std::map<std::string, std::string> KeyValues(const std::string& text) {
  std::map<std::string, std::string> values;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    const auto colon = line.find(": ");
    if (colon != std::string::npos) values[line.substr(0, colon)] = line.substr(colon + 2);
  }
  return values;
}

std::string Script(const std::string& relative) {
  return (fs::path(ProjectRoot()) / relative).string();
}

// A tool that was cancelled says so; any other failure to run one is the infrastructure's.
int CodeOf(const Error& error) { return error.code() == kToolCancelled ? kToolCancelled : 3; }

double Number(const std::map<std::string, std::string>& values, const std::string& key) {
  auto it = values.find(key);
  return it == values.end() ? 0 : std::atof(it->second.c_str());
}
}  // namespace

std::string ProjectRoot() {
  if (const char* home = std::getenv("RA2CERT_HOME"); home && *home) return home;
  return RA2CERT_SOURCE_DIR;
}

Result<LocalCluster> StartLocalCluster(const LocalClusterOptions& options) {
  if (options.nodes < 1 || options.nodes > 20) return Error("--nodes: must be between 1 and 20", 2);
  if (options.windows_nodes < 0 || options.windows_nodes > 20)
    return Error("--windows-nodes: must be between 0 and 20", 2);
  if (!fs::exists(Script("environments/local/components/k8s-" + options.kubernetes + "/go.mod"))) {
    return Error("--k8s-version: no pinned build for Kubernetes " + options.kubernetes +
                     " (see environments/local/components/k8s-*)",
                 2);
  }
  std::vector<std::string> violations;
  if (!options.violate.empty()) {
    auto names = ParseViolateFlag(options.violate, BuiltinViolations());
    if (!names) return Error(names.error().message(), 2);
    violations = std::move(names).value();
  }
  LocalCluster cluster;
  cluster.violations = violations;
  const auto build_start = std::chrono::steady_clock::now();
  std::fprintf(stderr, "ra2cert: building the pinned components (cached after the first run)...\n");
  auto built = RunTool({.program = Script("environments/local/components/build-all.sh"),
                        .args = {options.kubernetes},
                        .timeout = std::chrono::hours(2),
                        .pass_stderr_through = true,
                        .cancel_fd = options.cancel_fd});
  if (!built) return Error(built.error().message(), CodeOf(built.error()));
  if (built->exit_code != 0) {
    return Error("building the local cluster's components failed (see the messages above)", 3);
  }
  std::istringstream lines(built->out);
  std::string name, dir;
  while (lines >> name >> dir) cluster.component_bins[name] = dir;
  cluster.build_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - build_start).count();

  std::vector<std::string> args = {"up", "--nodes", std::to_string(options.nodes), "--state-dir",
                                   options.state_dir};
  if (auto k8s = cluster.component_bins.find("kubernetes"); k8s != cluster.component_bins.end()) {
    args.insert(args.end(), {"--k8s-bin", k8s->second});
  }
  if (!options.image_registry.empty())
    args.insert(args.end(), {"--image-registry", options.image_registry});
  if (options.windows_nodes > 0)
    args.insert(args.end(), {"--windows-nodes", std::to_string(options.windows_nodes)});
  if (!violations.empty()) args.insert(args.end(), {"--violate", options.violate});
  std::map<std::string, std::string> env;
  if (auto gvisor = cluster.component_bins.find("gvisor"); gvisor != cluster.component_bins.end()) {
    env["RA2CERT_GVISOR_BIN"] = gvisor->second;
  }
  auto up = RunTool({.program = Script("environments/local/cluster.sh"),
                     .args = args,
                     .env = env,
                     .timeout = std::chrono::minutes(10),
                     .pass_stderr_through = true,
                     .cancel_fd = options.cancel_fd});
  if (!up) return Error(up.error().message(), CodeOf(up.error()));
  if (up->exit_code != 0) {
    return Error("the local cluster did not come up (cluster.sh exit " +
                     std::to_string(up->exit_code) + "; the component logs are in " +
                     options.state_dir + "/logs; run `ra2cert cluster down` to clean up)",
                 up->exit_code == 2 ? 2 : 3);
  }
  const auto values = KeyValues(up->out);
  cluster.kubeconfig = values.count("kubeconfig") ? values.at("kubeconfig") : "";
  cluster.state_dir = values.count("state-dir") ? values.at("state-dir") : options.state_dir;
  cluster.logs_dir = values.count("logs") ? values.at("logs") : "";
  cluster.registry = values.count("registry") ? values.at("registry") : "";
  cluster.gvisor = values.count("gvisor") && values.at("gvisor") == "yes";
  if (values.count("metrics-server") && values.at("metrics-server") != "no")
    cluster.metrics_server = values.at("metrics-server");
  if (values.count("nfd") && values.at("nfd") != "no") cluster.nfd = values.at("nfd");
  if (values.count("runtime")) cluster.runtime = values.at("runtime");
  cluster.nodes_ready_seconds = Number(values, "nodes-ready-seconds");
  cluster.ready_seconds = Number(values, "ready-seconds");
  if (cluster.kubeconfig.empty()) return Error("cluster.sh up printed no kubeconfig path", 3);
  return cluster;
}

Status StopLocalCluster(const std::string& state_dir, const std::string& save_logs_dir) {
  std::vector<std::string> args = {"down", "--state-dir", state_dir};
  if (!save_logs_dir.empty()) args.insert(args.end(), {"--save-logs", save_logs_dir});
  auto down = RunTool({.program = Script("environments/local/cluster.sh"),
                       .args = args,
                       .timeout = std::chrono::minutes(5),
                       .pass_stderr_through = true});
  if (!down) return down.error();
  if (down->exit_code != 0)
    return Error("cluster.sh down exited " + std::to_string(down->exit_code));
  std::fputs(down->out.c_str(), stdout);
  return Ok();
}

namespace {
Status RunViolationScript(const std::string& command, const std::string& state_dir,
                          const std::string& name) {
  if (name != "--all") {
    const Violation* violation = BuiltinViolations().Find(name);
    if (!violation) {
      return Error("unknown violation '" + name +
                       "' (see `ra2cert violations list`: " + BuiltinViolations().Names() + ")",
                   2);
    }
    if (violation->kind != "live") {
      return Error(
          name + " changes how a component starts: use `ra2cert cluster up --violate " + name + "`",
          2);
    }
  }
  auto ran = RunTool({.program = Script("environments/local/cluster.sh"),
                      .args = {command, name, "--state-dir", state_dir},
                      .timeout = std::chrono::minutes(5),
                      .pass_stderr_through = true});
  if (!ran) return Error(ran.error().message(), 3);
  if (ran->exit_code != 0) {
    return Error("cluster.sh " + command + " " + name + " exited " +
                     std::to_string(ran->exit_code) + " (see the messages above)",
                 ran->exit_code == 2 ? 2 : 3);
  }
  std::fputs(ran->out.c_str(), stdout);
  return Ok();
}
}  // namespace

Status ApplyViolation(const std::string& state_dir, const std::string& name) {
  if (name == "--all") return Error("name one violation to apply", 2);
  return RunViolationScript("violate", state_dir, name);
}

Status RevertViolation(const std::string& state_dir, const std::string& name) {
  return RunViolationScript("restore", state_dir, name);
}

Result<int> ShowLocalClusterStatus(const std::string& state_dir) {
  auto status = RunTool({.program = Script("environments/local/cluster.sh"),
                         .args = {"status", "--state-dir", state_dir},
                         .timeout = std::chrono::minutes(1),
                         .pass_stderr_through = true});
  if (!status) return status.error();
  std::fputs(status->out.c_str(), stdout);
  return status->exit_code;
}

Result<ClusterHandle> OpenLocalCluster(const LocalCluster& cluster) {
  auto handle = AttachToCluster({cluster.kubeconfig}, true, "");
  if (!handle) return handle;
  // "attach https://… (…)" becomes "local https://… (…)".
  handle->description = "local" + handle->description.substr(handle->description.find(' '));
  // A deliberately broken cluster says so wherever the run is reported.
  if (!cluster.violations.empty()) {
    std::string names;
    for (const auto& name : cluster.violations) names += (names.empty() ? "" : ",") + name;
    handle->description +=
        "; SEEDED VIOLATIONS (a negative control, not a certification): " + names;
    handle->facts["seeded_violations"] = cluster.violations;
  }
  // The add-ons the scripts deployed, with the versions built from their pinned modules.
  if (!cluster.metrics_server.empty())
    handle->facts["local_addons"]["metrics-server"] = cluster.metrics_server;
  if (!cluster.nfd.empty()) handle->facts["local_addons"]["node-feature-discovery"] = cluster.nfd;
  if (!cluster.runtime.empty()) handle->facts["local_runtime"] = cluster.runtime;
  // The nodes' containerd sockets are files on this machine: the harness can call CRI.
  std::string endpoints;
  std::error_code ec;
  for (const auto& node : fs::directory_iterator(fs::path(cluster.state_dir) / "nodes", ec)) {
    const auto socket = node.path() / "containerd" / "containerd.sock";
    if (fs::exists(socket))
      endpoints += (endpoints.empty() ? "" : ",") + node.path().filename().string() + "=unix://" +
                   socket.string();
  }
  if (!endpoints.empty()) {
    handle->capabilities.present["cri"] = endpoints;
    handle->capabilities.absent.erase("cri");
    handle->case_env["RA2CERT_CRI_ENDPOINTS"] = endpoints;
  }
  handle->capabilities.present["local-cluster"] = cluster.state_dir;
  handle->capabilities.absent.erase("local-cluster");
  if (auto helm = cluster.component_bins.find("helm"); helm != cluster.component_bins.end()) {
    const std::string binary = helm->second + "/helm";
    if (fs::exists(binary)) {
      handle->capabilities.present["helm"] = binary;
      handle->capabilities.absent.erase("helm");
      handle->case_env["RA2CERT_HELM"] = binary;
    }
  }
  auto images = RequiredImages(cluster.registry);
  if (images) {
    for (const auto& image : *images) {
      if (image.find("/ra2cert/busybox:") != std::string::npos)
        handle->case_env["RA2CERT_PROBE_IMAGE"] = image;
    }
  }
  handle->case_env["RA2CERT_STATE_DIR"] = cluster.state_dir;
  return handle;
}

Status PushImages(const std::string& registry) {
  auto pushed = RunTool({.program = Script("fixtures/images/images.sh"),
                         .args = {"push", "--registry", registry},
                         .timeout = std::chrono::minutes(20),
                         .pass_stderr_through = true});
  if (!pushed) return pushed.error();
  if (pushed->exit_code != 0) {
    return Error("fixtures/images/images.sh push --registry " + registry + " failed (exit " +
                 std::to_string(pushed->exit_code) + ")");
  }
  std::fputs(pushed->out.c_str(), stdout);
  return Ok();
}

Result<std::vector<std::string>> RequiredImages(const std::string& registry) {
  std::vector<std::string> args = {"list"};
  if (!registry.empty()) args.insert(args.end(), {"--registry", registry});
  auto listed = RunTool({.program = Script("fixtures/images/images.sh"),
                         .args = args,
                         .timeout = std::chrono::minutes(1)});
  if (!listed) return listed.error();
  if (listed->exit_code != 0) return Error("fixtures/images/images.sh list failed: " + listed->err);
  std::vector<std::string> images;
  std::istringstream lines(listed->out);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.empty()) images.push_back(line);
  }
  return images;
}

}  // namespace ra2cert
