#include "harness/catalogue/api_access.h"

#include <algorithm>
#include <array>
#include <regex>
#include <string_view>

namespace ra2cert {
namespace {
// The verbs RBAC authorises for resources (the special ones, impersonate, bind, escalate,
// approve, sign, use, are never what a certification run needs).
constexpr std::array<std::string_view, 8> kResourceVerbs = {
    "get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"};

// DNS-label-like names: what Kubernetes allows for resource plurals, subresources and
// API groups (a group may contain dots).
const std::regex kName(R"([a-z0-9]([-a-z0-9]*[a-z0-9])?)");
const std::regex kGroup(R"([a-z0-9]([-a-z0-9.]*[a-z0-9])?)");
}  // namespace

std::vector<std::string> ApiAccessProblems(const ApiAccess& access) {
  std::vector<std::string> problems;
  if (access.verbs.empty()) problems.push_back("names no verb");
  const bool is_url = !access.url.empty();
  for (const auto& verb : access.verbs) {
    if (verb == "*") {
      problems.push_back("uses the verb wildcard '*' (name each verb)");
    } else if (is_url ? verb != "get"
                      : std::find(kResourceVerbs.begin(), kResourceVerbs.end(), verb) ==
                            kResourceVerbs.end()) {
      problems.push_back("unknown verb '" + verb + "' (" +
                         (is_url ? std::string("a URL takes get")
                                 : std::string("use get, list, watch, create, update, patch, "
                                               "delete or deletecollection")) +
                         ")");
    }
  }
  if (is_url) {
    if (!access.resource.empty() || !access.group.empty() || !access.subresource.empty())
      problems.push_back("names both a URL and a resource (declare them apart)");
    if (access.url.front() != '/' || access.url.find('*') < access.url.size() - 1)
      problems.push_back("URL '" + access.url + "' must start with '/' and may only end in '*'");
    return problems;
  }
  if (access.resource.empty()) {
    problems.push_back("names neither a resource nor a URL");
  } else if (!std::regex_match(access.resource, kName)) {
    problems.push_back("resource '" + access.resource +
                       "' is not a lower-case plural (a subresource goes in .subresource)");
  }
  if (!access.subresource.empty() && !std::regex_match(access.subresource, kName))
    problems.push_back("subresource '" + access.subresource + "' is not a lower-case name");
  if (!access.group.empty() && !std::regex_match(access.group, kGroup))
    problems.push_back("API group '" + access.group + "' is not a group name (core is empty)");
  return problems;
}

std::string DescribeAccess(const ApiAccess& access) {
  std::string verbs;
  for (const auto& verb : access.verbs) verbs += (verbs.empty() ? "" : ",") + verb;
  if (!access.url.empty()) return verbs + " " + access.url;
  std::string text = verbs + " " + access.resource;
  if (!access.subresource.empty()) text += "/" + access.subresource;
  if (!access.group.empty()) text += " in group " + access.group;
  return text;
}

std::vector<ApiAccess> Combine(std::initializer_list<std::vector<ApiAccess>> parts) {
  std::vector<ApiAccess> all;
  for (const auto& part : parts) all.insert(all.end(), part.begin(), part.end());
  return all;
}

}  // namespace ra2cert
