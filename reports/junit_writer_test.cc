#include "reports/junit_writer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <pugixml.hpp>

#include "harness/results/verdicts.h"
#include "reports/report_files.h"

namespace ra2cert {
namespace {
namespace fs = std::filesystem;

class JUnitWriterTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ra2cert-junit-" + std::to_string(::getpid()));
    fs::create_directories(dir_ / "logs");
    run_.harness_version = "0.1.0";
    run_.environment = "test";
    run_.hostname = "host";
    run_.requirements = &BuiltinRequirements();
    run_.started = std::chrono::system_clock::now();
    Add("4.4.001", Outcome::kPassed, "");
    Add("4.4.002", Outcome::kFailed, std::string("expected 1 \x01 got \xFF\xFE <&>\"'", 22));
    Add("4.4.003", Outcome::kError, "cluster went away");
    Add("4.5.001", Outcome::kTimedOut, "exceeded its timeout");
    Add("4.5.002", Outcome::kSkipped, "needs 'cri': no socket");
    Add("4.8.001", Outcome::kNotRun, "interrupted before it started");
    run_.cases[1].file = "suites/4.4/x.cc";
    run_.cases[1].line = 12;
    run_.cases[1].log_path = "logs/4.4.002.log";
    // A huge log with escape sequences and a NUL: bounded, filtered, still valid.
    std::ofstream log(dir_ / "logs/4.4.002.log", std::ios::binary);
    log << "FIRST-LINE\n"
        << std::string(500000, 'y') << std::string("\x1B[0m\0", 5) << "\nLAST-LINE\n";
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Add(std::string id, Outcome outcome, std::string message) {
    CaseResult c;
    c.definition.meta.id = std::move(id);
    c.definition.meta.title = "title of " + c.definition.meta.id;
    c.definition.meta.requirements = {"ra2.crt.002", "ra2.crt.001"};
    c.definition.file = "suites/file.cc";
    c.definition.line = 3;
    c.outcome = outcome;
    c.message = std::move(message);
    c.seconds = 1.25;
    c.attempts = 1;
    run_.cases.push_back(c);
  }

  std::string Render(JUnitFlavor flavor) {
    JUnitOptions options;
    options.flavor = flavor;
    options.output_dir = dir_.string();
    return RenderJUnit(run_, options);
  }

  int Validate(const std::string& xml) {
    const auto path = dir_ / "junit.xml";
    std::ofstream(path) << xml;
    const std::string command = "xmllint --noout --schema " + std::string(RA2CERT_JUNIT_XSD) + " " +
                                path.string() + " 2>" + (dir_ / "xmllint.err").string();
    return std::system(command.c_str());
  }

  fs::path dir_;
  RunResult run_;
};

TEST_F(JUnitWriterTest, StrictOutputValidatesAgainstTheAntSchema) {
  const std::string xml = Render(JUnitFlavor::kStrict);
  EXPECT_EQ(Validate(xml), 0) << xml.substr(0, 3000);
}

TEST_F(JUnitWriterTest, SchemaRejectsWhatStrictModeLeavesOut) {
  // Proves the validation can fail: the extended flavour's per-case properties and
  // file/line attributes are outside the strict schema.
  EXPECT_NE(Validate(Render(JUnitFlavor::kExtended)), 0);
}

TEST_F(JUnitWriterTest, MapsOutcomesCountsAndProperties) {
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(Render(JUnitFlavor::kStrict).c_str()));
  auto suites = doc.child("testsuites");
  auto runtimes = suites.find_child_by_attribute("testsuite", "package", "ra2cert.4.4");
  ASSERT_TRUE(runtimes);
  EXPECT_STREQ(runtimes.attribute("name").value(), "RA2 4.4 Container runtimes");
  EXPECT_STREQ(runtimes.attribute("tests").value(), "3");
  EXPECT_STREQ(runtimes.attribute("failures").value(), "1");
  EXPECT_STREQ(runtimes.attribute("errors").value(), "1");
  EXPECT_STREQ(runtimes.attribute("time").value(), "3.750");
  auto properties = runtimes.child("properties");
  EXPECT_STREQ(properties.find_child_by_attribute("property", "name", "4.4.002.requirements")
                   .attribute("value")
                   .value(),
               "ra2.crt.002 ra2.crt.001");
  auto cni = suites.find_child_by_attribute("testsuite", "package", "ra2cert.4.5");
  EXPECT_STREQ(cni.attribute("errors").value(), "1");  // TimedOut is an error
  EXPECT_STREQ(cni.attribute("skipped").value(), "1");
  auto skipped = cni.find_child_by_attribute("testcase", "name", "4.5.002 title of 4.5.002");
  EXPECT_STREQ(skipped.child("skipped").attribute("message").value(), "needs 'cri': no socket");
  auto helm = suites.find_child_by_attribute("testsuite", "package", "ra2cert.4.8");
  EXPECT_STREQ(helm.child("testcase").child("skipped").attribute("message").value(),
               "not run: interrupted before it started");
}

TEST_F(JUnitWriterTest, FailureCarriesLocationAndBoundedFilteredLog) {
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(Render(JUnitFlavor::kStrict).c_str()));
  auto failure = doc.select_node("//testcase[starts-with(@name,'4.4.002')]/failure").node();
  ASSERT_TRUE(failure);
  EXPECT_STREQ(failure.attribute("type").value(), "Failed");
  const std::string text = failure.text().get();
  EXPECT_EQ(text.rfind("suites/4.4/x.cc:12\n", 0), 0u) << text.substr(0, 100);
  EXPECT_LT(text.size(), 70000u);
  EXPECT_NE(text.find("LAST-LINE"), std::string::npos);
  EXPECT_NE(text.find("\\x1B[0m\\x00"), std::string::npos);
  EXPECT_NE(std::string(failure.attribute("message").value()).find("\\x01"), std::string::npos);
}

TEST_F(JUnitWriterTest, TimesUseTheCLocaleWhateverTheProcessLocale) {
  EXPECT_EQ(Seconds(1.5), "1.500");
  EXPECT_EQ(Seconds(-2), "0.000");
  EXPECT_EQ(UtcTimestamp(std::chrono::system_clock::time_point{}), "1970-01-01T00:00:00");
}

TEST_F(JUnitWriterTest, EverySuiteCarriesTheRunVerdictAndItsBlockers) {
  const ConformanceSummary summary = Summarise(run_, RollUpRequirements(run_));
  ASSERT_FALSE(summary.blocking.empty());
  const std::string xml = Render(JUnitFlavor::kStrict);
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(xml.c_str()));
  int suites = 0;
  for (auto suite : doc.child("testsuites").children("testsuite")) {
    ++suites;
    auto properties = suite.child("properties");
    EXPECT_STREQ(properties.find_child_by_attribute("property", "name", "ra2cert.verdict")
                     .attribute("value")
                     .value(),
                 RunVerdictName(summary.verdict))
        << suite.attribute("name").value();
    const std::string blocker = "ra2cert.blocker." + summary.blocking.front().id;
    EXPECT_NE(std::string(properties.find_child_by_attribute("property", "name", blocker.c_str())
                              .attribute("value")
                              .value())
                  .find(RequirementStatusName(summary.blocking.front().status)),
              std::string::npos)
        << blocker;
  }
  EXPECT_EQ(suites, 3);  // 4.4, 4.5, 4.8
  EXPECT_EQ(xml.find("at least one case executed"), std::string::npos);
}

// A run whose cases were all skipped must not read as green to a JUnit reader.
TEST_F(JUnitWriterTest, NothingExecutedIsAnErrorCaseAndStillValid) {
  for (auto& c : run_.cases) c.outcome = Outcome::kSkipped;
  const std::string xml = Render(JUnitFlavor::kStrict);
  EXPECT_EQ(Validate(xml), 0) << xml.substr(0, 3000);
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(xml.c_str()));
  auto suite = doc.child("testsuites").find_child_by_attribute("testsuite", "name", "RA2 run");
  ASSERT_TRUE(suite) << xml.substr(0, 3000);
  EXPECT_STREQ(suite.attribute("errors").value(), "1");
  auto error = suite.child("testcase").child("error");
  ASSERT_TRUE(error);
  EXPECT_NE(std::string(error.attribute("message").value()).find("no case executed (6 selected"),
            std::string::npos);
  EXPECT_STREQ(suite.child("properties")
                   .find_child_by_attribute("property", "name", "ra2cert.verdict")
                   .attribute("value")
                   .value(),
               "incomplete");
  EXPECT_TRUE(suite.child("properties")
                  .find_child_by_attribute("property", "name", "ra2cert.run-blocker.1"));
  // An empty selection too.
  run_.cases.clear();
  const std::string empty = Render(JUnitFlavor::kExtended);
  EXPECT_NE(empty.find("at least one case executed"), std::string::npos);
  EXPECT_EQ(Validate(Render(JUnitFlavor::kStrict)), 0);
}

}  // namespace
}  // namespace ra2cert
