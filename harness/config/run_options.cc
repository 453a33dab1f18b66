#include "harness/config/run_options.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include "harness/cri/cri_endpoints.h"

namespace ra2cert {
namespace {

std::string Where(const std::string& path, const YAML::Node& node, const std::string& key) {
  return path + ":" + std::to_string(node.Mark().line + 1) + ": key '" + key + "'";
}

template <typename T>
Status Read(const YAML::Node& node, const std::string& where, const char* type_name, T& out) {
  if (!node.IsScalar()) return Error(where + ": expected " + type_name);
  try {
    out = node.as<T>();
  } catch (const YAML::Exception&) {
    return Error(where + ": expected " + type_name + ", got '" + node.Scalar() + "'");
  }
  return Ok();
}

Status ReadStringList(const YAML::Node& node, const std::string& where,
                      std::vector<std::string>& out) {
  out.clear();
  if (node.IsScalar()) {
    out.push_back(node.Scalar());
    return Ok();
  }
  if (!node.IsSequence()) return Error(where + ": expected a string or a list of strings");
  for (const auto& item : node) {
    if (!item.IsScalar()) return Error(where + ": every item must be a string");
    out.push_back(item.Scalar());
  }
  return Ok();
}

using Applier = std::function<Status(const YAML::Node&, const std::string&, RunOptions&)>;

const std::map<std::string, Applier>& Appliers() {
  static const std::map<std::string, Applier> appliers = {
      {"kubeconfig",
       [](auto& n, auto& w, RunOptions& o) { return Read(n, w, "a path", o.kubeconfig); }},
      {"context",
       [](auto& n, auto& w, RunOptions& o) { return Read(n, w, "a context name", o.context); }},
      {"profile", [](auto& n, auto& w,
                     RunOptions& o) { return Read(n, w, "a profile name", o.selection.profile); }},
      {"sections",
       [](auto& n, auto& w, RunOptions& o) { return ReadStringList(n, w, o.selection.sections); }},
      {"focus",
       [](auto& n, auto& w, RunOptions& o) {
         return Read(n, w, "a regular expression", o.selection.focus);
       }},
      {"skip", [](auto& n, auto& w,
                  RunOptions& o) { return Read(n, w, "a regular expression", o.selection.skip); }},
      {"parallel",
       [](auto& n, auto& w, RunOptions& o) { return Read(n, w, "a whole number", o.parallel); }},
      {"retries",
       [](auto& n, auto& w, RunOptions& o) { return Read(n, w, "a whole number", o.retries); }},
      {"timeout-multiplier",
       [](auto& n, auto& w, RunOptions& o) {
         return Read(n, w, "a number", o.timeout_multiplier);
       }},
      {"stop-grace",
       [](auto& n, auto& w, RunOptions& o) {
         return Read(n, w, "a number of seconds", o.stop_grace_seconds);
       }},
      {"output-dir",
       [](auto& n, auto& w, RunOptions& o) { return Read(n, w, "a path", o.output_dir); }},
      {"junit-flavor",
       [](auto& n, auto& w, RunOptions& o) {
         return Read(n, w, "strict or extended", o.junit_flavor);
       }},
      {"image-registry",
       [](auto& n, auto& w, RunOptions& o) {
         return Read(n, w, "a registry host[:port]", o.image_registry);
       }},
      {"cri-endpoints",
       [](auto& n, auto& w, RunOptions& o) {
         return Read(n, w, "NODE=unix:///path[,NODE=...]", o.cri_endpoints);
       }},
      {"sign-key",
       [](auto& n, auto& w, RunOptions& o) { return Read(n, w, "a path", o.sign_key); }},
      {"signer",
       [](auto& n, auto& w, RunOptions& o) { return Read(n, w, "a command line", o.signer); }},
      {"declarations",
       [](auto& n, auto& w, RunOptions& o) { return Read(n, w, "a path", o.declarations); }},
      {"dry-run",
       [](auto& n, auto& w, RunOptions& o) { return Read(n, w, "true or false", o.dry_run); }},
  };
  return appliers;
}

std::string KnownKeys() {
  std::string keys;
  for (const auto& [key, applier] : Appliers()) keys += (keys.empty() ? "" : ", ") + key;
  return keys;
}
}  // namespace

Status RunOptions::Validate() const {
  if (parallel < 1 || parallel > 64) return Error("--parallel: must be between 1 and 64");
  if (retries < 0 || retries > 10) return Error("--retries: must be between 0 and 10");
  if (!(timeout_multiplier > 0)) return Error("--timeout-multiplier: must be positive");
  if (!(stop_grace_seconds >= 0)) return Error("--stop-grace: must be zero or more seconds");
  if (junit_flavor != "strict" && junit_flavor != "extended") {
    return Error("--junit-flavor: '" + junit_flavor + "' is not strict or extended");
  }
  if (output_dir.empty()) return Error("--output-dir: must not be empty");
  if (!cri_endpoints.empty()) {
    auto endpoints = cri::ParseEndpoints(cri_endpoints);
    if (!endpoints) return Error("--cri-endpoints: " + endpoints.error().message());
    if (endpoints->empty()) return Error("--cri-endpoints: names no node");
  }
  return Ok();
}

Status ApplyConfigFile(const std::string& path, RunOptions& options) {
  std::ifstream in(path);
  if (!in) return Error("--config: cannot read '" + path + "' (does the file exist?)");
  std::stringstream text;
  text << in.rdbuf();
  YAML::Node root;
  try {
    root = YAML::Load(text.str());
  } catch (const YAML::Exception& e) {
    return Error(path + ": not valid YAML: " + e.what());
  }
  if (root.IsNull()) return Ok();
  if (!root.IsMap()) return Error(path + ": expected a mapping of settings (key: value)");
  const std::string folder = std::filesystem::path(path).parent_path().string();
  for (const auto& entry : root) {
    const std::string key = entry.first.Scalar();
    auto applier = Appliers().find(key);
    if (applier == Appliers().end()) {
      return Error(Where(path, entry.first, key) + ": unknown setting (known: " + KnownKeys() +
                   ")");
    }
    if (auto status = applier->second(entry.second, Where(path, entry.second, key), options);
        !status) {
      return status;
    }
  }
  // A relative path in a config file means relative to that file, as kubectl does for
  // kubeconfig paths. (output-dir stays relative to where ra2cert runs.)
  for (auto [key, target] :
       {std::pair<const char*, std::string*>{"kubeconfig", &options.kubeconfig},
        {"sign-key", &options.sign_key},
        {"declarations", &options.declarations}}) {
    if (root[key] && !target->empty() && std::filesystem::path(*target).is_relative() &&
        !folder.empty()) {
      *target = (std::filesystem::path(folder) / *target).string();
    }
  }
  return Ok();
}

}  // namespace ra2cert
