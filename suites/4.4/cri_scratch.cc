#include "suites/4.4/cri_scratch.h"

#include <curl/curl.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <random>

#include "harness/run/run_objects.h"
#include "suites/4.4/cri_case.h"
#include "suites/4.4/sandbox_claim.h"

namespace ra2cert::suites {
namespace {

// Where a cgroupfs runtime creates a sandbox's cgroup_parent: the node's /sys/fs/cgroup,
// which a node agent sees where RA2CERT_NODE_CGROUP_ROOT says (its own is its container's).
std::string CgroupRoot() {
  const char* root = std::getenv("RA2CERT_NODE_CGROUP_ROOT");
  return root && *root ? root : "/sys/fs/cgroup";
}

// A stopped container gets this long between SIGTERM and SIGKILL at cleanup.
constexpr std::chrono::seconds kCleanupGrace{1};

std::string RandomHex(int digits) {
  static std::mt19937_64 random(std::random_device{}());
  std::string out;
  while (static_cast<int>(out.size()) < digits) {
    char chunk[17];
    std::snprintf(chunk, sizeof chunk, "%016llx", static_cast<unsigned long long>(random()));
    out += chunk;
  }
  out.resize(static_cast<size_t>(digits));
  return out;
}

// runc removes the sandbox's and the containers' own cgroups, not the parent made for
// them: rmdir it in the unified hierarchy and in every v1 controller hierarchy.
void RemoveCgroup(const std::string& parent) {
  std::error_code error;
  const std::filesystem::path relative = std::filesystem::path(parent).relative_path();
  const std::string root = CgroupRoot();
  std::vector<std::filesystem::path> candidates = {std::filesystem::path(root) / relative};
  for (const auto& hierarchy : std::filesystem::directory_iterator(root, error)) {
    candidates.push_back(hierarchy.path() / relative);
  }
  for (const auto& dir : candidates) {
    std::error_code ignored;
    if (std::filesystem::is_directory(dir, ignored) && !std::filesystem::remove(dir, ignored)) {
      std::cout << "cleanup: cgroup " << dir.string() << ": " << ignored.message() << "\n";
    }
  }
}

std::string RunId() {
  const char* id = std::getenv(kRunIdVariable);
  return id != nullptr && *id != '\0' ? id : "no-run";
}

}  // namespace

std::string HandlerUnderTest::Describe() const {
  if (handler.empty()) return "the default handler";
  return "handler " + handler +
         (runtime_class.empty() ? "" : " (RuntimeClass " + runtime_class + ")");
}

Result<std::vector<HandlerUnderTest>> HandlersUnderTest(kube::Client& client) {
  auto classes = client.List("/apis/node.k8s.io/v1/runtimeclasses");
  if (!classes) return classes.error();
  std::vector<HandlerUnderTest> handlers = {{}};
  for (const auto& rc : classes->items) {
    const std::string name = rc.value("metadata", kube::json::object()).value("name", "");
    const std::string handler = rc.value("handler", "");
    if (handler.empty() || !ClaimsSandbox(name, handler)) continue;
    bool known = false;
    for (const auto& h : handlers) known = known || h.handler == handler;
    if (!known) handlers.push_back({.handler = handler, .runtime_class = name});
  }
  return handlers;
}

std::string ScratchPodNamespace() { return "ra2cert-cri-" + RunId(); }

std::string StreamingUrlProblem(const std::string& url) {
  if (url.empty()) return "the URL is empty";
  const std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> parsed(curl_url(), curl_url_cleanup);
  if (!parsed) return "could not allocate a URL parser";
  if (const CURLUcode code = curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), 0); code) {
    return std::string("it is not a URL (") + curl_url_strerror(code) + ")";
  }
  auto part = [&](CURLUPart which) {
    char* text = nullptr;
    std::string out;
    if (curl_url_get(parsed.get(), which, &text, 0) == CURLUE_OK && text != nullptr) out = text;
    curl_free(text);
    return out;
  };
  const std::string scheme = part(CURLUPART_SCHEME);
  if (scheme != "http" && scheme != "https") return "scheme '" + scheme + "' is not http(s)";
  if (part(CURLUPART_HOST).empty()) return "it names no host";
  const std::string path = part(CURLUPART_PATH);
  if (path.empty() || path == "/") return "it names no session path on the streaming server";
  return {};
}

Result<CriScratch> CriScratch::Create(cri::CriClient& cri, std::string node, std::string case_id,
                                      std::string anchor_uid) {
  std::error_code error;
  const auto base = std::filesystem::temp_directory_path(error);
  if (error) return Error("no temporary directory for the CRI container logs: " + error.message());
  const std::filesystem::path dir = base / ("ra2cert-cri-" + case_id + "-" + RandomHex(8));
  if (!std::filesystem::create_directory(dir, error) || error) {
    return Error("cannot make the CRI log directory " + dir.string() + ": " + error.message());
  }
  return CriScratch(cri, std::move(node), std::move(case_id), std::move(anchor_uid), dir.string());
}

CriScratch::CriScratch(CriScratch&& other) noexcept
    : cri_(other.cri_),
      node_(std::move(other.node_)),
      case_id_(std::move(other.case_id_)),
      anchor_uid_(std::move(other.anchor_uid_)),
      log_directory_(std::move(other.log_directory_)),
      sandboxes_(std::move(other.sandboxes_)),
      containers_(std::move(other.containers_)),
      images_(std::move(other.images_)),
      cgroup_parents_(std::move(other.cgroup_parents_)) {
  other.log_directory_.clear();
  other.sandboxes_.clear();
  other.containers_.clear();
  other.images_.clear();
  other.cgroup_parents_.clear();
}

CriScratch::~CriScratch() {
  // What the case removed itself is gone already: NOT_FOUND is what cleanup wants.
  auto report = [this](const ra2cert::Status& status) {
    if (!status && status.error().code() != cri::kNotFound) {
      std::cout << node_ << ": cleanup: " << status.error().message() << "\n";
    }
  };
  for (const auto& id : containers_) {
    report(cri_->StopContainer(id, kCleanupGrace));
    report(cri_->RemoveContainer(id));
  }
  for (const auto& id : sandboxes_) {
    report(cri_->StopPodSandbox(id));
    report(cri_->RemovePodSandbox(id));
  }
  for (const auto& parent : cgroup_parents_) RemoveCgroup(parent);
  for (const auto& image : images_) report(cri_->RemoveImage(image));
  if (!log_directory_.empty()) {
    std::error_code error;
    std::filesystem::remove_all(log_directory_, error);
    if (error)
      std::cout << node_ << ": cleanup: " << log_directory_ << ": " << error.message() << "\n";
  }
}

cri::Labels CriScratch::Labels() const {
  return {{kRunLabel, RunId()}, {kCaseLabel, case_id_}, {kCriScratchLabel, "true"}};
}

cri::SandboxConfig CriScratch::NewSandboxConfig(const std::string& what) const {
  cri::SandboxConfig config;
  config.name = case_id_ + "-" + what + "-" + RandomHex(6);
  config.uid = anchor_uid_;
  config.namespace_ = ScratchPodNamespace();
  config.hostname = config.name.substr(0, 63);
  config.log_directory = log_directory_;
  config.labels = Labels();
  // A pod cgroup of its own, as the kubelet gives every pod (the runtime measures the
  // sandbox's stats there), outside the kubelet's kubepods tree, whose unknown pods it
  // would clean up.
  config.cgroup_parent = "/ra2cert-cri-" + RandomHex(16);
  return config;
}

Result<std::string> CriScratch::RunSandbox(const cri::SandboxConfig& config,
                                           const std::string& handler) {
  // A sandbox under a VM or user-space kernel (gVisor, Kata) takes seconds to boot.
  if (!config.cgroup_parent.empty()) cgroup_parents_.push_back(config.cgroup_parent);
  auto id = cri_->RunPodSandbox(config, handler, std::chrono::seconds(60));
  if (id) sandboxes_.push_back(*id);
  return id;
}

Result<std::string> CriScratch::CreateContainer(const std::string& sandbox_id,
                                                cri::ContainerConfig config,
                                                const cri::SandboxConfig& sandbox) {
  for (const auto& [key, value] : Labels()) config.labels[key] = value;
  config.labels[kPodUidLabel] = anchor_uid_;
  auto id = cri_->CreateContainer(sandbox_id, config, sandbox);
  if (id) containers_.push_back(*id);
  return id;
}

}  // namespace ra2cert::suites
