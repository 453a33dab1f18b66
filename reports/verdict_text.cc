#include "reports/verdict_text.h"

#include <algorithm>
#include <vector>

namespace ra2cert {
namespace {
using nlohmann::json;

// Type-checked reads: a hand-edited or foreign file must not throw.
std::string Text(const json& object, const char* key) {
  if (!object.is_object()) return "";
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string Count(const json& object, const char* key) {
  if (!object.is_object()) return "0";
  const auto it = object.find(key);
  return it != object.end() && it->is_number_integer() ? std::to_string(it->get<long long>()) : "0";
}

const json& List(const json& object, const char* key) {
  static const json empty = json::array();
  if (!object.is_object()) return empty;
  const auto it = object.find(key);
  return it != object.end() && it->is_array() ? *it : empty;
}
}  // namespace

std::string RenderVerdictText(const json& verdict, size_t max_listed) {
  std::string text = "Profile " + Text(verdict, "profile") + ": " + Text(verdict, "verdict") +
                     " (must requirements: " + Count(verdict, "must_verified_pass") +
                     " verified-pass, " + Count(verdict, "must_verified_fail") +
                     " verified-fail, " + Count(verdict, "must_not_verified") + " not-verified, ";
  if (verdict.is_object() && verdict.contains("must_not_covered"))
    text += Count(verdict, "must_not_covered") + " not-covered, ";
  text += Count(verdict, "must_not_applicable") + " not-applicable of " +
          Count(verdict, "must_total") + ")\n";

  size_t id_width = 0;
  for (const auto& b : List(verdict, "blocking"))
    id_width = std::max(id_width, Text(b, "id").size());
  // The run's own blockers first: a cut-off list must not hide an interruption.
  std::vector<std::string> lines;
  for (const auto& reason : List(verdict, "run_blockers")) {
    if (reason.is_string()) lines.push_back(reason.get<std::string>());
  }
  for (const auto& b : List(verdict, "blocking")) {
    std::string id = Text(b, "id"), status = Text(b, "status");
    id.resize(id_width, ' ');
    status.resize(std::max<size_t>(status.size(), 13), ' ');
    lines.push_back(id + "  " + status + "  " + Text(b, "reason"));
  }
  if (lines.empty()) return text;
  text += "Kept from conformant by:\n";
  for (size_t i = 0; i < lines.size() && i < max_listed; ++i) text += "  " + lines[i] + "\n";
  if (lines.size() > max_listed) {
    text += "  ... and " + std::to_string(lines.size() - max_listed) +
            " more (results.json and report.html list them all)\n";
  }
  return text;
}

}  // namespace ra2cert
