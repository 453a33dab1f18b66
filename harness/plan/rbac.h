// The least-privilege RBAC a run needs, derived from what the selected cases and the
// harness declare (CaseMetadata::api_access, AttachApiAccess): merged, sorted, and never
// kept by hand beside the declarations.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/catalogue/api_access.h"
#include "harness/catalogue/case_metadata.h"
#include "harness/core/result.h"

namespace ra2cert {

// One PolicyRule of the ClusterRole: resources of one group granted the same verbs, or
// non-resource URLs granted the same verbs.
struct RbacRule {
  std::string group;                   // resource rules only
  std::vector<std::string> resources;  // "pods", "pods/log"; sorted
  std::vector<std::string> urls;       // non-resource rules only; sorted
  std::vector<std::string> verbs;      // sorted
  bool operator==(const RbacRule&) const = default;
};

// Every verb on every resource or URL any of them declares, and nothing else. The rules are
// sorted: resource rules by group then resources, then the non-resource ones.
std::vector<RbacRule> DeriveRbacRules(const std::vector<const CaseDefinition*>& cases,
                                      const std::vector<ApiAccess>& harness_access);

struct ServiceAccountRef {
  std::string namespace_, name;
};
// "NAMESPACE/NAME" as --service-account takes it; errors (code 2) name the flag.
Result<ServiceAccountRef> ParseServiceAccount(const std::string& text);

// The ClusterRole and the ClusterRoleBinding that grants it to the ServiceAccount. Cluster
// wide: the cases create their namespaces under random names, and read nodes.
std::vector<nlohmann::json> RbacObjects(const std::vector<RbacRule>& rules,
                                        const ServiceAccountRef& account);

// "yaml": the objects as a YAML stream; "json": a v1 List. Both `kubectl apply -f`-able.
Result<std::string> RenderRbac(const std::vector<nlohmann::json>& objects,
                               const std::string& format);

}  // namespace ra2cert
