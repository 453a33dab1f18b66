// Which RuntimeClasses the 4.4 cases treat as claiming a sandboxed runtime.
#pragma once

#include <regex>
#include <string>

namespace ra2cert::suites {

// A class claims a sandbox by its name or its handler (gVisor's runsc, Kata, a
// "sandbox" handler). The claim only selects what is measured: whether it isolates is
// what the cases then show.
inline bool ClaimsSandbox(const std::string& name, const std::string& handler) {
  static const std::regex claim(R"(gvisor|runsc|kata|sandbox)", std::regex::icase);
  return std::regex_search(name, claim) || std::regex_search(handler, claim);
}

}  // namespace ra2cert::suites
