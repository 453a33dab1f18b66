#include "suites/4.3/cpu_list.h"

#include <charconv>
#include <sstream>

namespace ra2cert::suites {
namespace {

std::optional<int> Cpu(std::string_view text) {
  int value = -1;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 0 || value > 65535)
    return std::nullopt;
  return value;
}

}  // namespace

std::optional<std::set<int>> ParseCpuList(const std::string& text) {
  std::set<int> cpus;
  std::istringstream parts(text);
  for (std::string part; std::getline(parts, part, ',');) {
    const auto dash = part.find('-');
    const auto first = Cpu(std::string_view(part).substr(0, dash));
    const auto last =
        dash == std::string::npos ? first : Cpu(std::string_view(part).substr(dash + 1));
    if (!first || !last || *last < *first) return std::nullopt;
    for (int cpu = *first; cpu <= *last; ++cpu) cpus.insert(cpu);
  }
  if (cpus.empty()) return std::nullopt;
  return cpus;
}

}  // namespace ra2cert::suites
