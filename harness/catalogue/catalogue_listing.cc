#include "harness/catalogue/catalogue_listing.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "harness/core/joined.h"

namespace ra2cert {
namespace {
// The source file relative to the project, so listings do not depend on the checkout path.
std::string SourceFile(const CaseDefinition& c) {
  const std::string& file = c.file;
  for (const char* root : {"/suites/", "/tests/", "/harness/"}) {
    auto at = file.rfind(root);
    if (at != std::string::npos) return file.substr(at + 1);
  }
  return std::filesystem::path(file).filename().string();
}

// Each declaration in one line ("get pods/log"), the way `rbac` would grant it.
std::vector<std::string> AccessLines(const CaseDefinition& c) {
  std::vector<std::string> lines;
  for (const auto& access : c.meta.api_access) lines.push_back(DescribeAccess(access));
  return lines;
}

std::string Table(const std::vector<const CaseDefinition*>& cases) {
  size_t title_width = 5;
  for (const auto* c : cases) title_width = std::max(title_width, c->meta.title.size());
  title_width = std::min<size_t>(title_width, 70);
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line, "%-9s %-7s %-*s %-28s %-18s %s\n", "ID", "SECTION",
                static_cast<int>(title_width), "TITLE", "REQUIREMENTS", "NEEDS",
                "FAILS ON (negative controls)");
  out += line;
  for (const auto* c : cases) {
    std::string title = c->meta.title;
    if (title.size() > title_width) title = title.substr(0, title_width - 3) + "...";
    const std::string controls = c->meta.violations.empty() ? "none: " + c->meta.no_violation_reason
                                                            : Joined(c->meta.violations, ",");
    std::snprintf(line, sizeof line, "%-9s %-7s %-*s %-28s %-18s %s\n", c->meta.id.c_str(),
                  c->Section().c_str(), static_cast<int>(title_width), title.c_str(),
                  Joined(c->meta.requirements, ",").c_str(), Joined(c->meta.needs, ",").c_str(),
                  controls.c_str());
    out += line;
  }
  out += std::to_string(cases.size()) + " case(s)\n";
  return out;
}

std::string Json(const std::vector<const CaseDefinition*>& cases) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto* c : cases) {
    list.push_back({{"id", c->meta.id},
                    {"section", c->Section()},
                    {"title", c->meta.title},
                    {"requirements", c->meta.requirements},
                    {"profiles", c->meta.profiles},
                    {"needs", c->meta.needs},
                    {"timeout_seconds", c->meta.timeout.count()},
                    {"violations", c->meta.violations},
                    {"api_access", AccessLines(*c)},
                    {"source", SourceFile(*c)}});
    if (c->meta.no_api_access) list.back()["no_api_access"] = true;
    if (!c->meta.no_violation_reason.empty())
      list.back()["no_violation_reason"] = c->meta.no_violation_reason;
  }
  return list.dump(2) + "\n";
}

std::string Yaml(const std::vector<const CaseDefinition*>& cases) {
  YAML::Emitter out;
  out << YAML::BeginSeq;
  for (const auto* c : cases) {
    out << YAML::BeginMap;
    out << YAML::Key << "id" << YAML::Value << YAML::DoubleQuoted << c->meta.id;
    out << YAML::Key << "section" << YAML::Value << YAML::DoubleQuoted << c->Section();
    out << YAML::Key << "title" << YAML::Value << c->meta.title;
    out << YAML::Key << "requirements" << YAML::Value << YAML::Flow << c->meta.requirements;
    out << YAML::Key << "profiles" << YAML::Value << YAML::Flow << c->meta.profiles;
    out << YAML::Key << "needs" << YAML::Value << YAML::Flow << c->meta.needs;
    out << YAML::Key << "timeout_seconds" << YAML::Value << c->meta.timeout.count();
    out << YAML::Key << "violations" << YAML::Value << YAML::Flow << c->meta.violations;
    if (!c->meta.no_violation_reason.empty()) {
      out << YAML::Key << "no_violation_reason" << YAML::Value << c->meta.no_violation_reason;
    }
    out << YAML::Key << "api_access" << YAML::Value << AccessLines(*c);
    if (c->meta.no_api_access) out << YAML::Key << "no_api_access" << YAML::Value << true;
    out << YAML::Key << "source" << YAML::Value << SourceFile(*c);
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
  return std::string(out.c_str()) + "\n";
}
}  // namespace

Result<std::string> RenderCatalogue(const std::vector<const CaseDefinition*>& cases,
                                    const std::string& format) {
  if (format == "table") return Table(cases);
  if (format == "json") return Json(cases);
  if (format == "yaml") return Yaml(cases);
  return Error("--output: '" + format + "' is not one of table, json, yaml");
}

}  // namespace ra2cert
