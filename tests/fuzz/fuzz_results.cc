// Fuzz target: results.json as `ra2cert compare` and `ra2cert report` read it (from a run
// directory or a bundle someone sent). Parsing either refuses the input with a readable
// error or yields results that compare to themselves without any change.
#include <cstddef>
#include <cstdint>
#include <string>

#include "reports/results_compare.h"
#include "tests/fuzz/fuzz_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto results = ra2cert::ParseResults(text, "fuzz/results.json");
  if (!results) {
    ra2cert::fuzz::CheckReadableError(results.error().message());
    return 0;
  }
  const ra2cert::ResultsDiff same = ra2cert::CompareResults(*results, *results);
  if (same.HasRegression() || !same.fixes.empty() || !same.added.empty() || !same.removed.empty())
    ra2cert::fuzz::Finding("results differ from themselves", same.Render());
  return 0;
}
