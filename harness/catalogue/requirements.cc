#include "harness/catalogue/requirements.h"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <iostream>
#include <set>

namespace ra2cert {

extern const char* const kBuiltinRequirementsYaml;  // generated from suites/requirements.yaml

namespace {
const std::set<std::string> kKinds = {"must", "should", "may"};
const std::set<std::string> kProfiles = {"any", "basic", "network-intensive"};
const std::set<std::string> kTestable = {"api", "node", "cri", "doc", "hw"};

std::string Where(const std::string& source, const YAML::Node& node) {
  return source + ":" + std::to_string(node.Mark().line + 1);
}

Result<std::string> RequiredString(const YAML::Node& entry, const char* key,
                                   const std::string& where) {
  const YAML::Node value = entry[key];
  if (!value) return Error(where + ": requirement is missing '" + key + "'");
  if (!value.IsScalar()) return Error(where + ": '" + key + "' must be a string");
  return value.as<std::string>();
}
}  // namespace

const Requirement* RequirementSet::Find(const std::string& id) const {
  for (const auto& requirement : requirements) {
    if (requirement.id == id) return &requirement;
  }
  return nullptr;
}

bool RequirementSet::InProfile(const Requirement& requirement, const std::string& profile) {
  return requirement.profile == "any" || requirement.profile == profile;
}

Result<RequirementSet> ParseRequirements(const std::string& yaml_text, const std::string& source) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    return Error(source + ": not valid YAML: " + e.what());
  }
  if (!root.IsMap())
    return Error(source + ": expected a mapping with 'sections' and 'requirements'");
  RequirementSet set;
  const YAML::Node sections = root["sections"];
  if (!sections || !sections.IsMap()) return Error(source + ": 'sections' must be a mapping");
  for (const auto& entry : sections) {
    set.sections[entry.first.as<std::string>()] = entry.second.as<std::string>();
  }
  const YAML::Node list = root["requirements"];
  if (!list || !list.IsSequence()) return Error(source + ": 'requirements' must be a list");
  std::set<std::string> seen;
  for (const auto& entry : list) {
    const std::string where = Where(source, entry);
    if (!entry.IsMap()) return Error(where + ": each requirement must be a mapping");
    Requirement requirement;
    for (auto [key, field] : {std::pair{"id", &requirement.id},
                              {"section", &requirement.section},
                              {"kind", &requirement.kind},
                              {"testable", &requirement.testable},
                              {"text", &requirement.text}}) {
      auto value = RequiredString(entry, key, where);
      if (!value) return value.error();
      *field = std::move(value).value();
    }
    requirement.profile = entry["profile"] ? entry["profile"].as<std::string>() : "any";
    if (entry["uncovered"]) requirement.uncovered = entry["uncovered"].as<std::string>();
    if (!set.sections.contains(requirement.section)) {
      return Error(where + ": " + requirement.id + " names unknown section '" +
                   requirement.section + "'");
    }
    if (!kKinds.contains(requirement.kind)) {
      return Error(where + ": " + requirement.id + " has kind '" + requirement.kind +
                   "'; use must, should or may");
    }
    if (!kProfiles.contains(requirement.profile)) {
      return Error(where + ": " + requirement.id + " has profile '" + requirement.profile +
                   "'; use any, basic or network-intensive");
    }
    if (!kTestable.contains(requirement.testable)) {
      return Error(where + ": " + requirement.id + " has testable '" + requirement.testable +
                   "'; use api, node, cri, doc or hw");
    }
    if (!seen.insert(requirement.id).second) {
      return Error(where + ": requirement id " + requirement.id + " appears twice");
    }
    set.requirements.push_back(std::move(requirement));
  }
  return set;
}

const RequirementSet& BuiltinRequirements() {
  static const RequirementSet set = [] {
    auto parsed = ParseRequirements(kBuiltinRequirementsYaml, "suites/requirements.yaml");
    if (!parsed) {
      // The file is compiled in and covered by a unit test, so this is a build defect.
      std::cerr << "ra2cert: built-in requirements are broken: " << parsed.error().message()
                << "\n";
      std::abort();
    }
    return std::move(parsed).value();
  }();
  return set;
}

}  // namespace ra2cert
