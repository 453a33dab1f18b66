// Vendor declarations (`ra2cert run --declarations FILE`): statements about requirements
// no test can check (hardware, process). They are carried into the bundle and always
// shown as "declared", never as verified. The file:
//
//   vendor: Example Networks          # optional
//   declarations:
//     - requirement: ra2.ch.008       # an id from suites/requirements.yaml
//       statement: Every worker has 2 sockets of 24 cores.
//       evidence: Hardware BOM rev. 3  # optional
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/catalogue/requirements.h"
#include "harness/core/result.h"

namespace ra2cert::bundle {

struct Declaration {
  std::string requirement, statement, evidence;
};

struct Declarations {
  std::string vendor;
  std::vector<Declaration> entries;  // file order
};

// Errors (code 2) name the file, line and field: "FILE:7: declarations[1].requirement: ...".
Result<Declarations> ParseDeclarations(const std::string& yaml_text, const std::string& source,
                                       const RequirementSet& requirements);
Result<Declarations> LoadDeclarations(const std::string& path, const RequirementSet& requirements);

// declarations.json: {"schema": "ra2cert.declarations/v1", "vendor", "declarations": [
// {"requirement", "status": "declared", "statement", "evidence"}]}.
nlohmann::json DeclarationsJson(const Declarations& declarations);

}  // namespace ra2cert::bundle
