// How results.json, the console, report.html and `ra2cert report` show requirement
// statuses and what keeps a run from conformant.
#include <gtest/gtest.h>

#include <cstdio>

#include "harness/catalogue/test_requirements.h"
#include "harness/results/verdicts.h"
#include "reports/console_reporter.h"
#include "reports/html_report.h"
#include "reports/json_writer.h"
#include "reports/verdict_text.h"

namespace ra2cert {
namespace {
using nlohmann::json;

CaseResult MakeCase(std::string id, std::string requirement, Outcome outcome,
                    SkipKind skip = SkipKind::kNone, std::string message = "") {
  CaseResult c;
  c.definition.meta.id = std::move(id);
  c.definition.meta.title = "title of " + c.definition.meta.id;
  c.definition.meta.requirements = {std::move(requirement)};
  c.outcome = outcome;
  c.skip_kind = skip;
  c.message = std::move(message);
  return c;
}

// Section 4.4, in file order: ra2.crt.001, ra2.crt.002, draft.4.4.sandbox, sec.sys.021 (all
// musts). One of each status but verified-pass, and a selection that left a case out.
RunResult MakeRun() {
  RunResult run;
  run.requirements = &TestRequirements();
  run.selection.sections = {"4.4"};
  run.complete = true;
  run.cases = {
      MakeCase("4.4.001", "ra2.crt.001", Outcome::kTimedOut, SkipKind::kNone,
               "exceeded its timeout of 60 s"),
      MakeCase("4.4.003", "draft.4.4.sandbox", Outcome::kSkipped, SkipKind::kNotApplicable,
               "no privileged containers are needed"),
      MakeCase("4.4.004", "sec.sys.021", Outcome::kFailed, SkipKind::kNone, "root is host root")};
  run.catalogue_coverage = {{"ra2.crt.001", {"4.4.001"}},
                            {"ra2.crt.002", {"4.4.002"}},
                            {"draft.4.4.sandbox", {"4.4.003"}},
                            {"sec.sys.021", {"4.4.004"}}};
  return run;
}

const json& Requirement(const json& results, const std::string& id) {
  for (const auto& r : results["requirements"]) {
    if (r["id"] == id) return r;
  }
  static const json none;
  ADD_FAILURE() << "no requirement " << id;
  return none;
}

TEST(VerdictReportsTest, ResultsJsonCarriesStatusReasonAndTheBlockingList) {
  const json results = RenderResultsJson(MakeRun());
  EXPECT_EQ(Requirement(results, "ra2.crt.001")["status"], "not-verified");
  EXPECT_EQ(Requirement(results, "ra2.crt.001")["reason"],
            "4.4.001 TimedOut: exceeded its timeout of 60 s");
  EXPECT_EQ(Requirement(results, "ra2.crt.002")["status"], "not-verified");
  EXPECT_EQ(Requirement(results, "ra2.crt.002")["reason"],
            "no selected case covers it: 4.4.002 left out by --focus/--skip/--section");
  EXPECT_EQ(Requirement(results, "draft.4.4.sandbox")["status"], "not-applicable");
  EXPECT_EQ(Requirement(results, "draft.4.4.sandbox")["reason"],
            "4.4.003 not applicable: no privileged containers are needed");
  EXPECT_EQ(Requirement(results, "sec.sys.021")["status"], "verified-fail");

  const json& verdict = results["verdict"];
  EXPECT_EQ(verdict["verdict"], "not-conformant");
  EXPECT_EQ(verdict["must_not_verified"], 2);
  EXPECT_EQ(verdict["must_not_covered"], 0);
  EXPECT_EQ(verdict["blocking"], json::parse(R"([
              {"id": "sec.sys.021", "status": "verified-fail", "reason": "4.4.004 failed"},
              {"id": "ra2.crt.001", "status": "not-verified",
               "reason": "4.4.001 TimedOut: exceeded its timeout of 60 s"},
              {"id": "ra2.crt.002", "status": "not-verified",
               "reason": "no selected case covers it: 4.4.002 left out by --focus/--skip/--section"}
            ])"));
  EXPECT_EQ(verdict["run_blockers"], json::array());

  RunResult uncovered = MakeRun();
  uncovered.catalogue_coverage.erase("ra2.crt.002");
  uncovered.interrupted = true;
  const json later = RenderResultsJson(uncovered);
  EXPECT_EQ(Requirement(later, "ra2.crt.002")["status"], "not-covered");
  EXPECT_EQ(later["verdict"]["must_not_covered"], 1);
  EXPECT_EQ(later["verdict"]["must_not_verified"], 1);
  EXPECT_EQ(later["verdict"]["blocking"].back()["status"], "not-covered");
  EXPECT_EQ(later["verdict"]["run_blockers"], json::array({"the run was interrupted"}));
}

TEST(VerdictReportsTest, VerdictTextListsBlockersAndReadsOldFiles) {
  const json verdict = RenderResultsJson(MakeRun())["verdict"];
  const std::string text = RenderVerdictText(verdict);
  EXPECT_EQ(text,
            "Profile basic: not-conformant (must requirements: 0 verified-pass, 1 verified-fail, "
            "2 not-verified, 0 not-covered, 1 not-applicable of 4)\n"
            "Kept from conformant by:\n"
            "  sec.sys.021  verified-fail  4.4.004 failed\n"
            "  ra2.crt.001  not-verified   4.4.001 TimedOut: exceeded its timeout of 60 s\n"
            "  ra2.crt.002  not-verified   no selected case covers it: 4.4.002 left out by "
            "--focus/--skip/--section\n");
  EXPECT_NE(RenderVerdictText(verdict, 1).find("  ... and 2 more"), std::string::npos);

  // A results.json from before not-covered and the blocking list existed.
  const json old = {{"profile", "basic"},       {"verdict", "incomplete"},
                    {"must_total", 3},          {"must_verified_pass", 2},
                    {"must_not_verified", 1},   {"must_not_applicable", 0},
                    {"must_verified_fail", "x"}};
  EXPECT_EQ(RenderVerdictText(old),
            "Profile basic: incomplete (must requirements: 2 verified-pass, 0 verified-fail, 1 "
            "not-verified, 0 not-applicable of 3)\n");
  EXPECT_NE(RenderVerdictText(json("not an object")).find("(must requirements: 0 verified-pass"),
            std::string::npos);
}

TEST(VerdictReportsTest, ConsoleSummaryNamesWhatKeepsTheRunFromConformant) {
  FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  ConsoleReporter console(out, ConsoleStyle{});
  console.OnRunFinish(MakeRun());
  std::rewind(out);
  std::string text;
  char buffer[4096];
  for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, out)) > 0;) text.append(buffer, n);
  std::fclose(out);
  EXPECT_NE(text.find("Profile basic: not-conformant (must requirements: 0 verified-pass, 1 "
                      "verified-fail, 2 not-verified, 0 not-covered, 1 not-applicable of 4)\n"
                      "Kept from conformant by:\n  sec.sys.021  verified-fail  4.4.004 failed\n"),
            std::string::npos)
      << text;
}

TEST(VerdictReportsTest, HtmlShowsTheLegendTheFiveStatusesAndTheBlockingMusts) {
  RunResult run = MakeRun();
  run.catalogue_coverage.erase("ra2.crt.002");
  const std::string html = RenderHtmlReport(run, "/nonexistent");
  const size_t legend = html.find("<table id=\"legend\">");
  ASSERT_NE(legend, std::string::npos);
  size_t at = legend;
  for (RequirementStatus status : kRequirementStatuses) {
    const std::string name = RequirementStatusName(status);
    at = html.find("<td class=\"" + name + "\">" + name + "</td>", at);
    EXPECT_NE(at, std::string::npos) << name;
  }
  EXPECT_NE(html.find("<tr id=\"requirement-ra2-crt-002\" data-status=\"not-covered\">"),
            std::string::npos);
  EXPECT_NE(html.find("0 verified-pass, 1 verified-fail, 1 not-verified, 1 not-covered, 1 "
                      "not-applicable of 4"),
            std::string::npos);
  // The blocking musts, in order, each linked to its row.
  const size_t blocking = html.find("<div id=\"blocking\">");
  ASSERT_NE(blocking, std::string::npos);
  const size_t fail = html.find("href=\"#requirement-sec-sys-021\"", blocking);
  const size_t not_verified = html.find("href=\"#requirement-ra2-crt-001\"", blocking);
  const size_t not_covered = html.find("href=\"#requirement-ra2-crt-002\"", blocking);
  EXPECT_LT(fail, not_verified);
  EXPECT_LT(not_verified, not_covered);
  EXPECT_LT(not_covered, html.find("</div>", blocking));
  EXPECT_NE(html.find("<span class=\"not-covered\">not-covered</span> no case in the catalogue "
                      "covers it</li>"),
            std::string::npos);
}

TEST(VerdictReportsTest, HtmlOfAConformantRunListsNoBlockers) {
  RunResult run;
  run.requirements = &TestRequirements();
  run.selection.sections = {"4.4"};
  run.cases = {MakeCase("4.4.001", "ra2.crt.001", Outcome::kPassed),
               MakeCase("4.4.002", "ra2.crt.002", Outcome::kPassed),
               MakeCase("4.4.003", "draft.4.4.sandbox", Outcome::kPassed),
               MakeCase("4.4.004", "sec.sys.021", Outcome::kPassed)};
  const std::string html = RenderHtmlReport(run, "/nonexistent");
  EXPECT_NE(html.find("<b>conformant</b>"), std::string::npos);
  EXPECT_EQ(html.find("id=\"blocking\""), std::string::npos);
}

}  // namespace
}  // namespace ra2cert
