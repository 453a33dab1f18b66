#include "suites/4.2/node_sizing.h"

#include <cstdio>
#include <optional>

#include "suites/4.9/resource_usage.h"

namespace ra2cert::suites {
namespace {

struct Figure {
  const char* resource;  // key in status.capacity
  const char* what;      // as the report says it
  double minimum;        // in the resource's base unit
  double unit;           // what one printed unit is
  const char* unit_name;
  const char* requirement;
};

constexpr double kGb = 1e9;
constexpr Figure kFigures[] = {
    {"cpu", "CPU", 16, 1, "", "ra2.ch.011"},
    {"memory", "memory", 32 * kGb, kGb, " GB", "ra2.ch.012"},
    {"ephemeral-storage", "local filesystem", 320 * kGb, kGb, " GB", "ra2.ch.010"},
};

std::string Amount(double value, const Figure& figure) {
  char text[48];
  std::snprintf(text, sizeof text, "%.4g%s", value / figure.unit, figure.unit_name);
  return text;
}

}  // namespace

NodeSizing JudgeNodeSizing(const kube::json& node) {
  NodeSizing sizing;
  const kube::json capacity =
      node.is_object()
          ? node.value("status", kube::json::object()).value("capacity", kube::json::object())
          : kube::json::object();
  for (const auto& figure : kFigures) {
    const kube::json value =
        capacity.is_object() ? capacity.value(figure.resource, kube::json()) : kube::json();
    const std::optional<double> parsed =
        value.is_string() ? ParseQuantity(value.get<std::string>()) : std::nullopt;
    if (!sizing.figures.empty()) sizing.figures += ", ";
    if (!parsed.has_value()) {
      sizing.figures += std::string("no ") + figure.what + " figure";
      sizing.shortfalls.push_back(std::string("publishes no ") + figure.what + " capacity (" +
                                  figure.requirement + ")");
      continue;
    }
    const double amount = parsed.value_or(0);
    sizing.figures += Amount(amount, figure) + " " + figure.what;
    if (amount < figure.minimum) {
      sizing.shortfalls.push_back(Amount(amount, figure) + " " + figure.what + ", below " +
                                  Amount(figure.minimum, figure) + " (" + figure.requirement + ")");
    }
  }
  return sizing;
}

}  // namespace ra2cert::suites
