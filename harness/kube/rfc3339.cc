#include "harness/kube/rfc3339.h"

#include <ctime>

namespace ra2cert::kube {

std::optional<std::chrono::system_clock::time_point> ParseRfc3339(const std::string& text) {
  std::tm tm{};
  if (!strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm)) return std::nullopt;
  const std::time_t seconds = timegm(&tm);
  using std::chrono::system_clock;
  if (seconds >
      std::chrono::duration_cast<std::chrono::seconds>(system_clock::duration::max()).count()) {
    return system_clock::time_point::max();
  }
  return system_clock::from_time_t(seconds);
}

}  // namespace ra2cert::kube
