// What a case (or the harness itself) asks of the Kubernetes API, declared next to the
// code that asks it. `ra2cert rbac` derives the least-privilege ClusterRole from these
// declarations alone, so a call without one shows up as a 403 on a least-privilege run.
#pragma once

#include <initializer_list>
#include <string>
#include <vector>

namespace ra2cert {

struct ApiAccess {
  std::vector<std::string> verbs;  // get, list, watch, create, update, patch, delete ...
  std::string group;               // the API group; empty is the core group
  std::string resource;            // the plural: "pods"
  std::string subresource;         // "log", "proxy", "token"; empty: the object itself
  // Instead of group and resource: a non-resource URL ("/metrics"), for get.
  std::string url;
};

// What is wrong with one declaration (empty when nothing): unknown verbs, wildcards (a
// least-privilege role names what it grants), neither or both of resource and url.
std::vector<std::string> ApiAccessProblems(const ApiAccess& access);

// "get,list pods/log in group apps" / "get /metrics", for messages.
std::string DescribeAccess(const ApiAccess& access);

// The declarations of several helpers a case uses, one after another.
std::vector<ApiAccess> Combine(std::initializer_list<std::vector<ApiAccess>> parts);

}  // namespace ra2cert
