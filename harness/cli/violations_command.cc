#include <yaml-cpp/yaml.h>

#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

#include "harness/catalogue/case_registry.h"
#include "harness/catalogue/catalogue.h"
#include "harness/catalogue/violations.h"
#include "harness/cli/commands.h"
#include "harness/core/joined.h"

namespace ra2cert::cli {
int RunViolationsList(const std::string& format) {
  auto catalogue = BuildCatalogue(RegisteredCases(), BuiltinRequirements());
  if (!catalogue) return UsageError(catalogue.error().message());
  std::map<std::string, std::vector<std::string>> cases;  // violation -> case ids
  for (const auto& c : catalogue->cases) {
    for (const auto& name : c.meta.violations) cases[name].push_back(c.meta.id);
  }
  const auto& violations = BuiltinViolations().violations;
  if (format == "json") {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& v : violations) {
      list.push_back({{"name", v.name},
                      {"kind", v.kind},
                      {"breaks", v.breaks},
                      {"description", v.description},
                      {"evidence", v.evidence},
                      {"needs", v.needs},
                      {"changes", v.changes},
                      {"cases", cases[v.name]}});
    }
    std::printf("%s\n", list.dump(2).c_str());
  } else if (format == "yaml") {
    YAML::Emitter out;
    out << YAML::BeginSeq;
    for (const auto& v : violations) {
      out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << v.name;
      out << YAML::Key << "kind" << YAML::Value << v.kind;
      out << YAML::Key << "breaks" << YAML::Value << YAML::Flow << v.breaks;
      out << YAML::Key << "description" << YAML::Value << v.description;
      out << YAML::Key << "evidence" << YAML::Value << v.evidence;
      if (!v.changes.empty()) out << YAML::Key << "changes" << YAML::Value << v.changes;
      out << YAML::Key << "cases" << YAML::Value << YAML::Flow << cases[v.name];
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
    std::printf("%s\n", out.c_str());
  } else if (format == "table") {
    std::printf("%-28s %-8s %-34s %s\n", "NAME", "KIND", "CASES THAT MUST FAIL", "WHAT IS DONE");
    for (const auto& v : violations) {
      std::printf("%-28s %-8s %-34s %s\n", v.name.c_str(), v.kind.c_str(),
                  Joined(cases[v.name], ",").c_str(), v.description.c_str());
    }
    std::printf(
        "%zu violation(s); apply: ra2cert cluster up --violate NAME (spin-up), "
        "ra2cert cluster violate NAME (live)\n",
        violations.size());
    for (const auto& c : catalogue->cases) {
      if (c.meta.violations.empty()) {
        std::printf("case %s has no negative control: %s\n", c.meta.id.c_str(),
                    c.meta.no_violation_reason.c_str());
      }
    }
  } else {
    return UsageError("--output: '" + format + "' is not one of table, json, yaml");
  }
  return 0;
}

}  // namespace ra2cert::cli
