// Event-driven waits: LIST, then WATCH from the list's resourceVersion with bookmarks,
// parsing the stream line by line as it arrives. A 410 Gone (HTTP status or ERROR
// event) relists; a dropped stream resumes from the last resourceVersion seen. Every
// wait has a deadline; none polls.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "harness/kube/client.h"

namespace ra2cert::kube {

// The error code of a wait whose deadline passed: the cluster did not get there in time
// (as opposed to the API failing to answer).
inline constexpr int kWaitExpired = 408;

struct WatchEvent {
  // ADDED (also for objects that existed at LIST time), MODIFIED, DELETED; and SYNCED
  // (no object) once every object of a LIST has been passed on.
  std::string type;
  json object;
};

struct WatchStats {  // what the wait went through, for tests and debugging
  int lists = 0, watches = 0, events = 0, bookmarks = 0, gone = 0;
};

// Calls `done` for every object (existing ones first) and every change until it returns
// true; returns that event's object. Errors: the deadline passed (code 408), the case
// was asked to stop, or the API failed.
Result<json> WaitFor(Client& client, const std::string& collection_path, const ListOptions& options,
                     const std::function<bool(const WatchEvent&)>& done,
                     std::chrono::steady_clock::time_point deadline, WatchStats* stats = nullptr);

// Conveniences built on WaitFor.
Result<json> WaitForPodPhase(Client& client, const std::string& namespace_, const std::string& pod,
                             const std::vector<std::string>& phases,
                             std::chrono::steady_clock::time_point deadline);
Result<json> WaitForNodesReady(Client& client, size_t count,
                               std::chrono::steady_clock::time_point deadline);
Status WaitForDeletion(Client& client, const std::string& collection_path, const std::string& name,
                       std::chrono::steady_clock::time_point deadline);

}  // namespace ra2cert::kube
