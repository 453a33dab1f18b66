#include "harness/cri/cri_client.h"

#include <grpcpp/grpcpp.h>
#include <sys/stat.h>

#include "cri_api.grpc.pb.h"
#include "harness/cri/cri_endpoints.h"

namespace ra2cert::cri {
namespace {

namespace pb = ::runtime::v1;

// As the kubelet: CRI list answers on a busy node exceed gRPC's 4 MiB default.
constexpr int kMaxMessageBytes = 16 * 1024 * 1024;

std::string_view CodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::CANCELLED:
      return "CANCELLED";
    case grpc::StatusCode::UNKNOWN:
      return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND:
      return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED:
      return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL:
      return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS:
      return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    default:
      return "UNKNOWN_CODE";
  }
}

Labels ToLabels(const google::protobuf::Map<std::string, std::string>& map) {
  return Labels(map.begin(), map.end());
}

void FromLabels(const Labels& labels, google::protobuf::Map<std::string, std::string>* map) {
  for (const auto& [key, value] : labels) (*map)[key] = value;
}

SandboxState FromProto(pb::PodSandboxState state) {
  return state == pb::SANDBOX_READY ? SandboxState::kReady : SandboxState::kNotReady;
}

pb::PodSandboxState ToProto(SandboxState state) {
  return state == SandboxState::kReady ? pb::SANDBOX_READY : pb::SANDBOX_NOTREADY;
}

ContainerState FromProto(pb::ContainerState state) {
  switch (state) {
    case pb::CONTAINER_CREATED:
      return ContainerState::kCreated;
    case pb::CONTAINER_RUNNING:
      return ContainerState::kRunning;
    case pb::CONTAINER_EXITED:
      return ContainerState::kExited;
    default:
      return ContainerState::kUnknown;
  }
}

pb::ContainerState ToProto(ContainerState state) {
  switch (state) {
    case ContainerState::kCreated:
      return pb::CONTAINER_CREATED;
    case ContainerState::kRunning:
      return pb::CONTAINER_RUNNING;
    case ContainerState::kExited:
      return pb::CONTAINER_EXITED;
    case ContainerState::kUnknown:
      break;
  }
  return pb::CONTAINER_UNKNOWN;
}

// PodSandbox and PodSandboxStatus carry the same fields under the same names.
template <typename SandboxProto>
PodSandbox SandboxFromProto(const SandboxProto& in) {
  PodSandbox out;
  out.id = in.id();
  out.name = in.metadata().name();
  out.uid = in.metadata().uid();
  out.namespace_ = in.metadata().namespace_();
  out.attempt = in.metadata().attempt();
  out.state = FromProto(in.state());
  out.created_at = in.created_at();
  out.labels = ToLabels(in.labels());
  out.annotations = ToLabels(in.annotations());
  out.runtime_handler = in.runtime_handler();
  return out;
}

// So do Container and ContainerStatus, less the sandbox id (ListContainers only).
template <typename ContainerProto>
Container ContainerFromProto(const ContainerProto& in) {
  Container out;
  out.id = in.id();
  out.name = in.metadata().name();
  out.attempt = in.metadata().attempt();
  out.image = in.image().image();
  out.image_ref = in.image_ref();
  out.image_id = in.image_id();
  out.state = FromProto(in.state());
  out.created_at = in.created_at();
  out.labels = ToLabels(in.labels());
  out.annotations = ToLabels(in.annotations());
  return out;
}

PodSandbox FromProto(const pb::PodSandbox& in) { return SandboxFromProto(in); }
PodSandbox FromProto(const pb::PodSandboxStatus& in) { return SandboxFromProto(in); }

Container FromProto(const pb::Container& in) {
  Container out = ContainerFromProto(in);
  out.pod_sandbox_id = in.pod_sandbox_id();
  return out;
}

ContainerStatus FromProto(const pb::ContainerStatus& in) {
  ContainerStatus out;
  out.container = ContainerFromProto(in);
  out.started_at = in.started_at();
  out.finished_at = in.finished_at();
  out.exit_code = in.exit_code();
  out.reason = in.reason();
  out.message = in.message();
  out.log_path = in.log_path();
  return out;
}

FilesystemUsage FromProto(const pb::FilesystemUsage& in) {
  FilesystemUsage out;
  out.mountpoint = in.fs_id().mountpoint();
  out.timestamp = in.timestamp();
  if (in.has_used_bytes()) out.used_bytes = in.used_bytes().value();
  if (in.has_inodes_used()) out.inodes_used = in.inodes_used().value();
  return out;
}

void ToProto(const SandboxConfig& in, pb::PodSandboxConfig* out) {
  auto* metadata = out->mutable_metadata();
  metadata->set_name(in.name);
  metadata->set_uid(in.uid);
  metadata->set_namespace_(in.namespace_);
  metadata->set_attempt(in.attempt);
  out->set_hostname(in.hostname);
  out->set_log_directory(in.log_directory);
  FromLabels(in.labels, out->mutable_labels());
  FromLabels(in.annotations, out->mutable_annotations());
  auto* linux = out->mutable_linux();
  linux->set_cgroup_parent(in.cgroup_parent);
  if (in.host_network) {
    linux->mutable_security_context()->mutable_namespace_options()->set_network(pb::NODE);
  }
}

void ToProto(const LinuxResources& in, pb::LinuxContainerResources* out) {
  out->set_cpu_period(in.cpu_period);
  out->set_cpu_quota(in.cpu_quota);
  out->set_cpu_shares(in.cpu_shares);
  out->set_memory_limit_in_bytes(in.memory_limit_in_bytes);
}

ContainerStats FromProto(const pb::ContainerStats& in) {
  ContainerStats out;
  out.id = in.attributes().id();
  out.name = in.attributes().metadata().name();
  out.labels = ToLabels(in.attributes().labels());
  out.cpu_timestamp = in.cpu().timestamp();
  if (in.cpu().has_usage_core_nano_seconds()) {
    out.cpu_usage_core_nano_seconds = in.cpu().usage_core_nano_seconds().value();
  }
  out.memory_timestamp = in.memory().timestamp();
  if (in.memory().has_working_set_bytes()) {
    out.memory_working_set_bytes = in.memory().working_set_bytes().value();
  }
  if (in.has_writable_layer()) out.writable_layer = FromProto(in.writable_layer());
  return out;
}

Image FromProto(const pb::Image& image) {
  return {.id = image.id(),
          .repo_tags = {image.repo_tags().begin(), image.repo_tags().end()},
          .repo_digests = {image.repo_digests().begin(), image.repo_digests().end()},
          .size = image.size()};
}

// A call whose response carries nothing: only whether it succeeded.
template <typename Response>
Status Done(const Result<Response>& response) {
  if (!response) return response.error();
  return Ok();
}

}  // namespace

std::string_view ToString(SandboxState state) {
  return state == SandboxState::kReady ? "SANDBOX_READY" : "SANDBOX_NOTREADY";
}

std::string_view ToString(ContainerState state) {
  switch (state) {
    case ContainerState::kCreated:
      return "CONTAINER_CREATED";
    case ContainerState::kRunning:
      return "CONTAINER_RUNNING";
    case ContainerState::kExited:
      return "CONTAINER_EXITED";
    case ContainerState::kUnknown:
      break;
  }
  return "CONTAINER_UNKNOWN";
}

const RuntimeCondition* RuntimeStatus::Condition(std::string_view type) const {
  for (const auto& condition : conditions) {
    if (condition.type == type) return &condition;
  }
  return nullptr;
}

struct CriClient::Impl {
  std::string endpoint;
  std::chrono::milliseconds call_timeout;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<pb::RuntimeService::Stub> runtime;
  std::unique_ptr<pb::ImageService::Stub> images;

  // Runs one unary call with a fresh context and the call deadline (`timeout` when given).
  template <typename Request, typename Response, typename Method>
  Result<Response> Call(std::string_view rpc, Method method, const Request& request,
                        std::optional<std::chrono::milliseconds> timeout = std::nullopt) {
    const std::chrono::milliseconds limit = timeout.value_or(call_timeout);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + limit);
    Response response;
    const grpc::Status status = method(&context, request, &response);
    if (status.ok()) return response;
    std::string message = "CRI " + std::string(rpc) + " at " + endpoint + ": " +
                          std::string(CodeName(status.error_code()));
    if (!status.error_message().empty()) message += ": " + status.error_message();
    if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
      message += " (no answer within " + std::to_string(limit.count()) + " ms)";
    }
    return Error(message, static_cast<int>(status.error_code()));
  }
};

CriClient::CriClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CriClient::CriClient(CriClient&&) noexcept = default;
CriClient& CriClient::operator=(CriClient&&) noexcept = default;
CriClient::~CriClient() = default;

Result<CriClient> CriClient::Connect(const std::string& endpoint, std::chrono::milliseconds timeout,
                                     std::chrono::milliseconds call_timeout) {
  auto target = NormalizeEndpoint(endpoint);
  if (!target) return target.error();
  const std::string path = target->substr(std::string_view("unix://").size());
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    return Error("CRI endpoint " + *target + ": no such socket (is the runtime running?)",
                 static_cast<int>(grpc::StatusCode::UNAVAILABLE));
  }
  if (!S_ISSOCK(info.st_mode)) {
    return Error("CRI endpoint " + *target + ": " + path + " is not a socket",
                 static_cast<int>(grpc::StatusCode::UNAVAILABLE));
  }
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(kMaxMessageBytes);
  auto channel = grpc::CreateCustomChannel(*target, grpc::InsecureChannelCredentials(), args);
  if (!channel->WaitForConnected(std::chrono::system_clock::now() + timeout)) {
    return Error("CRI endpoint " + *target + ": could not connect within " +
                     std::to_string(timeout.count()) +
                     " ms (permission on the socket? a runtime "
                     "that does not serve gRPC there?)",
                 static_cast<int>(grpc::StatusCode::UNAVAILABLE));
  }
  auto impl = std::make_unique<Impl>();
  impl->endpoint = *target;
  impl->call_timeout = call_timeout;
  impl->runtime = pb::RuntimeService::NewStub(channel);
  impl->images = pb::ImageService::NewStub(channel);
  impl->channel = std::move(channel);
  return CriClient(std::move(impl));
}

const std::string& CriClient::endpoint() const { return impl_->endpoint; }

void CriClient::set_call_timeout(std::chrono::milliseconds timeout) {
  impl_->call_timeout = timeout;
}

Result<VersionInfo> CriClient::Version() {
  pb::VersionRequest request;
  request.set_version(std::string(kApiVersion));
  auto response = impl_->Call<pb::VersionRequest, pb::VersionResponse>(
      "RuntimeService/Version",
      [this](auto* c, const auto& q, auto* r) { return impl_->runtime->Version(c, q, r); },
      request);
  if (!response) return response.error();
  return VersionInfo{.version = response->version(),
                     .runtime_name = response->runtime_name(),
                     .runtime_version = response->runtime_version(),
                     .runtime_api_version = response->runtime_api_version()};
}

Result<RuntimeStatus> CriClient::Status(bool verbose) {
  pb::StatusRequest request;
  request.set_verbose(verbose);
  auto response = impl_->Call<pb::StatusRequest, pb::StatusResponse>(
      "RuntimeService/Status",
      [this](auto* c, const auto& q, auto* r) { return impl_->runtime->Status(c, q, r); }, request);
  if (!response) return response.error();
  RuntimeStatus out;
  for (const auto& condition : response->status().conditions()) {
    out.conditions.push_back({.type = condition.type(),
                              .status = condition.status(),
                              .reason = condition.reason(),
                              .message = condition.message()});
  }
  out.info = ToLabels(response->info());
  for (const auto& handler : response->runtime_handlers()) {
    out.handlers.push_back(
        {.name = handler.name(),
         .recursive_read_only_mounts = handler.features().recursive_read_only_mounts(),
         .user_namespaces = handler.features().user_namespaces()});
  }
  return out;
}

Result<std::vector<PodSandbox>> CriClient::ListPodSandbox(const SandboxFilter& filter) {
  pb::ListPodSandboxRequest request;
  auto* f = request.mutable_filter();
  f->set_id(filter.id);
  if (filter.state) f->mutable_state()->set_state(ToProto(*filter.state));
  FromLabels(filter.labels, f->mutable_label_selector());
  auto response = impl_->Call<pb::ListPodSandboxRequest, pb::ListPodSandboxResponse>(
      "RuntimeService/ListPodSandbox",
      [this](auto* c, const auto& q, auto* r) { return impl_->runtime->ListPodSandbox(c, q, r); },
      request);
  if (!response) return response.error();
  std::vector<PodSandbox> out;
  out.reserve(response->items_size());
  for (const auto& item : response->items()) out.push_back(FromProto(item));
  return out;
}

Result<SandboxStatus> CriClient::PodSandboxStatus(const std::string& sandbox_id, bool verbose) {
  pb::PodSandboxStatusRequest request;
  request.set_pod_sandbox_id(sandbox_id);
  request.set_verbose(verbose);
  auto response = impl_->Call<pb::PodSandboxStatusRequest, pb::PodSandboxStatusResponse>(
      "RuntimeService/PodSandboxStatus",
      [this](auto* c, const auto& q, auto* r) { return impl_->runtime->PodSandboxStatus(c, q, r); },
      request);
  if (!response) return response.error();
  return SandboxStatus{.sandbox = FromProto(response->status()),
                       .ip = response->status().network().ip(),
                       .info = ToLabels(response->info())};
}

Result<std::vector<Container>> CriClient::ListContainers(const ContainerFilter& filter) {
  pb::ListContainersRequest request;
  auto* f = request.mutable_filter();
  f->set_id(filter.id);
  if (filter.state) f->mutable_state()->set_state(ToProto(*filter.state));
  f->set_pod_sandbox_id(filter.pod_sandbox_id);
  FromLabels(filter.labels, f->mutable_label_selector());
  auto response = impl_->Call<pb::ListContainersRequest, pb::ListContainersResponse>(
      "RuntimeService/ListContainers",
      [this](auto* c, const auto& q, auto* r) { return impl_->runtime->ListContainers(c, q, r); },
      request);
  if (!response) return response.error();
  std::vector<Container> out;
  out.reserve(response->containers_size());
  for (const auto& item : response->containers()) out.push_back(FromProto(item));
  return out;
}

Result<ContainerStatus> CriClient::GetContainerStatus(const std::string& container_id,
                                                      bool verbose) {
  pb::ContainerStatusRequest request;
  request.set_container_id(container_id);
  request.set_verbose(verbose);
  auto response = impl_->Call<pb::ContainerStatusRequest, pb::ContainerStatusResponse>(
      "RuntimeService/ContainerStatus",
      [this](auto* c, const auto& q, auto* r) { return impl_->runtime->ContainerStatus(c, q, r); },
      request);
  if (!response) return response.error();
  ContainerStatus out = FromProto(response->status());
  out.info = ToLabels(response->info());
  return out;
}

Result<std::vector<Image>> CriClient::ListImages() {
  auto response = impl_->Call<pb::ListImagesRequest, pb::ListImagesResponse>(
      "ImageService/ListImages",
      [this](auto* c, const auto& q, auto* r) { return impl_->images->ListImages(c, q, r); },
      pb::ListImagesRequest{});
  if (!response) return response.error();
  std::vector<Image> out;
  for (const auto& image : response->images()) out.push_back(FromProto(image));
  return out;
}

Result<ImageFsInfo> CriClient::GetImageFsInfo() {
  auto response = impl_->Call<pb::ImageFsInfoRequest, pb::ImageFsInfoResponse>(
      "ImageService/ImageFsInfo",
      [this](auto* c, const auto& q, auto* r) { return impl_->images->ImageFsInfo(c, q, r); },
      pb::ImageFsInfoRequest{});
  if (!response) return response.error();
  ImageFsInfo out;
  for (const auto& fs : response->image_filesystems())
    out.image_filesystems.push_back(FromProto(fs));
  for (const auto& fs : response->container_filesystems()) {
    out.container_filesystems.push_back(FromProto(fs));
  }
  return out;
}

Result<std::string> CriClient::RunPodSandbox(const SandboxConfig& config,
                                             const std::string& handler,
                                             std::chrono::milliseconds timeout) {
  pb::RunPodSandboxRequest request;
  ToProto(config, request.mutable_config());
  request.set_runtime_handler(handler);
  auto response = impl_->Call<pb::RunPodSandboxRequest, pb::RunPodSandboxResponse>(
      "RuntimeService/RunPodSandbox",
      [this](auto* c, const auto& q, auto* r) { return impl_->runtime->RunPodSandbox(c, q, r); },
      request, timeout);
  if (!response) return response.error();
  return response->pod_sandbox_id();
}

Status CriClient::StopPodSandbox(const std::string& sandbox_id) {
  pb::StopPodSandboxRequest request;
  request.set_pod_sandbox_id(sandbox_id);
  return Done(impl_->Call<pb::StopPodSandboxRequest, pb::StopPodSandboxResponse>(
      "RuntimeService/StopPodSandbox",
      [this](auto* c, const auto& q, auto* r) { return impl_->runtime->StopPodSandbox(c, q, r); },
      request));
}

Status CriClient::RemovePodSandbox(const std::string& sandbox_id) {
  pb::RemovePodSandboxRequest request;
  request.set_pod_sandbox_id(sandbox_id);
  return Done(impl_->Call<pb::RemovePodSandboxRequest, pb::RemovePodSandboxResponse>(
      "RuntimeService/RemovePodSandbox",
      [this](auto* c, const auto& q, auto* r) { return impl_->runtime->RemovePodSandbox(c, q, r); },
      request));
}

Result<std::string> CriClient::CreateContainer(const std::string& sandbox_id,
                                               const ContainerConfig& config,
                                               const SandboxConfig& sandbox) {
  pb::CreateContainerRequest request;
  request.set_pod_sandbox_id(sandbox_id);
  auto* spec = request.mutable_config();
  spec->mutable_metadata()->set_name(config.name);
  spec->mutable_metadata()->set_attempt(config.attempt);
  spec->mutable_image()->set_image(config.image);
  for (const auto& arg : config.command) spec->add_command(arg);
  for (const auto& arg : config.args) spec->add_args(arg);
  FromLabels(config.labels, spec->mutable_labels());
  FromLabels(config.annotations, spec->mutable_annotations());
  spec->set_log_path(config.log_path);
  ToProto(config.resources, spec->mutable_linux()->mutable_resources());
  ToProto(sandbox, request.mutable_sandbox_config());
  auto response = impl_->Call<pb::CreateContainerRequest, pb::CreateContainerResponse>(
      "RuntimeService/CreateContainer",
      [this](auto* c, const auto& q, auto* r) { return impl_->runtime->CreateContainer(c, q, r); },
      request);
  if (!response) return response.error();
  return response->container_id();
}

Status CriClient::StartContainer(const std::string& container_id) {
  pb::StartContainerRequest request;
  request.set_container_id(container_id);
  return Done(impl_->Call<pb::StartContainerRequest, pb::StartContainerResponse>(
      "RuntimeService/StartContainer",
      [this](auto* c, const auto& q, auto* r) { return impl_->runtime->StartContainer(c, q, r); },
      request));
}

Status CriClient::StopContainer(const std::string& container_id, std::chrono::seconds grace) {
  pb::StopContainerRequest request;
  request.set_container_id(container_id);
  request.set_timeout(grace.count());
  return Done(impl_->Call<pb::StopContainerRequest, pb::StopContainerResponse>(
      "RuntimeService/StopContainer",
      [this](auto* c, const auto& q, auto* r) { return impl_->runtime->StopContainer(c, q, r); },
      request, impl_->call_timeout + grace));
}

Status CriClient::RemoveContainer(const std::string& container_id) {
  pb::RemoveContainerRequest request;
  request.set_container_id(container_id);
  return Done(impl_->Call<pb::RemoveContainerRequest, pb::RemoveContainerResponse>(
      "RuntimeService/RemoveContainer",
      [this](auto* c, const auto& q, auto* r) { return impl_->runtime->RemoveContainer(c, q, r); },
      request));
}

Status CriClient::UpdateContainerResources(const std::string& container_id,
                                           const LinuxResources& resources) {
  pb::UpdateContainerResourcesRequest request;
  request.set_container_id(container_id);
  ToProto(resources, request.mutable_linux());
  return Done(
      impl_->Call<pb::UpdateContainerResourcesRequest, pb::UpdateContainerResourcesResponse>(
          "RuntimeService/UpdateContainerResources",
          [this](auto* c, const auto& q, auto* r) {
            return impl_->runtime->UpdateContainerResources(c, q, r);
          },
          request));
}

Status CriClient::ReopenContainerLog(const std::string& container_id) {
  pb::ReopenContainerLogRequest request;
  request.set_container_id(container_id);
  return Done(impl_->Call<pb::ReopenContainerLogRequest, pb::ReopenContainerLogResponse>(
      "RuntimeService/ReopenContainerLog",
      [this](auto* c, const auto& q, auto* r) {
        return impl_->runtime->ReopenContainerLog(c, q, r);
      },
      request));
}

Result<ExecResult> CriClient::ExecSync(const std::string& container_id,
                                       const std::vector<std::string>& cmd,
                                       std::chrono::seconds timeout) {
  pb::ExecSyncRequest request;
  request.set_container_id(container_id);
  for (const auto& arg : cmd) request.add_cmd(arg);
  request.set_timeout(timeout.count());
  auto response = impl_->Call<pb::ExecSyncRequest, pb::ExecSyncResponse>(
      "RuntimeService/ExecSync",
      [this](auto* c, const auto& q, auto* r) { return impl_->runtime->ExecSync(c, q, r); },
      request, impl_->call_timeout + timeout);
  if (!response) return response.error();
  return ExecResult{
      .out = response->stdout(), .err = response->stderr(), .exit_code = response->exit_code()};
}

Result<std::string> CriClient::Exec(const std::string& container_id,
                                    const std::vector<std::string>& cmd) {
  pb::ExecRequest request;
  request.set_container_id(container_id);
  for (const auto& arg : cmd) request.add_cmd(arg);
  request.set_stdout(true);
  request.set_stderr(true);
  auto response = impl_->Call<pb::ExecRequest, pb::ExecResponse>(
      "RuntimeService/Exec",
      [this](auto* c, const auto& q, auto* r) { return impl_->runtime->Exec(c, q, r); }, request);
  if (!response) return response.error();
  return response->url();
}

Result<std::string> CriClient::Attach(const std::string& container_id) {
  pb::AttachRequest request;
  request.set_container_id(container_id);
  request.set_stdout(true);
  request.set_stderr(true);
  auto response = impl_->Call<pb::AttachRequest, pb::AttachResponse>(
      "RuntimeService/Attach",
      [this](auto* c, const auto& q, auto* r) { return impl_->runtime->Attach(c, q, r); }, request);
  if (!response) return response.error();
  return response->url();
}

Result<std::string> CriClient::PortForward(const std::string& sandbox_id,
                                           const std::vector<int32_t>& ports) {
  pb::PortForwardRequest request;
  request.set_pod_sandbox_id(sandbox_id);
  for (int32_t port : ports) request.add_port(port);
  auto response = impl_->Call<pb::PortForwardRequest, pb::PortForwardResponse>(
      "RuntimeService/PortForward",
      [this](auto* c, const auto& q, auto* r) { return impl_->runtime->PortForward(c, q, r); },
      request);
  if (!response) return response.error();
  return response->url();
}

Result<ContainerStats> CriClient::GetContainerStats(const std::string& container_id) {
  pb::ContainerStatsRequest request;
  request.set_container_id(container_id);
  auto response = impl_->Call<pb::ContainerStatsRequest, pb::ContainerStatsResponse>(
      "RuntimeService/ContainerStats",
      [this](auto* c, const auto& q, auto* r) { return impl_->runtime->ContainerStats(c, q, r); },
      request);
  if (!response) return response.error();
  return FromProto(response->stats());
}

Result<std::vector<ContainerStats>> CriClient::ListContainerStats(
    const ContainerStatsFilter& filter) {
  pb::ListContainerStatsRequest request;
  auto* f = request.mutable_filter();
  f->set_id(filter.id);
  f->set_pod_sandbox_id(filter.pod_sandbox_id);
  FromLabels(filter.labels, f->mutable_label_selector());
  auto response = impl_->Call<pb::ListContainerStatsRequest, pb::ListContainerStatsResponse>(
      "RuntimeService/ListContainerStats",
      [this](auto* c, const auto& q, auto* r) {
        return impl_->runtime->ListContainerStats(c, q, r);
      },
      request);
  if (!response) return response.error();
  std::vector<ContainerStats> out;
  for (const auto& stats : response->stats()) out.push_back(FromProto(stats));
  return out;
}

Result<PodSandboxStats> CriClient::GetPodSandboxStats(const std::string& sandbox_id) {
  pb::PodSandboxStatsRequest request;
  request.set_pod_sandbox_id(sandbox_id);
  auto response = impl_->Call<pb::PodSandboxStatsRequest, pb::PodSandboxStatsResponse>(
      "RuntimeService/PodSandboxStats",
      [this](auto* c, const auto& q, auto* r) { return impl_->runtime->PodSandboxStats(c, q, r); },
      request);
  if (!response) return response.error();
  const pb::PodSandboxStats& in = response->stats();
  PodSandboxStats out;
  out.id = in.attributes().id();
  out.name = in.attributes().metadata().name();
  out.namespace_ = in.attributes().metadata().namespace_();
  out.labels = ToLabels(in.attributes().labels());
  out.cpu_timestamp = in.linux().cpu().timestamp();
  if (in.linux().cpu().has_usage_core_nano_seconds()) {
    out.cpu_usage_core_nano_seconds = in.linux().cpu().usage_core_nano_seconds().value();
  }
  out.memory_timestamp = in.linux().memory().timestamp();
  if (in.linux().memory().has_working_set_bytes()) {
    out.memory_working_set_bytes = in.linux().memory().working_set_bytes().value();
  }
  for (const auto& stats : in.linux().containers()) out.containers.push_back(FromProto(stats));
  return out;
}

Result<std::optional<Image>> CriClient::ImageStatus(const std::string& image) {
  pb::ImageStatusRequest request;
  request.mutable_image()->set_image(image);
  auto response = impl_->Call<pb::ImageStatusRequest, pb::ImageStatusResponse>(
      "ImageService/ImageStatus",
      [this](auto* c, const auto& q, auto* r) { return impl_->images->ImageStatus(c, q, r); },
      request);
  if (!response) return response.error();
  if (!response->has_image()) return std::optional<Image>();
  return std::optional<Image>(FromProto(response->image()));
}

Result<std::string> CriClient::PullImage(const std::string& image, const SandboxConfig& sandbox,
                                         std::chrono::milliseconds timeout) {
  pb::PullImageRequest request;
  request.mutable_image()->set_image(image);
  ToProto(sandbox, request.mutable_sandbox_config());
  auto response = impl_->Call<pb::PullImageRequest, pb::PullImageResponse>(
      "ImageService/PullImage",
      [this](auto* c, const auto& q, auto* r) { return impl_->images->PullImage(c, q, r); },
      request, timeout);
  if (!response) return response.error();
  return response->image_ref();
}

Status CriClient::RemoveImage(const std::string& image) {
  pb::RemoveImageRequest request;
  request.mutable_image()->set_image(image);
  return Done(impl_->Call<pb::RemoveImageRequest, pb::RemoveImageResponse>(
      "ImageService/RemoveImage",
      [this](auto* c, const auto& q, auto* r) { return impl_->images->RemoveImage(c, q, r); },
      request));
}

}  // namespace ra2cert::cri
