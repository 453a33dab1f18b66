// Fuzz target: the YAML run configuration (`ra2cert run --config FILE`). Any input ends in
// options or an error naming the file; never a crash, a hang or unbounded memory (YAML
// alias bombs, deep nesting, huge numbers).
#include <cstddef>
#include <cstdint>
#include <string>

#include "harness/config/config_file.h"
#include "tests/fuzz/fuzz_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path =
      ra2cert::fuzz::InputFile("run-config.yaml", {reinterpret_cast<const char*>(data), size});
  ra2cert::RunSettings settings;
  const auto applied = ra2cert::ApplyConfigFile(path, settings);
  if (!applied) {
    ra2cert::fuzz::CheckReadableError(applied.error().message());
    if (applied.error().message().find(path) == std::string::npos)
      ra2cert::fuzz::Finding("a config error that does not name the file",
                             applied.error().message());
    return 0;
  }
  const ra2cert::RunOptions& options = settings.options;
  if (!(options.timeout_multiplier >= 0.1 && options.timeout_multiplier <= 100) ||
      options.parallel < 1 || options.retries < 0 ||
      !(options.stop_grace_seconds >= 0 && options.stop_grace_seconds <= 600))
    ra2cert::fuzz::Finding("a config accepted with an unusable value", "");
  return 0;
}
