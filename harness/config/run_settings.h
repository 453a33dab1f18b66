// The one table of `run`'s settings. Each row is a flag (`--parallel`) and, spelled without
// the dashes, a key of the YAML config file (`parallel:`); the CLI registers its flags from
// it and the config loader reads its keys from it, so the two cannot drift apart.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "environments/local/local_cluster.h"
#include "harness/config/run_options.h"
#include "harness/core/result.h"

namespace ra2cert {

// Everything a `run` (or a `matrix` of runs) can be told.
struct RunSettings {
  RunOptions options;
  bool local = false;
  bool keep_cluster = false;
  LocalClusterOptions local_options;
};

// Where a setting means something.
enum class SettingUse {
  kRunAndMatrix,  // every run
  kAttachedRun,   // `run` only; `matrix` always spins up its own clusters
  kLocalCluster,  // `run --local` and `matrix`: shapes the cluster that is spun up
  kLocalRun,      // `run --local` only
};

template <typename T>
using SettingField = T& (*)(RunSettings&);
using SettingTarget =
    std::variant<SettingField<std::string>, SettingField<std::vector<std::string>>,
                 SettingField<int>, SettingField<double>, SettingField<bool>>;

struct RunSetting {
  std::string_view key;    // the flag without "--", and the config file's key
  std::string_view alias;  // an older config key still accepted, or empty
  SettingUse use = SettingUse::kRunAndMatrix;
  SettingTarget target;
  std::string_view help;
  double min = 0, max = 0;          // numbers: the accepted range (inclusive)
  bool relative_to_config = false;  // a relative path in the config file is relative to it
};

std::span<const RunSetting> RunSettingTable();
const RunSetting* FindRunSetting(std::string_view key_or_alias);
std::string RunSettingKeys();  // "kubeconfig, context, ..." for messages

bool IsNumber(const RunSetting& setting);
bool IsWholeNumber(const RunSetting& setting);
// "1 to 64", "0.1 to 100"
std::string RangeText(const RunSetting& setting);

// The text of a number setting (a flag's argument or a config scalar): a whole number for
// int settings, a finite decimal for the others, within the setting's range. The error
// says what was expected and the range, without naming the flag (the caller does).
Result<double> ParseSettingNumber(const RunSetting& setting, const std::string& text);
// The same range check for a value already parsed (a flag bound by CLI11).
Status CheckSettingRange(const RunSetting& setting, double value);

// Every number of `settings` within its range; errors name the flag and the range.
Status CheckRanges(RunSettings& settings);

}  // namespace ra2cert
