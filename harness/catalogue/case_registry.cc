#include "harness/catalogue/case_registry.h"

#include <utility>

namespace ra2cert {
namespace {
std::vector<CaseDefinition>& MutableRegistry() {
  static std::vector<CaseDefinition> cases;
  return cases;
}
}  // namespace

const std::vector<CaseDefinition>& RegisteredCases() { return MutableRegistry(); }

CaseRegistrar::CaseRegistrar(const char* gtest_name, const char* file, int line,
                             CaseMetadata meta) {
  MutableRegistry().push_back(CaseDefinition{std::move(meta), gtest_name, file, line});
}

std::string CaseDefinition::Section() const {
  auto last_dot = meta.id.rfind('.');
  if (last_dot == std::string::npos || last_dot == 0) return {};
  return meta.id.substr(0, last_dot);
}

}  // namespace ra2cert
