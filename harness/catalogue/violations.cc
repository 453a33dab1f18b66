#include "harness/catalogue/violations.h"

#include <yaml-cpp/yaml.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <sstream>

namespace ra2cert {

extern const char* const kBuiltinViolationsYaml;  // generated from violations.yaml

namespace {
std::string Scalar(const YAML::Node& entry, const char* key) {
  const YAML::Node value = entry[key];
  return value && value.IsScalar() ? value.as<std::string>() : std::string();
}
}  // namespace

const Violation* ViolationSet::Find(const std::string& name) const {
  for (const auto& violation : violations) {
    if (violation.name == name) return &violation;
  }
  return nullptr;
}

std::string ViolationSet::Names() const {
  std::string names;
  for (const auto& violation : violations) names += (names.empty() ? "" : ", ") + violation.name;
  return names;
}

Result<ViolationSet> ParseViolations(const std::string& yaml_text, const std::string& source) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    return Error(source + ": not valid YAML: " + e.what());
  }
  const YAML::Node list = root.IsMap() ? root["violations"] : YAML::Node();
  if (!list || !list.IsSequence()) return Error(source + ": 'violations' must be a list");
  ViolationSet set;
  std::set<std::string> seen;
  for (const auto& entry : list) {
    const std::string where = source + ":" + std::to_string(entry.Mark().line + 1);
    if (!entry.IsMap()) return Error(where + ": each violation must be a mapping");
    Violation violation{
        Scalar(entry, "name"),        Scalar(entry, "kind"),     {},
        Scalar(entry, "description"), Scalar(entry, "evidence"), Scalar(entry, "needs"),
        Scalar(entry, "changes")};
    for (auto [key, value] : {std::pair{"name", &violation.name},
                              {"kind", &violation.kind},
                              {"description", &violation.description},
                              {"evidence", &violation.evidence}}) {
      if (value->empty()) return Error(where + ": violation is missing '" + key + "'");
    }
    if (violation.kind != "live" && violation.kind != "spin-up") {
      return Error(where + ": " + violation.name + " has kind '" + violation.kind +
                   "'; use live or spin-up");
    }
    if (violation.kind == "spin-up" && violation.changes.empty()) {
      return Error(where + ": spin-up violation " + violation.name +
                   " is missing 'changes' (the part of the cluster it starts differently)");
    }
    if (violation.kind == "live" && !violation.changes.empty()) {
      return Error(where + ": live violation " + violation.name +
                   " has 'changes'; only spin-up violations name the part they start differently");
    }
    if (const YAML::Node breaks = entry["breaks"]; breaks && breaks.IsSequence()) {
      for (const auto& id : breaks) violation.breaks.push_back(id.as<std::string>());
    }
    if (!seen.insert(violation.name).second) {
      return Error(where + ": violation " + violation.name + " is listed twice");
    }
    set.violations.push_back(std::move(violation));
  }
  return set;
}

const ViolationSet& BuiltinViolations() {
  static const ViolationSet violations = [] {
    auto parsed = ParseViolations(kBuiltinViolationsYaml, "environments/local/violations.yaml");
    if (!parsed) {
      // A broken built-in list is a build defect; its unit test catches it first.
      std::fprintf(stderr, "ra2cert: %s\n", parsed.error().message().c_str());
      std::abort();
    }
    return std::move(parsed).value();
  }();
  return violations;
}

Result<std::vector<std::string>> ParseViolateFlag(const std::string& flag_value,
                                                  const ViolationSet& violations) {
  std::vector<std::string> names;
  std::map<std::string, std::string> changed_by;  // part -> the violation that changes it
  std::stringstream list(flag_value);
  std::string name;
  while (std::getline(list, name, ',')) {
    if (name.empty()) continue;
    const Violation* violation = violations.Find(name);
    if (!violation) {
      return Error("--violate: unknown violation '" + name +
                   "' (see `ra2cert violations list`: " + violations.Names() + ")");
    }
    if (!violation->changes.empty()) {
      auto [first, fresh] = changed_by.emplace(violation->changes, name);
      if (!fresh && first->second != name) {
        return Error("--violate: " + first->second + " and " + name + " both change " +
                     violation->changes + "; give them to separate clusters");
      }
    }
    names.push_back(name);
  }
  if (names.empty()) return Error("--violate: name at least one violation");
  return names;
}

}  // namespace ra2cert
