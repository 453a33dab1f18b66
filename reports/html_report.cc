#include "reports/html_report.h"

#include <filesystem>
#include <map>
#include <set>

#include "harness/results/verdicts.h"
#include "reports/report_files.h"
#include "reports/xml_text.h"

namespace ra2cert {
namespace {

const char* kStyle = R"(
body{font-family:system-ui,sans-serif;margin:2rem;color:#1d2433;max-width:80rem}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ccd}
table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #ccd;padding:.25rem .6rem;text-align:left;vertical-align:top}
th{background:#f0f2f7}.num{text-align:right}
.Passed,.verified-pass,.conformant{background:#dff3e3}.Failed,.verified-fail,.not-conformant{background:#fbe0e0}
.Error,.TimedOut{background:#f6e0f5}.Skipped,.NotRun,.not-verified,.incomplete{background:#fff4d6}.not-applicable{background:#eef}
.not-covered{background:#ebebeb}
#blocking li span,#legend td:first-child,#requirements td:nth-child(5){white-space:nowrap}
#blocking li span{padding:0 .3rem}
.verdict{font-size:1.4rem;padding:.6rem 1rem;display:inline-block;border:1px solid #ccd}
pre{background:#f7f7fa;border:1px solid #dde;padding:.6rem;overflow:auto;max-height:30rem;white-space:pre-wrap}
.meta td:first-child{font-weight:600}
)";

std::string Cell(const std::string& text, const std::string& css_class = "") {
  return "<td" + (css_class.empty() ? "" : " class=\"" + css_class + "\"") + ">" +
         HtmlEscape(text) + "</td>";
}

std::string Anchor(const std::string& id, const char* prefix = "case-") {
  std::string out = prefix;
  for (char c : id) out += (c == '.') ? '-' : c;
  return out;
}

// What keeps the run from conformant: the run's own blockers, then the blocking musts,
// each linked to its row in the requirement matrix. The not-covered ones can be dozens
// and say the same few things, so they fold away.
std::string BlockingList(const ConformanceSummary& summary) {
  if (summary.blocking.empty() && summary.run_blockers.empty()) return "";
  auto item = [](const BlockingRequirement& b) {
    const std::string status = RequirementStatusName(b.status);
    return "<li data-blocking=\"" + status + "\"><a href=\"#" +
           HtmlEscape(Anchor(b.id, "requirement-")) + "\">" + HtmlEscape(b.id) +
           "</a> <span class=\"" + status + "\">" + status + "</span> " +
           HtmlEscape(XmlSafeText(b.reason)) + "</li>\n";
  };
  std::string h = "<div id=\"blocking\"><p>Kept from conformant by:</p><ul>\n";
  for (const auto& reason : summary.run_blockers) h += "<li>" + HtmlEscape(reason) + "</li>\n";
  std::string not_covered;
  for (const auto& b : summary.blocking) {
    if (b.status == RequirementStatus::kNotCovered) {
      not_covered += item(b);
    } else {
      h += item(b);
    }
  }
  h += "</ul>\n";
  if (!not_covered.empty()) {
    h += "<details><summary>" + std::to_string(summary.must_not_covered) +
         " must requirement(s) no case covers</summary><ul>\n" + not_covered + "</ul></details>\n";
  }
  return h + "</div>\n";
}
}  // namespace

std::string HtmlEscape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string RenderHtmlReport(const RunResult& run, const std::string& output_dir) {
  const auto verdicts = RollUpRequirements(run);
  const auto summary = Summarise(run, verdicts);
  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">";
  h += "<title>ra2cert report: " + HtmlEscape(XmlSafeText(run.environment)) + "</title>";
  h += "<style>" + std::string(kStyle) + "</style></head><body>\n";
  h += "<h1>RA2 certification report</h1>\n";
  h += "<p id=\"verdict\" class=\"verdict " + std::string(RunVerdictName(summary.verdict)) +
       "\">Profile <b>" + HtmlEscape(summary.profile) + "</b>: <b>" +
       RunVerdictName(summary.verdict) + "</b></p>\n";
  h += "<p>Must requirements in scope: " + std::to_string(summary.must_pass) + " verified-pass, " +
       std::to_string(summary.must_fail) + " verified-fail, " +
       std::to_string(summary.must_not_verified) + " not-verified, " +
       std::to_string(summary.must_not_covered) + " not-covered, " +
       std::to_string(summary.must_not_applicable) + " not-applicable of " +
       std::to_string(summary.must_total) +
       ". Cases executed: " + std::to_string(summary.executed_cases) +
       (run.interrupted ? ". <b>The run was interrupted: results are partial.</b>" : ".") +
       (run.complete ? "" : " <b>The run is still in progress.</b>") + "</p>\n";
  h += BlockingList(summary);

  h += "<table class=\"meta\">";
  h += "<tr><td>Environment</td>" + Cell(XmlSafeText(run.environment)) + "</tr>";
  h += "<tr><td>Harness</td>" + Cell("ra2cert " + run.harness_version) + "</tr>";
  h += "<tr><td>Started (UTC)</td>" + Cell(UtcTimestamp(run.started)) + "</tr>";
  h += "<tr><td>Host</td>" + Cell(run.hostname) + "</tr>";
  for (const auto& [name, evidence] : run.capabilities.present) {
    h += "<tr><td>Capability " + HtmlEscape(name) + "</td>" + Cell(XmlSafeText(evidence)) + "</tr>";
  }
  h += "</table>\n";

  // Sections × outcomes.
  const std::vector<Outcome> outcomes = {Outcome::kPassed,   Outcome::kFailed,  Outcome::kError,
                                         Outcome::kTimedOut, Outcome::kSkipped, Outcome::kNotRun};
  std::map<std::string, std::map<Outcome, int>> grid;
  for (const auto& c : run.cases) ++grid[c.definition.Section()][c.outcome];
  h += "<h2>Sections</h2>\n<table id=\"sections\"><tr><th>Section</th>";
  for (Outcome o : outcomes) h += "<th>" + std::string(OutcomeName(o)) + "</th>";
  h += "</tr>\n";
  for (const auto& [section, counts] : grid) {
    std::string title = section;
    if (run.requirements && run.requirements->sections.contains(section)) {
      title += " " + run.requirements->sections.at(section);
    }
    h += "<tr>" + Cell(title);
    for (Outcome o : outcomes) {
      const int n = counts.contains(o) ? counts.at(o) : 0;
      h += "<td class=\"num" + std::string(n ? std::string(" ") + OutcomeName(o) : "") + "\">" +
           std::to_string(n) + "</td>";
    }
    h += "</tr>\n";
  }
  h += "</table>\n";

  // Cases.
  h += "<h2>Cases</h2>\n<table "
       "id=\"cases\"><tr><th>Case</th><th>Title</th><th>Outcome</th><th>Requirements</"
       "th><th>Seconds</th></tr>\n";
  for (const auto& c : run.cases) {
    std::string requirements;
    for (const auto& r : c.definition.meta.requirements)
      requirements += (requirements.empty() ? "" : " ") + r;
    const std::string outcome = std::string(OutcomeName(c.outcome)) + (c.flaky ? " (flaky)" : "");
    const bool problem = IsProblem(c.outcome);
    h += "<tr data-outcome=\"" + std::string(OutcomeName(c.outcome)) + "\"><td>" +
         (problem ? "<a href=\"#" + Anchor(c.definition.meta.id) + "\">" : "") +
         HtmlEscape(c.definition.meta.id) + (problem ? "</a>" : "") + "</td>" +
         Cell(c.definition.meta.title) + Cell(outcome, OutcomeName(c.outcome)) +
         Cell(requirements) + "<td class=\"num\">" + Seconds(c.seconds) + "</td></tr>\n";
  }
  h += "</table>\n";

  // Requirement matrix.
  h += "<h2>Requirements</h2>\n<table id=\"legend\">";
  for (RequirementStatus status : kRequirementStatuses) {
    h += "<tr>" + Cell(RequirementStatusName(status), RequirementStatusName(status)) +
         Cell(RequirementStatusMeaning(status)) + "</tr>";
  }
  h += "</table>\n<table "
       "id=\"requirements\"><tr><th>Requirement</th><th>Kind</th><th>Text</th><th>Cases</"
       "th><th>Verdict</th><th>Why</th></tr>\n";
  for (const auto& v : verdicts) {
    std::string cases;
    for (const auto& id : v.case_ids) cases += (cases.empty() ? "" : " ") + id;
    h += "<tr id=\"" + HtmlEscape(Anchor(v.requirement->id, "requirement-")) + "\" data-status=\"" +
         std::string(RequirementStatusName(v.status)) + "\">" + Cell(v.requirement->id) +
         Cell(v.requirement->kind) + Cell(v.requirement->text) + Cell(cases) +
         Cell(RequirementStatusName(v.status), RequirementStatusName(v.status)) +
         Cell(XmlSafeText(v.reason)) + "</tr>\n";
  }
  h += "</table>\n";

  // Evidence for every failure.
  h += "<h2>Failures and errors</h2>\n";
  bool any = false;
  for (const auto& c : run.cases) {
    if (!IsProblem(c.outcome)) continue;
    any = true;
    h += "<section class=\"failure\" id=\"" + Anchor(c.definition.meta.id) + "\"><h3>" +
         HtmlEscape(c.definition.meta.id + " " + c.definition.meta.title) + " — " +
         OutcomeName(c.outcome) + "</h3>\n";
    if (!c.file.empty())
      h += "<p>At <code>" + HtmlEscape(c.file + ":" + std::to_string(c.line)) + "</code></p>";
    h += "<pre class=\"evidence\">" +
         HtmlEscape(XmlSafeText(BoundText(c.message, size_t{16} * 1024))) + "</pre>\n";
    const std::string log =
        ReadFileTail((std::filesystem::path(output_dir) / c.log_path).string(), size_t{64} * 1024);
    if (!log.empty()) {
      h += "<details><summary>Log (" + HtmlEscape(c.log_path) + ", last 64 KiB)</summary><pre>" +
           HtmlEscape(XmlSafeText(log)) + "</pre></details>\n";
    }
    h += "</section>\n";
  }
  if (!any) h += "<p>None.</p>\n";
  h += "</body></html>\n";
  return h;
}

}  // namespace ra2cert
