#include "harness/plan/rbac.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>
#include <regex>
#include <set>
#include <tuple>

#include "harness/run/node_agent.h"

namespace ra2cert {
namespace {
using nlohmann::json;
using VerbSet = std::set<std::string>;

std::vector<std::string> Sorted(const VerbSet& set) { return {set.begin(), set.end()}; }

void Emit(YAML::Emitter& out, const json& value) {
  if (value.is_object()) {
    out << YAML::BeginMap;
    for (const auto& [key, item] : value.items()) {
      out << YAML::Key << key << YAML::Value;
      Emit(out, item);
    }
    out << YAML::EndMap;
  } else if (value.is_array()) {
    out << YAML::BeginSeq;
    for (const auto& item : value) Emit(out, item);
    out << YAML::EndSeq;
  } else if (value.is_string()) {
    // Quoted: the core group is the empty string, and no name may turn into a number or
    // a boolean on the way back.
    out << YAML::DoubleQuoted << value.get<std::string>();
  } else {
    out << value.dump();
  }
}

// Kubernetes object names and namespaces (DNS-1123 labels).
const std::regex kDnsLabel(R"([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)");
}  // namespace

std::vector<RbacRule> DeriveRbacRules(const std::vector<const CaseDefinition*>& cases,
                                      const std::vector<ApiAccess>& harness_access) {
  std::map<std::pair<std::string, std::string>, VerbSet> by_resource;  // (group, res[/sub])
  std::map<std::string, VerbSet> by_url;
  auto add = [&](const ApiAccess& access) {
    if (!access.url.empty()) {
      by_url[access.url].insert(access.verbs.begin(), access.verbs.end());
      return;
    }
    const std::string resource =
        access.resource + (access.subresource.empty() ? "" : "/" + access.subresource);
    by_resource[{access.group, resource}].insert(access.verbs.begin(), access.verbs.end());
  };
  for (const auto& access : harness_access) add(access);
  for (const auto* c : cases) {
    for (const auto& access : c->meta.api_access) add(access);
    // On a cluster whose nodes' sockets this machine cannot reach, a CRI case runs through
    // node agents that the harness starts for it.
    const auto& needs = c->meta.needs;
    if (std::find(needs.begin(), needs.end(), "cri") != needs.end()) {
      for (const auto& access : NodeAgentAccess()) add(access);
    }
  }
  // One rule per group and verb set, one per verb set for the URLs: the role stays short
  // and still grants each verb only where it was declared.
  std::map<std::tuple<std::string, VerbSet>, std::vector<std::string>> resource_rules;
  for (const auto& [key, verbs] : by_resource)
    resource_rules[{key.first, verbs}].push_back(key.second);
  std::map<VerbSet, std::vector<std::string>> url_rules;
  for (const auto& [url, verbs] : by_url) url_rules[verbs].push_back(url);
  std::vector<RbacRule> rules;
  rules.reserve(resource_rules.size() + url_rules.size());
  for (const auto& [key, resources] : resource_rules) {
    rules.push_back(
        {.group = std::get<0>(key), .resources = resources, .verbs = Sorted(std::get<1>(key))});
  }
  std::sort(rules.begin(), rules.end(), [](const RbacRule& a, const RbacRule& b) {
    return std::tie(a.group, a.resources) < std::tie(b.group, b.resources);
  });
  std::vector<RbacRule> url_part;
  url_part.reserve(url_rules.size());
  for (const auto& [verbs, urls] : url_rules)
    url_part.push_back({.urls = urls, .verbs = Sorted(verbs)});
  std::sort(url_part.begin(), url_part.end(),
            [](const RbacRule& a, const RbacRule& b) { return a.urls < b.urls; });
  rules.insert(rules.end(), url_part.begin(), url_part.end());
  return rules;
}

Result<ServiceAccountRef> ParseServiceAccount(const std::string& text) {
  const auto slash = text.find('/');
  ServiceAccountRef account;
  if (slash != std::string::npos) {
    account.namespace_ = text.substr(0, slash);
    account.name = text.substr(slash + 1);
  }
  if (!std::regex_match(account.namespace_, kDnsLabel) ||
      !std::regex_match(account.name, kDnsLabel)) {
    return Error("--service-account: '" + text +
                     "' is not NAMESPACE/NAME with both lower-case DNS labels (e.g. "
                     "ra2cert/ra2cert)",
                 2);
  }
  return account;
}

std::vector<json> RbacObjects(const std::vector<RbacRule>& rules,
                              const ServiceAccountRef& account) {
  // Named after the account, so that two accounts get two roles.
  const std::string name = "ra2cert:" + account.namespace_ + ":" + account.name;
  json policy = json::array();
  for (const auto& rule : rules) {
    if (!rule.urls.empty()) {
      policy.push_back({{"nonResourceURLs", rule.urls}, {"verbs", rule.verbs}});
    } else {
      policy.push_back(
          {{"apiGroups", {rule.group}}, {"resources", rule.resources}, {"verbs", rule.verbs}});
    }
  }
  const json labels = {{"app.kubernetes.io/managed-by", "ra2cert"}};
  return {{{"apiVersion", "rbac.authorization.k8s.io/v1"},
           {"kind", "ClusterRole"},
           {"metadata", {{"name", name}, {"labels", labels}}},
           {"rules", policy}},
          {{"apiVersion", "rbac.authorization.k8s.io/v1"},
           {"kind", "ClusterRoleBinding"},
           {"metadata", {{"name", name}, {"labels", labels}}},
           {"roleRef",
            {{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "ClusterRole"}, {"name", name}}},
           {"subjects",
            {{{"kind", "ServiceAccount"},
              {"namespace", account.namespace_},
              {"name", account.name}}}}}};
}

Result<std::string> RenderRbac(const std::vector<json>& objects, const std::string& format) {
  if (format == "json") {
    return json{{"apiVersion", "v1"}, {"kind", "List"}, {"items", objects}}.dump(2) + "\n";
  }
  if (format != "yaml") return Error("--output: '" + format + "' is not one of yaml, json", 2);
  std::string text;
  for (const auto& object : objects) {
    YAML::Emitter out;
    Emit(out, object);
    text += std::string("---\n") + out.c_str() + "\n";
  }
  return text;
}

}  // namespace ra2cert
