#include "harness/config/run_settings.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "harness/cli/commands.h"
#include "harness/config/config_file.h"

namespace ra2cert {
namespace {
namespace fs = std::filesystem;

const RunSetting& Setting(const char* key) {
  const RunSetting* setting = FindRunSetting(key);
  EXPECT_NE(setting, nullptr) << key;
  return *setting;
}

TEST(RunSettingsTest, NumbersAreParsedWithinTheirRange) {
  EXPECT_EQ(*ParseSettingNumber(Setting("parallel"), "4"), 4);
  EXPECT_DOUBLE_EQ(*ParseSettingNumber(Setting("timeout-multiplier"), "2.5"), 2.5);
  for (const char* bad : {"1e308", "1e-300", "nan", "NaN", "inf", "-inf", "0", "1e999", "", " 1",
                          "1 ", "0x10", "2,5", "abc"}) {
    auto parsed = ParseSettingNumber(Setting("timeout-multiplier"), bad);
    EXPECT_FALSE(parsed) << "'" << bad << "' was accepted";
    if (!parsed) {
      EXPECT_NE(parsed.error().message().find("0.1 to 100"), std::string::npos)
          << parsed.error().message();
      EXPECT_EQ(parsed.error().code(), 2);
    }
  }
  for (const char* bad : {"2.5", "1e3", "99999999999999999999", "-1", "65", "0"}) {
    EXPECT_FALSE(ParseSettingNumber(Setting("parallel"), bad)) << bad;
  }
  EXPECT_FALSE(ParseSettingNumber(Setting("retries"), "11"));
  EXPECT_FALSE(ParseSettingNumber(Setting("stop-grace"), "-0.5"));
  EXPECT_FALSE(ParseSettingNumber(Setting("nodes"), "0"));
  EXPECT_FALSE(ParseSettingNumber(Setting("windows-nodes"), "21"));
}

TEST(RunSettingsTest, EveryNumberHasASensibleRange) {
  for (const auto& setting : RunSettingTable()) {
    if (!IsNumber(setting)) continue;
    EXPECT_LT(setting.min, setting.max) << setting.key;
    EXPECT_GE(setting.min, 0) << setting.key;
    EXPECT_LE(setting.max, 1000) << setting.key;
  }
}

TEST(RunSettingsTest, KeysAndAliasesAreUnique) {
  std::set<std::string_view> names;
  for (const auto& setting : RunSettingTable()) {
    EXPECT_TRUE(names.insert(setting.key).second) << setting.key;
    if (!setting.alias.empty()) {
      EXPECT_TRUE(names.insert(setting.alias).second) << setting.alias;
    }
  }
  EXPECT_EQ(FindRunSetting("sections"), FindRunSetting("section"));
}

// README: "any run flag can be a key of the YAML file". Walk the flags the real `run`
// subcommand registers and load each one from a config file.
TEST(RunSettingsTest, EveryRunFlagIsAConfigKey) {
  CLI::App app;
  cli::RunCommand command;
  CLI::App* run = nullptr;
  cli::AddRunCommand(app, command, run);
  const fs::path dir = fs::temp_directory_path() / ("ra2cert-keys-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  int flags = 0;
  for (const CLI::Option* option : run->get_options()) {
    ASSERT_EQ(option->get_lnames().size(), 1u) << option->get_name();
    const std::string name = "--" + option->get_lnames().front();
    if (name == "--help" || name == "--config") continue;
    ++flags;
    const std::string key = name.substr(2);
    const RunSetting* setting = FindRunSetting(key);
    ASSERT_NE(setting, nullptr) << name << " is a run flag but not a config key";
    std::string value = "x";
    if (IsNumber(*setting)) value = std::to_string(static_cast<int>(setting->min + 1));
    if (std::holds_alternative<SettingField<bool>>(setting->target)) value = "true";
    std::ofstream(dir / "one.yaml") << key << ": " << value << "\n";
    RunSettings settings;
    auto applied = ApplyConfigFile((dir / "one.yaml").string(), settings);
    EXPECT_TRUE(applied) << key << ": " << applied.error().message();
  }
  EXPECT_EQ(flags, static_cast<int>(RunSettingTable().size()));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace ra2cert
