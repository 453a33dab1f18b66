// The YAML config file of `run` and `matrix` (--config): a mapping whose keys are the run
// flags without dashes (harness/config/run_settings.h). Anything that is not exactly that
// is refused with the file, the line and the key: unknown or duplicate keys, wrong types,
// numbers out of range, empty values, a file that is not a regular file or too large.
#pragma once

#include <string>
#include <vector>

#include "harness/config/run_settings.h"
#include "harness/core/result.h"

namespace ra2cert {

// A key the file set, and where ("run.yaml:3: key 'parallel'") for later messages.
struct ConfigKey {
  const RunSetting* setting = nullptr;
  std::string where;
};

// Applies the file's keys onto `settings` and returns them in file order. Relative paths
// (kubeconfig, state-dir, sign-key, declarations) are made relative to the file's folder,
// as kubectl does for kubeconfig paths. Errors carry code 2.
Result<std::vector<ConfigKey>> ApplyConfigFile(const std::string& path, RunSettings& settings);

}  // namespace ra2cert
