// Small helpers shared by the file reporters.
#pragma once

#include <chrono>
#include <string>

#include "harness/core/result.h"

namespace ra2cert {

// Write to path.tmp, then rename: a reader (or a run killed mid-write) never sees half
// a file.
Status WriteFileAtomically(const std::string& path, const std::string& content);

// "2026-11-28T00:51:02" in UTC (the strict JUnit schema allows no zone suffix).
std::string UtcTimestamp(std::chrono::system_clock::time_point time);
// "%.3f" in the C locale, whatever the process locale says.
std::string Seconds(double seconds);

// The last `max_bytes` of a file (empty when it cannot be read).
std::string ReadFileTail(const std::string& path, size_t max_bytes);

}  // namespace ra2cert
