#include "reports/results_compare.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace ra2cert {
namespace {
using nlohmann::json;

std::map<std::string, json> ById(const json& list) {
  std::map<std::string, json> by_id;
  if (!list.is_array()) return by_id;
  for (const auto& item : list) {
    if (item.is_object() && item.contains("id") && item["id"].is_string())
      by_id[item["id"].get<std::string>()] = item;
  }
  return by_id;
}

std::string Text(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}
}  // namespace

bool ResultsDiff::HasRegression() const {
  if (!regressions.empty()) return true;
  for (const auto& change : requirement_changes) {
    if (change.before == "verified-pass") return true;
  }
  return false;
}

std::string ResultsDiff::Render() const {
  std::ostringstream out;
  out << "Verdict: " << verdict_before << " -> " << verdict_after << "\n";
  for (const auto& c : regressions)
    out << "REGRESSION " << c.id << " " << c.title << ": " << c.before << " -> " << c.after << "\n";
  for (const auto& c : fixes)
    out << "FIXED      " << c.id << " " << c.title << ": " << c.before << " -> " << c.after << "\n";
  for (const auto& c : other_changes)
    out << "CHANGED    " << c.id << " " << c.title << ": " << c.before << " -> " << c.after << "\n";
  for (const auto& id : added) out << "NEW        " << id << "\n";
  for (const auto& id : removed) out << "REMOVED    " << id << "\n";
  for (const auto& r : requirement_changes)
    out << "REQUIREMENT " << r.id << ": " << r.before << " -> " << r.after
        << (r.reason.empty() ? "" : " (" + r.reason + ")") << "\n";
  out << regressions.size() << " regression(s), " << fixes.size() << " fix(es), " << added.size()
      << " new, " << removed.size() << " removed, " << requirement_changes.size()
      << " requirement verdict change(s)\n";
  return out.str();
}

ResultsDiff CompareResults(const json& before, const json& after) {
  ResultsDiff diff;
  diff.verdict_before = Text(before.value("verdict", json::object()), "verdict");
  diff.verdict_after = Text(after.value("verdict", json::object()), "verdict");
  const auto old_cases = ById(before.value("cases", json::array()));
  const auto new_cases = ById(after.value("cases", json::array()));
  for (const auto& [id, now] : new_cases) {
    auto was = old_cases.find(id);
    if (was == old_cases.end()) {
      diff.added.push_back(id);
      continue;
    }
    const std::string before_outcome = Text(was->second, "outcome");
    const std::string after_outcome = Text(now, "outcome");
    if (before_outcome == after_outcome) continue;
    ResultsDiff::CaseChange change{id, Text(now, "title"), before_outcome, after_outcome};
    if (before_outcome == "Passed") {
      diff.regressions.push_back(change);
    } else if (after_outcome == "Passed") {
      diff.fixes.push_back(change);
    } else {
      diff.other_changes.push_back(change);
    }
  }
  for (const auto& [id, was] : old_cases) {
    if (!new_cases.contains(id)) diff.removed.push_back(id);
  }
  const auto old_requirements = ById(before.value("requirements", json::array()));
  const auto new_requirements = ById(after.value("requirements", json::array()));
  for (const auto& [id, now] : new_requirements) {
    auto was = old_requirements.find(id);
    const std::string before_status =
        was == old_requirements.end() ? "absent" : Text(was->second, "status");
    const std::string after_status = Text(now, "status");
    if (before_status != after_status)
      diff.requirement_changes.push_back({id, before_status, after_status, Text(now, "reason")});
  }
  for (const auto& [id, was] : old_requirements) {
    if (!new_requirements.contains(id))
      diff.requirement_changes.push_back({id, Text(was, "status"), "absent", ""});
  }
  return diff;
}

Result<json> ParseResults(const std::string& text, const std::string& where) {
  json results = json::parse(text, nullptr, false);
  if (results.is_discarded() || !results.is_object() ||
      results.value("schema", "") != "ra2cert.results/v1") {
    return Error("'" + where + "' is not a ra2cert results.json (schema ra2cert.results/v1)");
  }
  return results;
}

Result<json> LoadResults(const std::string& path) {
  std::filesystem::path file = path;
  if (std::filesystem::is_directory(file)) file /= "results.json";
  std::ifstream in(file);
  if (!in)
    return Error("cannot read '" + file.string() +
                 "' (give a results.json or the directory a run wrote)");
  std::stringstream text;
  text << in.rdbuf();
  return ParseResults(text.str(), file.string());
}

}  // namespace ra2cert
