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

  // Runs one unary call with a fresh context and the call deadline.
  template <typename Request, typename Response, typename Method>
  Result<Response> Call(std::string_view rpc, Method method, const Request& request) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + call_timeout);
    Response response;
    const grpc::Status status = method(&context, request, &response);
    if (status.ok()) return response;
    std::string message = "CRI " + std::string(rpc) + " at " + endpoint + ": " +
                          std::string(CodeName(status.error_code()));
    if (!status.error_message().empty()) message += ": " + status.error_message();
    if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
      message += " (no answer within " + std::to_string(call_timeout.count()) + " ms)";
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
  for (const auto& image : response->images()) {
    out.push_back({.id = image.id(),
                   .repo_tags = {image.repo_tags().begin(), image.repo_tags().end()},
                   .repo_digests = {image.repo_digests().begin(), image.repo_digests().end()},
                   .size = image.size()});
  }
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

}  // namespace ra2cert::cri
