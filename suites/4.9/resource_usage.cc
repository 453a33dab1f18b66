#include "suites/4.9/resource_usage.h"

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <utility>

namespace ra2cert::suites {
namespace {
using kube::json;

struct Suffix {
  const char* text;
  double factor;
};
// Binary ones first: "Mi" must not be read as "M" followed by garbage.
constexpr std::array<Suffix, 16> kSuffixes = {{{"Ki", 0x1p10},
                                               {"Mi", 0x1p20},
                                               {"Gi", 0x1p30},
                                               {"Ti", 0x1p40},
                                               {"Pi", 0x1p50},
                                               {"Ei", 0x1p60},
                                               {"n", 1e-9},
                                               {"u", 1e-6},
                                               {"m", 1e-3},
                                               {"k", 1e3},
                                               {"M", 1e6},
                                               {"G", 1e9},
                                               {"T", 1e12},
                                               {"P", 1e15},
                                               {"E", 1e18},
                                               {"", 1}}};

std::string ConditionText(const json& condition) {
  std::string text = condition.value("status", "?");
  if (const std::string reason = condition.value("reason", ""); !reason.empty())
    text += ", " + reason;
  if (const std::string message = condition.value("message", ""); !message.empty())
    text += ": " + message;
  return text;
}

std::optional<Usage> UsageOf(const json& object) {
  if (!object.is_object() || !object.contains("usage") || !object["usage"].is_object())
    return std::nullopt;
  const json& usage = object["usage"];
  const auto text = [&](const char* key) {
    return usage.contains(key) && usage[key].is_string() ? usage[key].get<std::string>() : "";
  };
  const auto cpu = ParseQuantity(text("cpu"));
  const auto memory = ParseQuantity(text("memory"));
  if (!cpu || !memory) return std::nullopt;
  return Usage{*cpu, *memory};
}
}  // namespace

std::optional<double> ParseQuantity(const std::string& text) {
  std::size_t digits = 0;
  while (digits < text.size() &&
         (std::isdigit(static_cast<unsigned char>(text[digits])) != 0 || text[digits] == '.'))
    ++digits;
  if (digits == 0) return std::nullopt;
  double number = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + digits, number);
  if (error != std::errc() || end != text.data() + digits || !std::isfinite(number))
    return std::nullopt;
  const std::string suffix = text.substr(digits);
  for (const auto& [name, factor] : kSuffixes) {
    if (suffix == name) return number * factor;
  }
  return std::nullopt;
}

std::map<std::string, Usage> NodeUsages(const json& node_metrics_list) {
  std::map<std::string, Usage> usages;
  if (!node_metrics_list.contains("items") || !node_metrics_list["items"].is_array()) return usages;
  for (const auto& item : node_metrics_list["items"]) {
    const auto usage = UsageOf(item);
    const std::string name = item.contains("metadata") && item["metadata"].is_object()
                                 ? item["metadata"].value("name", "")
                                 : "";
    if (usage && !name.empty()) usages[name] = *usage;
  }
  return usages;
}

std::map<std::string, Usage> ContainerUsages(const json& pod_metrics) {
  std::map<std::string, Usage> usages;
  if (!pod_metrics.contains("containers") || !pod_metrics["containers"].is_array()) return usages;
  for (const auto& container : pod_metrics["containers"]) {
    const auto usage = UsageOf(container);
    const std::string name = container.is_object() ? container.value("name", "") : "";
    if (usage && !name.empty()) usages[name] = *usage;
  }
  return usages;
}

std::string ApiServiceUnavailability(const json& api_service) {
  if (api_service.contains("status") && api_service["status"].contains("conditions") &&
      api_service["status"]["conditions"].is_array()) {
    for (const auto& condition : api_service["status"]["conditions"]) {
      if (!condition.is_object() || condition.value("type", "") != "Available") continue;
      if (condition.value("status", "") == "True") return "";
      return "Available=" + ConditionText(condition);
    }
  }
  return "it has no Available condition";
}

}  // namespace ra2cert::suites
