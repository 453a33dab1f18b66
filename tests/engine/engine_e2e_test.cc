// The engine end to end: the fixture binary (fixture_cases.cc linked with the real
// engine and CLI) is run as a user would run ra2cert, and its exit code, console output,
// results.json and junit.xml are checked.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

namespace {
namespace fs = std::filesystem;
using nlohmann::json;

struct Outcome {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

class EngineE2ETest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::temp_directory_path() / ("ra2cert-e2e-" + std::to_string(::getpid()) + "-" +
                                     testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "state");
  }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(dir_);
  }

  // Starts the fixture binary with `args`; returns its pid (output goes to a file).
  pid_t Start(std::vector<std::string> args) {
    args.insert(args.begin(), RA2CERT_FIXTURE_BINARY);
    const std::string state = (dir_ / "state").string();
    const std::string out = (dir_ / "console.txt").string();
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::setenv("RA2CERT_FIXTURE_STATE", state.c_str(), 1);
      ::setenv("NO_COLOR", "1", 1);
      ::unsetenv("KUBECONFIG");
      const int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    return pid;
  }

  Outcome Wait(pid_t pid) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    Outcome outcome;
    outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    outcome.output = ReadFile(dir_ / "console.txt");
    return outcome;
  }

  Outcome Run(std::vector<std::string> args) { return Wait(Start(std::move(args))); }

  std::vector<std::string> RunArgs(const std::string& focus) {
    return {"run", "--output-dir", (dir_ / "out").string(), "--focus", focus, "--stop-grace", "2"};
  }

  static std::string ReadFile(const fs::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  json Results() { return json::parse(ReadFile(dir_ / "out" / "results.json")); }

  static const json& Case(const json& results, const std::string& id) {
    for (const auto& c : results["cases"]) {
      if (c["id"] == id) return c;
    }
    static const json none;
    ADD_FAILURE() << "no case " << id << " in results";
    return none;
  }

  int ValidateJUnit() {
    const std::string command = "xmllint --noout --schema " + std::string(RA2CERT_JUNIT_XSD) + " " +
                                (dir_ / "out" / "junit.xml").string() + " >/dev/null 2>&1";
    return std::system(command.c_str());
  }

  fs::path dir_;
};

TEST_F(EngineE2ETest, CrashesAndHangsStayInsideTheirCase) {
  auto outcome = Run(RunArgs("fixture (passes|crashes|hangs)"));
  EXPECT_EQ(outcome.exit_code, 1) << outcome.output;
  const json results = Results();
  EXPECT_EQ(Case(results, "4.2.001")["outcome"], "Passed");
  EXPECT_EQ(Case(results, "4.3.001")["outcome"], "Error");
  // Killed by SIGSEGV normally; under AddressSanitizer its handler reports the crash and
  // exits instead. Either way the case process ended without writing a result.
  EXPECT_NE(Case(results, "4.3.001")["message"].get<std::string>().find("ended without a result"),
            std::string::npos);
  EXPECT_EQ(Case(results, "4.3.002")["outcome"], "TimedOut");
  EXPECT_NE(Case(results, "4.3.002")["message"].get<std::string>().find("timeout of 1"),
            std::string::npos);
  // The hung case ignored SIGTERM and left a grandchild: both gone after the run.
  const pid_t grandchild = std::stoi(ReadFile(dir_ / "state" / "hang-grandchild.pid"));
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {
    gone = !fs::exists("/proc/" + std::to_string(grandchild));
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(gone) << "grandchild " << grandchild << " of the hung case survived";
  EXPECT_EQ(ValidateJUnit(), 0);
}

TEST_F(EngineE2ETest, FailuresErrorsAndExceptionsAreDistinguished) {
  auto outcome = Run(RunArgs("fixture (fails|infrastructure|throws)"));
  EXPECT_EQ(outcome.exit_code, 1) << outcome.output;
  const json results = Results();
  const json& failed = Case(results, "4.2.002");
  EXPECT_EQ(failed["outcome"], "Failed");
  EXPECT_NE(failed["message"].get<std::string>().find("off by one"), std::string::npos);
  EXPECT_NE(failed["location"].get<std::string>().find("fixture_cases.cc:"), std::string::npos);
  EXPECT_EQ(Case(results, "4.3.004")["outcome"], "Error");
  EXPECT_EQ(Case(results, "4.3.005")["outcome"], "Error");
  EXPECT_NE(outcome.output.find("off by one"), std::string::npos);
}

// The outcome rule: a failure about the cluster is never turned into Error by an
// infrastructure problem before or after it.
TEST_F(EngineE2ETest, AClusterFailureStaysFailedWhenTheHarnessAlsoBreaks) {
  auto outcome = Run(RunArgs("fixture (cluster failure then|harness mark)"));
  EXPECT_EQ(outcome.exit_code, 1) << outcome.output;
  const json results = Results();
  const json& then_error = Case(results, "4.3.006");
  EXPECT_EQ(then_error["outcome"], "Failed");
  const std::string message = then_error["message"];
  EXPECT_NE(message.find("never scheduled"), std::string::npos) << message;
  EXPECT_NE(message.find("then the harness could not go on: the API server stopped answering"),
            std::string::npos)
      << message;
  const json& error_first = Case(results, "4.3.007");
  EXPECT_EQ(error_first["outcome"], "Failed");
  EXPECT_NE(error_first["message"].get<std::string>().find("not Ready"), std::string::npos)
      << error_first["message"];
}

TEST_F(EngineE2ETest, OnlyInfrastructureErrorsExitThree) {
  auto outcome = Run(RunArgs("fixture (passes|infrastructure)"));
  EXPECT_EQ(outcome.exit_code, 3) << outcome.output;
}

TEST_F(EngineE2ETest, SkipsCarryTheirReasonAndKind) {
  auto outcome = Run(RunArgs("fixture (passes|cannot verify|not applicable|needs CRI)"));
  EXPECT_EQ(outcome.exit_code, 0) << outcome.output;
  const json results = Results();
  EXPECT_EQ(Case(results, "4.2.003")["skip_kind"], "unverifiable");
  EXPECT_EQ(Case(results, "4.2.003")["message"], "metrics API absent");
  EXPECT_EQ(Case(results, "4.7.001")["skip_kind"], "not-applicable");
  const json& cri = Case(results, "4.4.001");
  EXPECT_EQ(cri["outcome"], "Skipped");
  EXPECT_NE(cri["message"].get<std::string>().find("needs 'cri': no cluster was given"),
            std::string::npos);
  for (const auto& r : results["requirements"]) {
    if (r["id"] == "ra2.plat.015") {
      EXPECT_EQ(r["status"], "not-applicable");
    } else if (r["id"] == "ra2.ch.006") {
      EXPECT_EQ(r["status"], "not-verified");
    } else if (r["id"] == "ra2.os.001") {
      EXPECT_EQ(r["status"], "verified-pass");
    }
  }
  EXPECT_EQ(ValidateJUnit(), 0);
}

TEST_F(EngineE2ETest, ZeroExecutedCasesIsNotAPass) {
  auto outcome = Run(RunArgs("fixture needs CRI"));
  EXPECT_EQ(outcome.exit_code, 1) << outcome.output;
  EXPECT_NE(outcome.output.find("No case executed"), std::string::npos);
  EXPECT_EQ(Results()["verdict"]["verdict"], "incomplete");
  EXPECT_EQ(Results()["verdict"]["executed_cases"], 0);
}

TEST_F(EngineE2ETest, RetriesMarkAFlakyPass) {
  auto without = Run(RunArgs("fixture flaky"));
  EXPECT_EQ(without.exit_code, 1) << without.output;
  fs::remove(dir_ / "state" / "flaky.seen");
  auto args = RunArgs("fixture flaky");
  args.insert(args.end(), {"--retries", "2"});
  auto with = Run(args);
  EXPECT_EQ(with.exit_code, 0) << with.output;
  const json results = Results();
  const json& flaky = Case(results, "4.3.003");
  EXPECT_EQ(flaky["outcome"], "Passed");
  EXPECT_EQ(flaky["flaky"], true);
  EXPECT_EQ(flaky["attempts"], 2);
  EXPECT_NE(with.output.find("FLAKY"), std::string::npos);
  const std::string junit = ReadFile(dir_ / "out" / "junit.xml");
  EXPECT_NE(junit.find("name=\"4.3.003.flaky\" value=\"true\""), std::string::npos);
  EXPECT_NE(ReadFile(dir_ / "out" / "logs" / "4.3.003.log").find("fails the first time"),
            std::string::npos);
}

TEST_F(EngineE2ETest, LanesRunCasesAtTheSameTime) {
  auto args = RunArgs("fixture lane");
  args.insert(args.end(), {"--parallel", "3"});
  auto parallel = Run(args);
  EXPECT_EQ(parallel.exit_code, 0) << parallel.output;
  for (int k = 1; k <= 3; ++k)
    fs::remove(dir_ / "state" / ("lane" + std::to_string(k) + ".running"));
  auto serial = Run(RunArgs("fixture lane"));
  EXPECT_EQ(serial.exit_code, 1) << "with one lane the lane cases cannot meet\n" << serial.output;
}

TEST_F(EngineE2ETest, InterruptWritesPartialResultsAndExits130) {
  const pid_t pid = Start(RunArgs("fixture (passes|slow)"));
  const fs::path started = dir_ / "state" / "slow.started";
  for (int i = 0; i < 500 && !fs::exists(started); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(fs::exists(started));
  ::kill(pid, SIGINT);
  auto outcome = Wait(pid);
  EXPECT_EQ(outcome.exit_code, 130) << outcome.output;
  EXPECT_TRUE(fs::exists(dir_ / "state" / "slow-cleanup.done"))
      << "the case's clean-up did not run";
  const json results = Results();
  EXPECT_EQ(results["interrupted"], true);
  EXPECT_EQ(results["complete"], true);
  EXPECT_EQ(Case(results, "4.2.001")["outcome"], "Passed");
  EXPECT_EQ(Case(results, "4.5.001")["outcome"], "NotRun");
  EXPECT_NE(
      Case(results, "4.5.001")["message"].get<std::string>().find("interrupted while running"),
      std::string::npos);
  EXPECT_EQ(Case(results, "4.5.002")["outcome"], "NotRun");
  EXPECT_EQ(Case(results, "4.5.002")["message"], "interrupted before it started");
  EXPECT_EQ(ValidateJUnit(), 0);
}

TEST_F(EngineE2ETest, HostileOutputStillGivesValidJUnit) {
  auto outcome = Run(RunArgs("fixture noisy"));
  EXPECT_EQ(outcome.exit_code, 1) << outcome.output;
  EXPECT_EQ(ValidateJUnit(), 0);
  EXPECT_LT(fs::file_size(dir_ / "out" / "junit.xml"), 200000u);
  EXPECT_NO_THROW(Results());
}

TEST_F(EngineE2ETest, UsageErrorsExitTwoAndNameTheProblem) {
  auto missing = Run({"run", "--kubeconfig", "/no/such/file"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.output.find("/no/such/file"), std::string::npos) << missing.output;
  auto regex = Run({"run", "--focus", "(["});
  EXPECT_EQ(regex.exit_code, 2);
  EXPECT_NE(regex.output.find("--focus"), std::string::npos);
  auto flag = Run({"run", "--paralel", "2"});
  EXPECT_EQ(flag.exit_code, 2);
  EXPECT_NE(flag.output.find("--paralel"), std::string::npos) << flag.output;
  std::ofstream(dir_ / "bad.yaml") << "retries: 1\nprofil: basic\n";
  auto config = Run({"run", "--config", (dir_ / "bad.yaml").string()});
  EXPECT_EQ(config.exit_code, 2);
  EXPECT_NE(config.output.find("bad.yaml:2: key 'profil'"), std::string::npos) << config.output;
}

TEST_F(EngineE2ETest, ConfigFileSetsDefaultsAndFlagsWin) {
  std::ofstream(dir_ / "run.yaml")
      << "focus: fixture fails\nparallel: 2\noutput-dir: " << (dir_ / "out").string() << "\n";
  auto from_file = Run({"run", "--config", (dir_ / "run.yaml").string()});
  EXPECT_EQ(from_file.exit_code, 1) << from_file.output;
  auto overridden =
      Run({"run", "--config", (dir_ / "run.yaml").string(), "--focus", "fixture passes"});
  EXPECT_EQ(overridden.exit_code, 0) << overridden.output;
  EXPECT_EQ(Results()["cases"].size(), 1u);
}

TEST_F(EngineE2ETest, ListPrintsEveryCaseAsJson) {
  auto outcome = Run({"list", "--output", "json"});
  ASSERT_EQ(outcome.exit_code, 0) << outcome.output;
  const json list = json::parse(outcome.output);
  ASSERT_GE(list.size(), 15u);
  for (const auto& c : list) {
    for (const char* key : {"id", "section", "title", "requirements", "needs"}) {
      EXPECT_TRUE(c.contains(key)) << key;
    }
  }
  auto filtered = Run({"list", "--output", "json", "--section", "4.6"});
  EXPECT_EQ(json::parse(filtered.output).size(), 3u);
  EXPECT_EQ(Run({"list", "--output", "xml"}).exit_code, 2);
}

TEST_F(EngineE2ETest, DryRunPrintsThePlanAndRunsNothing) {
  auto outcome = Run({"run", "--dry-run", "--focus", "fixture (passes|needs CRI)"});
  EXPECT_EQ(outcome.exit_code, 0) << outcome.output;
  EXPECT_NE(outcome.output.find("4.2.001   run"), std::string::npos) << outcome.output;
  EXPECT_NE(outcome.output.find("4.4.001   skip"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir_ / "state" / "flaky.seen"));
}

TEST_F(EngineE2ETest, NumericFlagsOutsideTheirRangeExitTwoNamingFlagAndRange) {
  const std::vector<std::vector<std::string>> cases = {
      {"--timeout-multiplier", "1e308", "0.1 to 100"},
      {"--timeout-multiplier", "1e-300", "0.1 to 100"},
      {"--timeout-multiplier", "nan", "0.1 to 100"},
      {"--stop-grace", "inf", "0 to 600"},
      {"--parallel", "0", "1 to 64"},
      {"--retries", "99999999999", "0 to 10"},
      {"--parallel", "2.5", "1 to 64"}};
  for (const auto& c : cases) {
    auto outcome = Run({"run", "--output-dir", (dir_ / "out").string(), c[0], c[1]});
    EXPECT_EQ(outcome.exit_code, 2) << c[0] << " " << c[1] << "\n" << outcome.output;
    EXPECT_NE(outcome.output.find(c[0]), std::string::npos) << outcome.output;
    EXPECT_NE(outcome.output.find(c[2]), std::string::npos) << outcome.output;
    EXPECT_FALSE(fs::exists(dir_ / "out")) << c[0] << " " << c[1];
  }
  std::ofstream(dir_ / "huge.yaml") << "timeout-multiplier: 1e308\n";
  auto config = Run({"run", "--config", (dir_ / "huge.yaml").string()});
  EXPECT_EQ(config.exit_code, 2) << config.output;
  EXPECT_NE(config.output.find("huge.yaml:1: key 'timeout-multiplier'"), std::string::npos)
      << config.output;
}

TEST_F(EngineE2ETest, AnUnknownCommandIsNamedWithTheCommands) {
  auto unknown = Run({"frobnicate", "--parallel", "2"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.output.find("unknown command 'frobnicate'; commands: list, run"),
            std::string::npos)
      << unknown.output;
  auto nested = Run({"cluster", "upp"});
  EXPECT_EQ(nested.exit_code, 2);
  EXPECT_NE(nested.output.find("unknown command 'cluster upp'; commands of cluster: up"),
            std::string::npos)
      << nested.output;
  auto none = Run({});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.output.find("a command is required"), std::string::npos) << none.output;
}

TEST_F(EngineE2ETest, AnInvalidRegexGivesRe2sReasonInListRunAndMatrix) {
  auto list = Run({"list", "--focus", "(?=x)"});
  EXPECT_EQ(list.exit_code, 2);
  EXPECT_NE(list.output.find("--focus: '(?=x)' is not a valid regular expression (RE2: "),
            std::string::npos)
      << list.output;
  auto run = Run({"run", "--skip", "a{1001}"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.output.find("--skip: "), std::string::npos) << run.output;
  // The unwritable --output-dir is a second guard: this must never reach a cluster.
  std::ofstream(dir_ / "file") << "";
  auto matrix = Run({"matrix", "--k8s-versions", "1.33", "--focus", "(?<=x)", "--output-dir",
                     (dir_ / "file" / "x").string()});
  EXPECT_EQ(matrix.exit_code, 2);
  EXPECT_NE(matrix.output.find("--focus: "), std::string::npos) << matrix.output;
  // A backtracking pattern is answered at once (RE2 is linear).
  const auto start = std::chrono::steady_clock::now();
  auto slow = Run({"list", "--focus", "(.*.*.*.*.*.*.*.*)*z$"});
  EXPECT_EQ(slow.exit_code, 0) << slow.output;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST_F(EngineE2ETest, SettingsThatWouldDoNothingAreRefused) {
  for (const std::vector<std::string>& args : {std::vector<std::string>{"--nodes", "3"},
                                               {"--k8s-version", "1.34"},
                                               {"--keep-cluster"},
                                               {"--windows-nodes", "1"},
                                               {"--state-dir", "/tmp/x"},
                                               {"--violate", "cni-config-removed"}}) {
    std::vector<std::string> command = {"run", "--output-dir", (dir_ / "out").string()};
    command.insert(command.end(), args.begin(), args.end());
    auto outcome = Run(command);
    EXPECT_EQ(outcome.exit_code, 2) << args[0] << "\n" << outcome.output;
    EXPECT_NE(outcome.output.find(args[0] + " shapes the local cluster and does nothing without "
                                            "--local"),
              std::string::npos)
        << outcome.output;
  }
  std::ofstream(dir_ / "local.yaml") << "nodes: 3\n";
  auto config = Run({"run", "--config", (dir_ / "local.yaml").string()});
  EXPECT_EQ(config.exit_code, 2);
  EXPECT_NE(config.output.find("--nodes shapes the local cluster"), std::string::npos)
      << config.output;
  auto context = Run({"run", "--local", "--context", "lab"});
  EXPECT_EQ(context.exit_code, 2);
  EXPECT_NE(context.output.find("--context is for an attached cluster"), std::string::npos)
      << context.output;
  auto empty = Run({"run", "--kubeconfig", "", "--output-dir", (dir_ / "out").string()});
  EXPECT_EQ(empty.exit_code, 2);
  EXPECT_NE(empty.output.find("--kubeconfig: the value is empty"), std::string::npos)
      << empty.output;
  EXPECT_FALSE(fs::exists(dir_ / "out"));
  EXPECT_EQ(Run({"run", "--config", ""}).exit_code, 2);
}

TEST_F(EngineE2ETest, AConfigFileMustBeARegularFileWithUniqueKeys) {
  auto directory = Run({"run", "--config", dir_.string()});
  EXPECT_EQ(directory.exit_code, 2);
  EXPECT_NE(directory.output.find("a directory"), std::string::npos) << directory.output;
  fs::create_symlink("/dev/zero", dir_ / "zero.yaml");
  auto zero = Run({"run", "--config", (dir_ / "zero.yaml").string()});
  EXPECT_EQ(zero.exit_code, 2) << zero.output;
  std::ofstream(dir_ / "twice.yaml")
      << "focus: fixture passes\nparallel: 2\nfocus: fixture fails\n";
  auto twice = Run({"run", "--config", (dir_ / "twice.yaml").string()});
  EXPECT_EQ(twice.exit_code, 2);
  EXPECT_NE(twice.output.find("twice.yaml:3: key 'focus': is given twice (first at "),
            std::string::npos)
      << twice.output;
  std::ofstream(dir_ / "unknown.yaml") << "nodez: 3\n";
  auto unknown = Run({"run", "--config", (dir_ / "unknown.yaml").string()});
  EXPECT_NE(unknown.output.find("unknown setting (known: kubeconfig, context,"), std::string::npos)
      << unknown.output;
}

TEST_F(EngineE2ETest, ConfigKeysAreSpelledLikeTheFlags) {
  std::ofstream(dir_ / "run.yaml") << "section: '4.2'\nfocus: fixture passes\nstop-grace: 2\n"
                                   << "output-dir: " << (dir_ / "out").string() << "\n";
  auto outcome = Run({"run", "--config", (dir_ / "run.yaml").string()});
  EXPECT_EQ(outcome.exit_code, 0) << outcome.output;
  EXPECT_EQ(Results()["selection"]["sections"], json::array({"4.2"}));
}

TEST_F(EngineE2ETest, AnUnwritableOutputDirIsAUsageError) {
  std::ofstream(dir_ / "file") << "not a directory\n";
  auto outcome = Run(RunArgs("fixture passes"));  // warm-up: writable works
  EXPECT_EQ(outcome.exit_code, 0) << outcome.output;
  auto unwritable =
      Run({"run", "--focus", "fixture passes", "--output-dir", (dir_ / "file" / "out").string()});
  EXPECT_EQ(unwritable.exit_code, 2) << unwritable.output;
  EXPECT_NE(unwritable.output.find("--output-dir: "), std::string::npos) << unwritable.output;
  EXPECT_EQ(unwritable.output.find("PASS"), std::string::npos) << "a case ran";
}

// A failed signing is not "a case failed" (1): it exits 3 even when a case failed too.
TEST_F(EngineE2ETest, AFailingSignerExitsThreeWhateverTheCasesDid) {
  auto args = RunArgs("fixture fails");
  args.insert(args.end(), {"--signer", "echo HSM offline >&2; exit 4"});
  auto outcome = Run(args);
  EXPECT_EQ(outcome.exit_code, 3) << outcome.output;
  EXPECT_NE(outcome.output.find("writing the bundle failed"), std::string::npos) << outcome.output;
  EXPECT_TRUE(fs::exists(dir_ / "out" / "results.json"));
}

TEST_F(EngineE2ETest, NothingExecutedIsAnErrorInJUnit) {
  auto outcome = Run(RunArgs("fixture needs CRI"));
  EXPECT_EQ(outcome.exit_code, 1) << outcome.output;
  const std::string junit = ReadFile(dir_ / "out" / "junit.xml");
  EXPECT_NE(junit.find("name=\"ra2cert.verdict\" value=\"incomplete\""), std::string::npos);
  EXPECT_NE(junit.find("<error message=\"no case executed"), std::string::npos) << junit;
  EXPECT_EQ(ValidateJUnit(), 0);
}

TEST_F(EngineE2ETest, CompareCountsNewFailuresAndLostVerificationsAsRegressions) {
  auto write = [&](const std::string& name, const std::string& outcome) {
    std::ofstream(dir_ / name) << json{{"schema", "ra2cert.results/v1"},
                                       {"cases", {{{"id", "4.2.001"}, {"outcome", outcome}}}}}
                                      .dump();
    return (dir_ / name).string();
  };
  const auto skipped = write("skipped.json", "Skipped");
  const auto failed = write("failed.json", "Failed");
  const auto passed = write("passed.json", "Passed");
  auto regression = Run({"compare", skipped, failed});
  EXPECT_EQ(regression.exit_code, 1) << regression.output;
  EXPECT_NE(regression.output.find("REGRESSION 4.2.001"), std::string::npos) << regression.output;
  auto lost = Run({"compare", passed, skipped});
  EXPECT_EQ(lost.exit_code, 1) << lost.output;
  EXPECT_NE(lost.output.find("LOST       4.2.001"), std::string::npos) << lost.output;
  EXPECT_EQ(Run({"compare", failed, passed}).exit_code, 0);
  std::ofstream(dir_ / "bad.json") << R"({"schema": "ra2cert.results/v1", "cases": [1]})";
  auto bad = Run({"compare", passed, (dir_ / "bad.json").string()});
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  EXPECT_NE(bad.output.find("cases[0] is not an object"), std::string::npos) << bad.output;
}

}  // namespace
