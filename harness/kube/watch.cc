#include "harness/kube/watch.h"

#include <algorithm>
#include <map>
#include <set>
#include <thread>

#include "harness/run/case_signals.h"

namespace ra2cert::kube {
namespace {
using Clock = std::chrono::steady_clock;

enum class StreamEnd { kDone, kRelist, kResume, kFailed };

// One watch event is one object (etcd stores at most 1.5 MiB per object by default); a
// line longer than this is a server streaming without end, not an event.
constexpr std::size_t kMaxWatchEventBytes = 16u << 20;

std::string ResourceVersionOf(const json& object) {
  return object.value("metadata", json::object()).value("resourceVersion", "");
}
}  // namespace

Result<json> WaitFor(Client& client, const std::string& collection_path, const ListOptions& options,
                     const std::function<bool(const WatchEvent&)>& done, Clock::time_point deadline,
                     WatchStats* stats) {
  WatchStats local;
  WatchStats& counts = stats ? *stats : local;
  const std::string timeout_message = "timed out waiting on " + collection_path;
  for (;;) {
    // LIST: the state now, and the version to watch from.
    ++counts.lists;
    auto list = client.List(collection_path, options);
    if (!list) return list.error();
    for (auto& item : list->items) {
      WatchEvent event{"ADDED", std::move(item)};
      if (done(event)) return event.object;
    }
    if (WatchEvent synced{"SYNCED", json::object()}; done(synced)) return synced.object;
    std::string resource_version = list->resource_version;
    bool relist = false;
    while (!relist) {
      const auto left = std::chrono::duration_cast<std::chrono::seconds>(deadline - Clock::now());
      if (left.count() <= 0) return Error(timeout_message, kWaitExpired);
      if (InterruptRequested()) return Error("interrupted while waiting on " + collection_path);
      std::string path =
          collection_path +
          "?watch=1&allowWatchBookmarks=true&resourceVersion=" + resource_version +
          "&timeoutSeconds=" + std::to_string(std::clamp<long long>(left.count(), 1, 300));
      if (!options.label_selector.empty())
        path += "&labelSelector=" + QueryEscape(options.label_selector);
      if (!options.field_selector.empty())
        path += "&fieldSelector=" + QueryEscape(options.field_selector);
      ++counts.watches;
      std::string buffer;
      StreamEnd end = StreamEnd::kResume;
      std::optional<json> result;
      std::string failure;
      auto on_data = [&](std::string_view chunk) {
        buffer.append(chunk);
        size_t newline;
        while ((newline = buffer.find('\n')) != std::string::npos) {
          const std::string line = buffer.substr(0, newline);
          buffer.erase(0, newline + 1);
          if (line.empty()) continue;
          auto event = json::parse(line, nullptr, false);
          if (event.is_discarded() || !event.is_object()) {
            failure = "the watch stream sent a line that is not JSON";
            end = StreamEnd::kFailed;
            return false;
          }
          const std::string type = event.value("type", "");
          json object = event.value("object", json::object());
          if (type == "ERROR") {
            if (object.value("code", 0) == 410) {
              ++counts.gone;
              end = StreamEnd::kRelist;
            } else {
              failure = "watch error: " + object.value("message", object.dump());
              end = StreamEnd::kFailed;
            }
            return false;
          }
          if (const std::string version = ResourceVersionOf(object); !version.empty()) {
            resource_version = version;
          }
          if (type == "BOOKMARK") {
            ++counts.bookmarks;
            continue;
          }
          ++counts.events;
          if (done(WatchEvent{type, object})) {
            result = std::move(object);
            end = StreamEnd::kDone;
            return false;
          }
        }
        if (buffer.size() > kMaxWatchEventBytes) {
          failure = "the API server sent more than " + std::to_string(kMaxWatchEventBytes) +
                    " bytes in one watch event on " + collection_path;
          end = StreamEnd::kFailed;
          return false;
        }
        return !InterruptRequested() && Clock::now() < deadline;
      };
      HttpRequest request{"GET", path};
      request.timeout = std::chrono::milliseconds(0);
      auto status = client.connection().Stream(request, on_data);
      if (end == StreamEnd::kDone) return *result;
      if (end == StreamEnd::kFailed) return Error(failure);
      if (!status) {
        if (status.error().code() == 410) {
          ++counts.gone;
          relist = true;
          continue;
        }
        // A transport error after retries: the API server may be restarting. Resume
        // until the deadline says stop; then it is the API that failed to answer, not the
        // cluster that failed to get there, so the error is not kWaitExpired.
        if (Clock::now() >= deadline)
          return Error(timeout_message + ": the API server stopped answering (" +
                       status.error().message() + ")");
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        continue;
      }
      relist = end == StreamEnd::kRelist;
    }
  }
}

Result<json> WaitForPodPhase(Client& client, const std::string& namespace_, const std::string& pod,
                             const std::vector<std::string>& phases, Clock::time_point deadline) {
  std::string last_phase = "(not seen)";
  auto found = WaitFor(
      client, "/api/v1/namespaces/" + namespace_ + "/pods",
      {.field_selector = "metadata.name=" + pod},
      [&](const WatchEvent& event) {
        if (event.type != "ADDED" && event.type != "MODIFIED") return false;
        last_phase = event.object.value("status", json::object()).value("phase", "");
        return std::find(phases.begin(), phases.end(), last_phase) != phases.end();
      },
      deadline);
  if (!found && found.error().code() == kWaitExpired) {
    return Error("pod " + namespace_ + "/" + pod + " did not reach " + phases.front() +
                     " in time (last phase: " + last_phase + ")",
                 kWaitExpired);
  }
  return found;
}

Result<json> WaitForNodesReady(Client& client, size_t count, Clock::time_point deadline) {
  std::map<std::string, bool> ready;
  auto found = WaitFor(
      client, "/api/v1/nodes", {},
      [&](const WatchEvent& event) {
        if (event.type == "SYNCED") return false;
        const std::string name = event.object.value("metadata", json::object()).value("name", "");
        bool is_ready = false;
        for (const auto& condition :
             event.object.value("status", json::object()).value("conditions", json::array())) {
          if (condition.value("type", "") == "Ready")
            is_ready = condition.value("status", "") == "True";
        }
        ready[name] = event.type != "DELETED" && is_ready;
        return static_cast<size_t>(std::count_if(ready.begin(), ready.end(),
                                                 [](auto& n) { return n.second; })) >= count;
      },
      deadline);
  if (!found && found.error().code() == kWaitExpired) {
    std::string states;
    for (const auto& [name, is_ready] : ready)
      states += " " + name + (is_ready ? "=Ready" : "=NotReady");
    return Error("fewer than " + std::to_string(count) + " nodes became Ready in time:" + states,
                 kWaitExpired);
  }
  return found;
}

Status WaitForDeletion(Client& client, const std::string& collection_path, const std::string& name,
                       Clock::time_point deadline) {
  bool seen_in_list = false;
  auto gone = WaitFor(
      client, collection_path, {.field_selector = "metadata.name=" + name},
      [&](const WatchEvent& event) {
        if (event.type == "SYNCED") {
          const bool absent = !seen_in_list;
          seen_in_list = false;  // a relist starts over
          return absent;
        }
        if (event.type == "ADDED") seen_in_list = true;
        return event.type == "DELETED";
      },
      deadline);
  if (!gone) {
    if (gone.error().code() == kWaitExpired)
      return Error(collection_path + "/" + name + " was not deleted in time", kWaitExpired);
    return gone.error();
  }
  return Ok();
}

}  // namespace ra2cert::kube
