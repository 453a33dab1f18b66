// The kernel's CPU list format ("0-3,8,10-11", as in Cpus_allowed_list and cpuset.cpus).
#pragma once

#include <optional>
#include <set>
#include <string>

namespace ra2cert::suites {

// The CPUs a list names; nullopt when it is not a CPU list.
std::optional<std::set<int>> ParseCpuList(const std::string& text);

}  // namespace ra2cert::suites
