#include "harness/run/run_objects.h"

#include <array>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <random>

namespace ra2cert {

std::string NewRunId() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  std::array<char, 32> stamp{};
  std::strftime(stamp.data(), stamp.size(), "%Y%m%dt%H%M%S", &utc);
  std::random_device random;
  std::array<char, 8> suffix{};
  std::snprintf(suffix.data(), suffix.size(), "%06x", random() & 0xFFFFFFu);
  return std::string(stamp.data()) + "-" + suffix.data();
}

Status CheckRunId(const std::string& run_id) {
  const bool shaped = run_id.size() == 22 && run_id[8] == 't' && run_id[15] == '-';
  bool valid = shaped;
  for (size_t i = 0; valid && i < run_id.size(); ++i) {
    if (i == 8 || i == 15) continue;
    const char c = run_id[i];
    valid = (c >= '0' && c <= '9') || (i > 15 && c >= 'a' && c <= 'f');
  }
  if (valid) return Ok();
  return Error("--run: '" + run_id.substr(0, 40) +
                   "' is not a run id (like 20261130t182715-3fa9c1; results.json `run_id` and "
                   "the console's first lines give it)",
               2);
}

Result<RemovedObjects> RemoveRunObjects(kube::Client& client, const std::string& run_id) {
  const std::string selector = run_id.empty() ? kRunLabel : std::string(kRunLabel) + "=" + run_id;
  auto namespaces = client.List("/api/v1/namespaces", {.label_selector = selector});
  if (!namespaces) return namespaces.error().Wrap("listing the run's namespaces");
  RemovedObjects removed;
  for (const auto& item : namespaces->items) {
    const std::string name = item["metadata"].value("name", "");
    // Already terminating: the case's own cleanup ran, the namespace controller finishes.
    if (name.empty() || item["metadata"].contains("deletionTimestamp")) continue;
    auto deleted = client.Delete("/api/v1/namespaces/" + name, "Background");
    if (!deleted && deleted.error().code() != 404)
      return deleted.error().Wrap("deleting namespace " + name);
    removed.namespaces.push_back(name);
  }
  // The node agents' ClusterRoles and bindings carry the run label too (cluster-wide: the
  // namespace's deletion does not take them along).
  for (const char* kind : {"clusterrolebindings", "clusterroles"}) {
    const std::string collection = std::string("/apis/rbac.authorization.k8s.io/v1/") + kind;
    auto objects = client.List(collection, {.label_selector = selector});
    if (!objects) return objects.error().Wrap(std::string("listing the run's ") + kind);
    for (const auto& item : objects->items) {
      const std::string name = item["metadata"].value("name", "");
      if (name.empty()) continue;
      auto deleted = client.Delete(collection + "/" + name);
      if (!deleted && deleted.error().code() != 404)
        return deleted.error().Wrap(std::string("deleting ") + kind + " " + name);
      removed.cluster_objects.push_back(std::string(kind) + "/" + name);
    }
  }
  return removed;
}

}  // namespace ra2cert
