// `ra2cert list`: the catalogue as a table for people, or JSON/YAML for tools (the
// golden listing in suites/catalogue.golden.yaml is the YAML form).
#pragma once

#include <string>
#include <vector>

#include "harness/catalogue/case_metadata.h"
#include "harness/core/result.h"

namespace ra2cert {

Result<std::string> RenderCatalogue(const std::vector<const CaseDefinition*>& cases,
                                    const std::string& format);

}  // namespace ra2cert
