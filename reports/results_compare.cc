#include "reports/results_compare.h"

#include <filesystem>
#include <map>
#include <sstream>

#include "harness/core/bounded_file.h"

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

constexpr const char* kOutcomes[] = {"Passed", "Failed", "Error", "TimedOut", "Skipped", "NotRun"};

bool IsBad(const std::string& outcome) {
  return outcome == "Failed" || outcome == "Error" || outcome == "TimedOut";
}

bool IsKnownOutcome(const std::string& outcome) {
  for (const char* known : kOutcomes) {
    if (outcome == known) return true;
  }
  return false;
}

Error Malformed(const std::string& where, const std::string& problem) {
  return Error("'" + where + "' is not a usable ra2cert results.json: " + problem, 2);
}

// A list of objects each with a unique, non-empty string "id" and a string `field`
// (checked by `valid` when given).
Status CheckList(const json& results, const char* list, const char* field, bool required,
                 bool (*valid)(const std::string&), const std::string& valid_text,
                 const std::string& where) {
  auto it = results.find(list);
  if (it == results.end()) {
    if (required) return Malformed(where, std::string("it has no \"") + list + "\" list");
    return Ok();
  }
  if (!it->is_array()) return Malformed(where, std::string("\"") + list + "\" is not a list");
  std::map<std::string, size_t> seen;
  for (size_t i = 0; i < it->size(); ++i) {
    const json& item = (*it)[i];
    const std::string at = std::string(list) + "[" + std::to_string(i) + "]";
    if (!item.is_object()) return Malformed(where, at + " is not an object");
    auto id = item.find("id");
    if (id == item.end() || !id->is_string() || id->get<std::string>().empty())
      return Malformed(where, at + " has no \"id\" string");
    auto value = item.find(field);
    if (value == item.end() || !value->is_string())
      return Malformed(where, at + " has no \"" + field + "\" string");
    if (valid != nullptr && !valid(value->get<std::string>())) {
      return Malformed(where, at + "." + field + " '" +
                                  PrintableExcerpt(value->get<std::string>()) + "' is not " +
                                  valid_text);
    }
    auto title = item.find("title");
    if (title != item.end() && !title->is_string())
      return Malformed(where, at + ".title is not a string");
    if (auto [first, inserted] = seen.emplace(id->get<std::string>(), i); !inserted) {
      return Malformed(where, at + " repeats id '" + PrintableExcerpt(id->get<std::string>()) +
                                  "' of " + list + "[" + std::to_string(first->second) + "]");
    }
  }
  return Ok();
}
}  // namespace

bool ResultsDiff::HasRegression() const {
  if (!regressions.empty() || !lost_verifications.empty()) return true;
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
  for (const auto& c : lost_verifications)
    out << "LOST       " << c.id << " " << c.title << ": " << c.before << " -> " << c.after
        << " (no longer verified)\n";
  for (const auto& c : fixes)
    out << "FIXED      " << c.id << " " << c.title << ": " << c.before << " -> " << c.after << "\n";
  for (const auto& c : other_changes)
    out << "CHANGED    " << c.id << " " << c.title << ": " << c.before << " -> " << c.after << "\n";
  for (const auto& id : added) out << "NEW        " << id << "\n";
  for (const auto& id : removed) out << "REMOVED    " << id << "\n";
  for (const auto& r : requirement_changes)
    out << "REQUIREMENT " << r.id << ": " << r.before << " -> " << r.after
        << (r.reason.empty() ? "" : " (" + r.reason + ")") << "\n";
  out << regressions.size() + lost_verifications.size() << " regression(s) ("
      << lost_verifications.size() << " lost verification(s)), " << fixes.size() << " fix(es), "
      << added.size() << " new, " << removed.size() << " removed, " << requirement_changes.size()
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
    if (IsBad(after_outcome) && !IsBad(before_outcome)) {
      diff.regressions.push_back(change);
    } else if (before_outcome == "Passed" && !IsBad(after_outcome)) {
      diff.lost_verifications.push_back(change);  // Skipped or NotRun: nothing checked it
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
  if (results.is_discarded() || !results.is_object()) {
    return Error("'" + where + "' is not a ra2cert results.json (not a JSON object)", 2);
  }
  auto schema = results.find("schema");
  if (schema == results.end() || !schema->is_string() ||
      schema->get<std::string>() != "ra2cert.results/v1") {
    return Error("'" + where + "' is not a ra2cert results.json (schema ra2cert.results/v1)", 2);
  }
  if (auto verdict = results.find("verdict"); verdict != results.end()) {
    if (!verdict->is_object()) return Malformed(where, "\"verdict\" is not an object");
    auto name = verdict->find("verdict");
    if (name != verdict->end() && !name->is_string())
      return Malformed(where, "verdict.verdict is not a string");
  }
  if (auto status =
          CheckList(results, "cases", "outcome", true, IsKnownOutcome,
                    "an outcome (Passed, Failed, Error, TimedOut, Skipped, NotRun)", where);
      !status) {
    return status.error();
  }
  if (auto status = CheckList(results, "requirements", "status", false, nullptr, "", where);
      !status) {
    return status.error();
  }
  return results;
}

Result<json> LoadResults(const std::string& path) {
  std::filesystem::path file = path;
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) file /= "results.json";
  auto text = ReadBoundedFile(file.string(), kResultsFileLimit,
                              "results (give a results.json or the directory a run wrote)");
  if (!text) return text.error();
  return ParseResults(*text, file.string());
}

}  // namespace ra2cert
