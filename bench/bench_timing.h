// Helpers shared by the benchmarks: rows of per-call milliseconds, warm-up then timed
// calls, spawning a peer program once per call, and finding that peer in the cache.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <numeric>
#include <string>
#include <vector>

#include "harness/core/result.h"
#include "harness/tools/run_tool.h"

namespace ra2cert::bench {

using Clock = std::chrono::steady_clock;
constexpr int kWarmUp = 5;

struct Row {
  std::string call, client;
  std::vector<double> ms;  // one per timed call

  double Mean() const {
    return std::accumulate(ms.begin(), ms.end(), 0.0) / static_cast<double>(ms.size());
  }
  double Percentile(double p) const {
    std::vector<double> sorted = ms;
    std::sort(sorted.begin(), sorted.end());
    const auto rank = static_cast<size_t>(std::ceil(p * static_cast<double>(sorted.size())));
    return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
  }
};

// Runs `once` kWarmUp times untimed, then `calls` times timed; the first failure ends it.
inline Result<Row> Measure(const std::string& call, const std::string& client, int calls,
                           const std::function<Status()>& once) {
  Row row{call, client, {}};
  for (int i = 0; i < kWarmUp + calls; ++i) {
    const auto start = Clock::now();
    auto done = once();
    const auto elapsed = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    if (!done) return done.error().Wrap(call + " through " + client);
    if (i >= kWarmUp) row.ms.push_back(elapsed);
  }
  return row;
}

// One run of a program that must exit 0.
inline Status Spawn(const std::string& program, const std::vector<std::string>& args,
                    std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
  auto ran = RunTool({.program = program, .args = args, .timeout = timeout});
  if (!ran) return ran.error();
  if (ran->exit_code != 0) {
    return Error(program + " exited " + std::to_string(ran->exit_code) + ": " +
                 ran->err.substr(0, 300));
  }
  return Ok();
}

// A peer binary the component scripts built: ${RA2CERT_CACHE:-~/.cache/ra2cert}/
// <component>-<version>/bin/<binary>, the given version's if cached, else the newest
// version's; else the bare name (looked up on PATH).
inline std::string CachedPeer(const std::string& component, const std::string& binary,
                              const std::string& preferred_version = "") {
  namespace fs = std::filesystem;
  const char* cache = std::getenv("RA2CERT_CACHE");
  const char* home = std::getenv("HOME");
  const fs::path root =
      cache && *cache ? fs::path(cache) : fs::path(home ? home : "/root") / ".cache/ra2cert";
  const std::string prefix = component + "-";
  std::error_code ec;
  std::vector<std::string> found;
  for (const auto& entry : fs::directory_iterator(root, ec)) {
    const std::string name = entry.path().filename().string();
    const fs::path path = entry.path() / "bin" / binary;
    if (!name.starts_with(prefix) || !fs::exists(path)) continue;
    if (!preferred_version.empty() && name == prefix + preferred_version) return path.string();
    found.push_back(path.string());
  }
  std::sort(found.begin(), found.end());
  return found.empty() ? binary : found.back();
}

}  // namespace ra2cert::bench
