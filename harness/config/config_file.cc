#include "harness/config/config_file.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <map>

#include "harness/core/bounded_file.h"
#include "harness/core/yaml_text.h"

namespace ra2cert {
namespace {

constexpr int kConfigurationError = 2;

std::string Where(const std::string& path, const YAML::Node& node, const std::string& key) {
  return path + ":" + std::to_string(node.Mark().line + 1) + ": key '" + PrintableExcerpt(key) +
         "'";
}

Error Problem(const std::string& where, const std::string& problem) {
  return Error(where + ": " + problem, kConfigurationError);
}

Status ReadString(const YAML::Node& node, const std::string& where, std::string& out) {
  if (node.IsNull()) return Problem(where, "has no value: give one or leave the key out");
  if (!node.IsScalar()) return Problem(where, "expected a single value (a string)");
  out = node.Scalar();
  if (out.empty()) return Problem(where, "is empty: give a value or leave the key out");
  if (out.find('\0') != std::string::npos) return Problem(where, "contains a NUL byte");
  return Ok();
}

Status ReadStringList(const YAML::Node& node, const std::string& where,
                      std::vector<std::string>& out) {
  out.clear();
  if (node.IsScalar()) {
    std::string item;
    if (auto read = ReadString(node, where, item); !read) return read;
    out.push_back(item);
    return Ok();
  }
  if (!node.IsSequence()) return Problem(where, "expected a string or a list of strings");
  if (node.size() == 0) return Problem(where, "is an empty list: give items or leave the key out");
  for (const auto& item : node) {
    if (!item.IsScalar()) return Problem(where, "every item must be a string");
    if (item.Scalar().empty()) return Problem(where, "has an empty item");
    out.push_back(item.Scalar());
  }
  return Ok();
}

Status ReadNumber(const YAML::Node& node, const std::string& where, const RunSetting& setting,
                  double& out) {
  if (!node.IsScalar()) {
    return Problem(where, std::string("expected ") +
                              (IsWholeNumber(setting) ? "a whole number" : "a number") + " from " +
                              RangeText(setting));
  }
  auto number = ParseSettingNumber(setting, node.Scalar());
  if (!number) {
    return Problem(where, "'" + PrintableExcerpt(node.Scalar()) + "': " + number.error().message());
  }
  out = *number;
  return Ok();
}

Status ReadBool(const YAML::Node& node, const std::string& where, bool& out) {
  bool value = false;
  if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value)) {
    return Problem(where, "expected true or false");
  }
  out = value;
  return Ok();
}

// Reads a config value into the field a setting names, by the field's type.
struct ApplyValue {
  const RunSetting& setting;
  const YAML::Node& node;
  const std::string& where;
  RunSettings& target;
  Status operator()(SettingField<std::string> field) const {
    return ReadString(node, where, field(target));
  }
  Status operator()(SettingField<std::vector<std::string>> field) const {
    return ReadStringList(node, where, field(target));
  }
  Status operator()(SettingField<int> field) const {
    double number = 0;
    if (auto read = ReadNumber(node, where, setting, number); !read) return read;
    field(target) = static_cast<int>(number);
    return Ok();
  }
  Status operator()(SettingField<double> field) const {
    return ReadNumber(node, where, setting, field(target));
  }
  Status operator()(SettingField<bool> field) const { return ReadBool(node, where, field(target)); }
};

Result<YAML::Node> Parse(const std::string& path, const std::string& text) {
  if (auto checked = CheckYamlText(text, path); !checked) return checked.error();
  try {
    // Load() would read the first document and drop the rest without a word.
    std::vector<YAML::Node> documents = YAML::LoadAll(text);
    if (documents.size() > 1) {
      return Error(path + ": holds " + std::to_string(documents.size()) +
                       " YAML documents (---); keep one mapping of settings",
                   kConfigurationError);
    }
    return documents.empty() ? YAML::Node() : documents.front();
  } catch (const YAML::Exception& e) {
    return Error(path + ": not valid YAML: " + PrintableExcerpt(e.what(), 200),
                 kConfigurationError);
  } catch (const std::exception& e) {
    return Error(path + ": cannot be read as YAML: " + PrintableExcerpt(e.what(), 200),
                 kConfigurationError);
  }
}
}  // namespace

Result<std::vector<ConfigKey>> ApplyConfigFile(const std::string& path, RunSettings& settings) {
  auto text = ReadBoundedFile(path, kConfigFileLimit, "--config file");
  if (!text) return text.error();
  auto parsed = Parse(path, *text);
  if (!parsed) return parsed.error();
  const YAML::Node& root = *parsed;
  std::vector<ConfigKey> keys;
  if (root.IsNull()) return keys;
  if (!root.IsMap()) {
    return Error(path + ": expected a mapping of settings (key: value), one per line",
                 kConfigurationError);
  }
  const std::string folder = std::filesystem::path(path).parent_path().string();
  // yaml-cpp keeps every entry of a mapping, duplicates included: the first one seen
  // wins a lookup, so a second one would be ignored without this check.
  std::map<const RunSetting*, std::string> seen;
  for (const auto& entry : root) {
    if (!entry.first.IsScalar()) {
      return Error(path + ":" + std::to_string(entry.first.Mark().line + 1) +
                       ": a key must be a plain name (known keys: " + RunSettingKeys() + ")",
                   kConfigurationError);
    }
    const std::string key = entry.first.Scalar();
    const std::string where = Where(path, entry.first, key);
    const RunSetting* setting = FindRunSetting(key);
    if (setting == nullptr)
      return Problem(where, "unknown setting (known: " + RunSettingKeys() + ")");
    if (auto [first, inserted] = seen.emplace(setting, where); !inserted) {
      return Problem(where, "is given twice (first at " + first->second + "): keep one");
    }
    if (auto applied =
            std::visit(ApplyValue{*setting, entry.second, where, settings}, setting->target);
        !applied)
      return applied.error();
    if (setting->relative_to_config && !folder.empty()) {
      if (auto* field = std::get_if<SettingField<std::string>>(&setting->target)) {
        std::string& value = (*field)(settings);
        if (std::filesystem::path(value).is_relative())
          value = (std::filesystem::path(folder) / value).string();
      }
    }
    keys.push_back({setting, where});
  }
  return keys;
}

}  // namespace ra2cert
