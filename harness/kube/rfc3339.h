// Kubernetes times (RFC 3339, "2026-12-07T15:34:46Z" or with a fraction), to the second.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace ra2cert::kube {

// nullopt when the text is no such time; a time past what system_clock holds (year 2262)
// is time_point::max().
std::optional<std::chrono::system_clock::time_point> ParseRfc3339(const std::string& text);

}  // namespace ra2cert::kube
