// The Kubernetes Container Runtime Interface (CRI v1, runtime.v1) over gRPC: a client for
// the runtime and image services of one node's runtime (containerd, CRI-O ...), reached
// through its socket ("unix:///run/containerd/containerd.sock").
//
// Plain structs in, plain structs out: the generated protobuf types (harness/cri/
// cri_api.proto, our subset of upstream's api.proto) stay inside cri_client.cc. Every call
// has a deadline; an error carries the gRPC status code as Error::code() and names the
// endpoint, the RPC and the status.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/core/result.h"

namespace ra2cert::cri {

using Labels = std::map<std::string, std::string>;

// The gRPC status codes a caller may act on (Error::code() of a failed call).
inline constexpr int kDeadlineExceeded = 4;
inline constexpr int kNotFound = 5;
inline constexpr int kUnimplemented = 12;
inline constexpr int kUnavailable = 14;

// The runtime API version this client speaks (VersionRequest.version).
inline constexpr std::string_view kApiVersion = "v1";

struct VersionInfo {
  std::string version;              // the runtime's view of the kubelet API version
  std::string runtime_name;         // "containerd"
  std::string runtime_version;      // "1.6.20"
  std::string runtime_api_version;  // "v1"
};

struct RuntimeCondition {
  std::string type;  // "RuntimeReady", "NetworkReady"
  bool status = false;
  std::string reason, message;
};

struct RuntimeHandler {
  std::string name;  // empty: the default handler
  bool recursive_read_only_mounts = false;
  bool user_namespaces = false;
};

struct RuntimeStatus {
  std::vector<RuntimeCondition> conditions;
  Labels info;                           // verbose only: key -> JSON text
  std::vector<RuntimeHandler> handlers;  // empty on runtimes older than CRI 1.30

  const RuntimeCondition* Condition(std::string_view type) const;
};

enum class SandboxState { kReady, kNotReady };
std::string_view ToString(SandboxState state);

struct SandboxFilter {
  std::string id;
  std::optional<SandboxState> state;
  Labels labels;  // all must match
};

struct PodSandbox {
  std::string id;
  std::string name, uid, namespace_;  // the pod's, from the sandbox metadata
  uint32_t attempt = 0;
  SandboxState state = SandboxState::kNotReady;
  int64_t created_at = 0;  // ns since the epoch
  Labels labels, annotations;
  std::string runtime_handler;
};

struct SandboxStatus {
  PodSandbox sandbox;
  std::string ip;
  Labels info;  // verbose only: key -> JSON text ("info" holds containerd's runtimeSpec ...)
};

enum class ContainerState { kCreated, kRunning, kExited, kUnknown };
std::string_view ToString(ContainerState state);

struct ContainerFilter {
  std::string id;
  std::optional<ContainerState> state;
  std::string pod_sandbox_id;
  Labels labels;
};

struct Container {
  std::string id, pod_sandbox_id;
  std::string name;  // the container's name in the pod spec
  uint32_t attempt = 0;
  std::string image, image_ref, image_id;
  ContainerState state = ContainerState::kUnknown;
  int64_t created_at = 0;
  Labels labels, annotations;
};

struct ContainerStatus {
  Container container;  // pod_sandbox_id is not part of a status
  int64_t started_at = 0, finished_at = 0;
  int32_t exit_code = 0;
  std::string reason, message, log_path;
  Labels info;  // verbose only: key -> JSON text ("info" holds the OCI runtimeSpec ...)
};

struct Image {
  std::string id;
  std::vector<std::string> repo_tags, repo_digests;
  uint64_t size = 0;
};

struct FilesystemUsage {
  std::string mountpoint;
  int64_t timestamp = 0;
  std::optional<uint64_t> used_bytes, inodes_used;
};

struct ImageFsInfo {
  std::vector<FilesystemUsage> image_filesystems, container_filesystems;
};

// --- The write path (what the kubelet asks of a runtime to run a pod)

// What RunPodSandbox gets: the pod's identity, where its container logs go, and who owns
// it (labels). The sandbox joins the pod network (CNI) unless `host_network`.
struct SandboxConfig {
  std::string name, uid, namespace_;  // the metadata; (name, uid, namespace_, attempt) unique
  uint32_t attempt = 0;
  std::string hostname;
  std::string log_directory;  // absolute, on the node; container log paths are relative to it
  Labels labels, annotations;
  std::string cgroup_parent;  // empty: the runtime's default
  bool host_network = false;
};

// Linux resource limits (CreateContainer, UpdateContainerResources); 0 leaves one unset.
struct LinuxResources {
  int64_t cpu_period = 0, cpu_quota = 0, cpu_shares = 0, memory_limit_in_bytes = 0;
};

struct ContainerConfig {
  std::string name;
  uint32_t attempt = 0;
  std::string image;  // a reference the runtime has pulled, or an image id
  std::vector<std::string> command, args;
  Labels labels, annotations;
  std::string log_path;  // relative to the sandbox's log_directory
  LinuxResources resources;
};

struct ExecResult {
  std::string out, err;  // the command's stdout and stderr
  int32_t exit_code = 0;
};

struct ContainerStats {
  std::string id, name;
  Labels labels;
  int64_t cpu_timestamp = 0, memory_timestamp = 0;  // ns since the epoch; 0: not reported
  std::optional<uint64_t> cpu_usage_core_nano_seconds, memory_working_set_bytes;
  std::optional<FilesystemUsage> writable_layer;
};

struct PodSandboxStats {
  std::string id, name, namespace_;
  Labels labels;
  int64_t cpu_timestamp = 0, memory_timestamp = 0;
  std::optional<uint64_t> cpu_usage_core_nano_seconds, memory_working_set_bytes;
  std::vector<ContainerStats> containers;
};

struct ContainerStatsFilter {
  std::string id, pod_sandbox_id;
  Labels labels;
};

class CriClient {
 public:
  // Opens a channel to `endpoint` ("unix:///abs/path", or an absolute path) and waits at
  // most `timeout` for it to connect. Later calls get `call_timeout` each.
  static Result<CriClient> Connect(
      const std::string& endpoint, std::chrono::milliseconds timeout = std::chrono::seconds(5),
      std::chrono::milliseconds call_timeout = std::chrono::seconds(10));
  CriClient(CriClient&&) noexcept;
  CriClient& operator=(CriClient&&) noexcept;
  ~CriClient();

  const std::string& endpoint() const;
  void set_call_timeout(std::chrono::milliseconds timeout);

  // RuntimeService
  Result<VersionInfo> Version();
  Result<RuntimeStatus> Status(bool verbose = false);
  Result<std::vector<PodSandbox>> ListPodSandbox(const SandboxFilter& filter = {});
  Result<SandboxStatus> PodSandboxStatus(const std::string& sandbox_id, bool verbose = false);
  Result<std::vector<Container>> ListContainers(const ContainerFilter& filter = {});
  Result<ContainerStatus> GetContainerStatus(const std::string& container_id, bool verbose = false);
  // Sandboxes. Stop and Remove of an id the runtime does not know succeed (CRI: both are
  // idempotent). `handler` empty: the runtime's default handler.
  Result<std::string> RunPodSandbox(const SandboxConfig& config, const std::string& handler,
                                    std::chrono::milliseconds timeout);
  ra2cert::Status StopPodSandbox(const std::string& sandbox_id);
  ra2cert::Status RemovePodSandbox(const std::string& sandbox_id);
  // Containers
  Result<std::string> CreateContainer(const std::string& sandbox_id, const ContainerConfig& config,
                                      const SandboxConfig& sandbox);
  ra2cert::Status StartContainer(const std::string& container_id);
  ra2cert::Status StopContainer(const std::string& container_id, std::chrono::seconds grace);
  ra2cert::Status RemoveContainer(const std::string& container_id);
  ra2cert::Status UpdateContainerResources(const std::string& container_id,
                                           const LinuxResources& resources);
  ra2cert::Status ReopenContainerLog(const std::string& container_id);
  // Runs `cmd` in the container and waits for it; the runtime ends it after `timeout`
  // (0: never), and the call's own deadline is `timeout` plus the call timeout.
  Result<ExecResult> ExecSync(const std::string& container_id, const std::vector<std::string>& cmd,
                              std::chrono::seconds timeout);
  // The URLs of the runtime's streaming server for an exec, an attach, a port forward.
  Result<std::string> Exec(const std::string& container_id, const std::vector<std::string>& cmd);
  Result<std::string> Attach(const std::string& container_id);
  Result<std::string> PortForward(const std::string& sandbox_id, const std::vector<int32_t>& ports);
  // Stats
  Result<ContainerStats> GetContainerStats(const std::string& container_id);
  Result<std::vector<ContainerStats>> ListContainerStats(const ContainerStatsFilter& filter = {});
  Result<PodSandboxStats> GetPodSandboxStats(const std::string& sandbox_id);

  // ImageService
  Result<std::vector<Image>> ListImages();
  Result<ImageFsInfo> GetImageFsInfo();
  // nullopt: the runtime does not have the image.
  Result<std::optional<Image>> ImageStatus(const std::string& image);
  // Returns the runtime's reference of the pulled image (containerd: its id).
  Result<std::string> PullImage(const std::string& image, const SandboxConfig& sandbox,
                                std::chrono::milliseconds timeout);
  ra2cert::Status RemoveImage(const std::string& image);

 private:
  struct Impl;
  explicit CriClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ra2cert::cri
