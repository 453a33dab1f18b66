// JUnit XML for CI systems. The default flavour validates against the strict Ant JUnit
// schema (reports/junit-strict.xsd): requirement ids, sections and file:line live in
// suite-level properties and in the failure text. The extended flavour adds per-case
// <properties> and file/line attributes, which GitLab and Jenkins also read.
#pragma once

#include <string>

#include "harness/results/run_result.h"

namespace ra2cert {

enum class JUnitFlavor { kStrict, kExtended };

struct JUnitOptions {
  JUnitFlavor flavor = JUnitFlavor::kStrict;
  std::string output_dir;  // where the case logs are, for log tails in failures
  size_t max_text_bytes = size_t{64} * 1024;
};

std::string RenderJUnit(const RunResult& run, const JUnitOptions& options);

}  // namespace ra2cert
