#include "reports/bundle/declarations.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <set>
#include <sstream>

#include "harness/core/yaml_text.h"

namespace ra2cert::bundle {
namespace {

std::string At(const std::string& source, const YAML::Node& node) {
  const int line = node.Mark().line;  // -1 for nodes without a position (an empty "[]")
  return source + (line >= 0 ? ":" + std::to_string(line + 1) : "") + ": ";
}

Error Problem(const std::string& source, const YAML::Node& node, const std::string& field,
              const std::string& message) {
  return Error(At(source, node) + field + ": " + message, 2);
}

Result<std::string> Text(const std::string& source, const YAML::Node& node,
                         const std::string& field) {
  if (!node.IsScalar()) return Problem(source, node, field, "expected text");
  std::string text = node.Scalar();
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return Problem(source, node, field, "must not be empty");
  text.erase(text.find_last_not_of(" \t\r\n") + 1);
  return text.substr(first);
}

}  // namespace

Result<Declarations> ParseDeclarations(const std::string& yaml_text, const std::string& source,
                                       const RequirementSet& requirements) {
  if (auto checked = CheckYamlText(yaml_text, source); !checked) return checked.error();
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    return Error(source + ":" + std::to_string(e.mark.line + 1) + ": not valid YAML: " + e.msg, 2);
  }
  if (!root.IsMap()) {
    return Error(source + ": expected a mapping with a 'declarations' list (and optional 'vendor')",
                 2);
  }
  Declarations out;
  YAML::Node list;
  int list_line = -1;
  for (const auto& item : root) {
    const std::string key = item.first.Scalar();
    if (key == "vendor") {
      auto vendor = Text(source, item.second, "vendor");
      if (!vendor) return vendor.error();
      out.vendor = *vendor;
    } else if (key == "declarations") {
      list = item.second;
      list_line = item.first.Mark().line;
    } else {
      return Problem(source, item.first, key, "unknown key (expected 'vendor' or 'declarations')");
    }
  }
  if (list_line < 0) return Error(source + ": 'declarations' is missing", 2);
  if (!list.IsSequence() || list.size() == 0) {
    return Error(
        source + ":" + std::to_string(list_line + 1) + ": declarations: expected a non-empty list",
        2);
  }
  std::set<std::string> seen;
  for (size_t i = 0; i < list.size(); ++i) {
    const YAML::Node entry = list[i];
    const std::string where = "declarations[" + std::to_string(i) + "]";
    if (!entry.IsMap()) {
      return Problem(source, entry, where,
                     "expected a mapping with requirement, statement and optional evidence");
    }
    Declaration declaration;
    bool has_requirement = false, has_statement = false;
    for (const auto& field : entry) {
      const std::string key = field.first.Scalar();
      const std::string name = std::string(where).append(".").append(key);
      if (key != "requirement" && key != "statement" && key != "evidence") {
        return Problem(source, field.first, name,
                       "unknown field (expected requirement, statement, evidence)");
      }
      auto text = Text(source, field.second, name);
      if (!text) return text.error();
      if (key == "requirement") {
        if (requirements.Find(*text) == nullptr) {
          return Problem(source, field.second, name,
                         "unknown requirement '" + *text + "' (see suites/requirements.yaml)");
        }
        if (!seen.insert(*text).second) {
          return Problem(source, field.second, name, "'" + *text + "' is declared twice");
        }
        declaration.requirement = *text;
        has_requirement = true;
      } else if (key == "statement") {
        declaration.statement = *text;
        has_statement = true;
      } else {
        declaration.evidence = *text;
      }
    }
    if (!has_requirement) return Problem(source, entry, where + ".requirement", "missing");
    if (!has_statement) return Problem(source, entry, where + ".statement", "missing");
    out.entries.push_back(std::move(declaration));
  }
  return out;
}

Result<Declarations> LoadDeclarations(const std::string& path, const RequirementSet& requirements) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error("--declarations " + path + ": cannot be read", 2);
  std::stringstream text;
  text << in.rdbuf();
  return ParseDeclarations(text.str(), path, requirements);
}

nlohmann::json DeclarationsJson(const Declarations& declarations) {
  nlohmann::json entries = nlohmann::json::array();
  for (const auto& d : declarations.entries) {
    nlohmann::json entry = {
        {"requirement", d.requirement}, {"status", "declared"}, {"statement", d.statement}};
    if (!d.evidence.empty()) entry["evidence"] = d.evidence;
    entries.push_back(std::move(entry));
  }
  return {{"schema", "ra2cert.declarations/v1"},
          {"vendor", declarations.vendor},
          {"declarations", entries}};
}

}  // namespace ra2cert::bundle
