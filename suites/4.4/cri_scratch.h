// What the 4.4 write-path cases create through CRI themselves (sandboxes, containers, a
// pulled image), labelled with the run and the case, in a pod namespace of the run's own
// so that nothing collides with the pods the kubelet manages, and removed when the case
// ends, also when it fails half way.
//
// The node's kubelet treats every sandbox and container its runtime lists as its own: it
// groups them into pods by the sandbox metadata's UID and a container's
// io.kubernetes.pod.uid label, and within seconds stops any pod the API server does not
// give it (housekeeping). So each scratch object belongs to an anchor: a sleeping pod of
// the case on that node, whose UID the sandboxes carry in their metadata (not as the
// kubelet's label, by which the kubelet finds a pod's own sandboxes, so it never mistakes
// ours for a second sandbox of the anchor) and the containers in their label. Should the
// harness die, deleting the anchor makes the kubelet stop and collect them too.
#pragma once

#include <string>
#include <vector>

#include "fixtures/kube/case_access.h"
#include "harness/cri/cri_client.h"
#include "harness/kube/client.h"

namespace ra2cert::suites {

// A runtime handler the cases exercise, like critest --runtime-handler.
struct HandlerUnderTest {
  std::string handler;        // empty: the runtime's default handler
  std::string runtime_class;  // the RuntimeClass that names it; empty for the default
  // "the default handler", "handler runsc (RuntimeClass gvisor)".
  std::string Describe() const;
};

// The default handler, then the handler of every RuntimeClass that claims a sandbox
// (gVisor, Kata ...: by its name or its handler), as the API server lists them.
Result<std::vector<HandlerUnderTest>> HandlersUnderTest(kube::Client& client);
inline std::vector<ApiAccess> HandlersAccess() {
  return {{.verbs = {"list"}, .group = "node.k8s.io", .resource = "runtimeclasses"}};
}

// The label every object a case creates through CRI carries, besides the run and case ones.
inline constexpr char kCriScratchLabel[] = "ra2cert.io/cri-scratch";

// "ra2cert-cri-<run id>": the pod namespace (sandbox metadata) of a run's CRI sandboxes.
std::string ScratchPodNamespace();

// Empty when `url` is one a CRI streaming server hands out (http or https, a host, a
// path); else what is wrong with it.
std::string StreamingUrlProblem(const std::string& url);

// Everything one case creates through one node's runtime. The destructor stops and
// removes the containers, then the sandboxes, then the images marked for removal, then
// the log directory; what it cannot remove it prints (the case's verdict stands).
class CriScratch {
 public:
  // Makes the log directory the sandboxes' containers log to (a fresh one under the
  // temporary directory: the harness reaches the node's runtime, so it shares its files).
  static Result<CriScratch> Create(cri::CriClient& cri, std::string node, std::string case_id,
                                   std::string anchor_uid);
  CriScratch(CriScratch&& other) noexcept;
  CriScratch& operator=(CriScratch&&) = delete;
  ~CriScratch();

  const std::string& node() const { return node_; }
  const std::string& log_directory() const { return log_directory_; }
  cri::CriClient& cri() { return *cri_; }

  // A sandbox config of this run and case: namespace ScratchPodNamespace(), a fresh name
  // "<case>-<what>-<random>", the anchor's UID, the labels, the log directory, a pod
  // cgroup "/ra2cert-cri-<random>" (cgroupfs form; removed at the end).
  cri::SandboxConfig NewSandboxConfig(const std::string& what) const;
  // Runs the sandbox and remembers it for removal.
  Result<std::string> RunSandbox(const cri::SandboxConfig& config, const std::string& handler);
  // Creates the container (the run and case labels and the anchor's UID label added) and
  // remembers it for removal.
  Result<std::string> CreateContainer(const std::string& sandbox_id, cri::ContainerConfig config,
                                      const cri::SandboxConfig& sandbox);
  // `image` is removed at the end (an image only this case pulled).
  void RemoveImageAtEnd(const std::string& image) { images_.push_back(image); }
  cri::Labels Labels() const;

 private:
  CriScratch(cri::CriClient& cri, std::string node, std::string case_id, std::string anchor_uid,
             std::string log_directory)
      : cri_(&cri),
        node_(std::move(node)),
        case_id_(std::move(case_id)),
        anchor_uid_(std::move(anchor_uid)),
        log_directory_(std::move(log_directory)) {}
  cri::CriClient* cri_;
  std::string node_, case_id_, anchor_uid_, log_directory_;
  std::vector<std::string> sandboxes_, containers_, images_, cgroup_parents_;
};

}  // namespace ra2cert::suites
