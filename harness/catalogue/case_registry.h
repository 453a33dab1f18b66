// Cases register themselves at static-initialisation time, the way GoogleTest's TEST
// does; the registry only collects, the Catalogue validates.
#pragma once

#include <vector>

#include "harness/catalogue/case_metadata.h"

namespace ra2cert {

const std::vector<CaseDefinition>& RegisteredCases();

class CaseRegistrar {
 public:
  CaseRegistrar(const char* gtest_name, const char* file, int line, CaseMetadata meta);
};

}  // namespace ra2cert
