#include "reports/matrix_report.h"

#include <map>
#include <set>

#include "harness/results/verdicts.h"
#include "reports/html_report.h"
#include "reports/xml_text.h"

namespace ra2cert {
namespace {
using nlohmann::json;

std::string Text(const json& object, const char* key, const std::string& fallback = "") {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : fallback;
}

// The outcome a column gives a case it has no result for.
std::string MissingOutcome(const MatrixColumn& column) {
  return column.status == "ran" ? "Absent" : "NotRun";
}

json VersionEntry(const MatrixColumn& column) {
  json entry = {{"version", column.version},       {"status", column.status},
                {"message", column.message},       {"exit_code", column.exit_code},
                {"output_dir", column.output_dir}, {"bundle", column.bundle}};
  if (column.results) {
    const json& r = *column.results;
    entry["environment"] = Text(r, "environment");
    entry["counts"] = r.value("counts", json::object());
    entry["interrupted"] = r.value("interrupted", false);
    if (auto v = r.find("verdict"); v != r.end() && v->is_object()) {
      entry["profile"] = Text(*v, "profile");
      entry["verdict"] = Text(*v, "verdict", "none");
    }
  }
  if (!entry.contains("verdict")) entry["verdict"] = "none";
  return entry;
}

// Rows keyed by id, one cell per version; `differs` when the versions that ran disagree.
json Rows(const std::vector<MatrixColumn>& columns, const char* list, const char* cell_key,
          const char* out_key, const std::vector<const char*>& copied) {
  std::map<std::string, json> rows;
  for (const auto& column : columns) {
    if (!column.results) continue;
    for (const auto& item : column.results->value(list, json::array())) {
      const std::string id = Text(item, "id");
      if (id.empty()) continue;
      json& row = rows[id];
      if (row.is_null()) {
        row = {{"id", id}};
        for (const char* key : copied) {
          if (item.contains(key)) row[key] = item[key];
        }
        row[out_key] = json::object();
        row["messages"] = json::object();
      }
      row[out_key][column.version] = Text(item, cell_key, "unknown");
      const std::string message = Text(item, "message", Text(item, "reason"));
      if (!message.empty()) row["messages"][column.version] = message;
    }
  }
  json out = json::array();
  for (auto& [id, row] : rows) {
    std::set<std::string> seen;
    for (const auto& column : columns) {
      if (!row[out_key].contains(column.version))
        row[out_key][column.version] = MissingOutcome(column);
      if (column.status == "ran") seen.insert(row[out_key][column.version].get<std::string>());
    }
    row["differs"] = seen.size() > 1;
    out.push_back(std::move(row));
  }
  return out;
}

std::string Escape(const std::string& text) { return HtmlEscape(XmlSafeText(text)); }

std::string Cell(const std::string& text, const std::string& css_class = "",
                 const std::string& title = "") {
  std::string cell = "<td";
  if (!css_class.empty()) cell += " class=\"" + Escape(css_class) + "\"";
  if (!title.empty()) cell += " title=\"" + Escape(BoundText(title, 2048)) + "\"";
  return cell + ">" + Escape(text) + "</td>";
}

std::string Link(const std::string& href, const std::string& text) {
  if (href.empty()) return "<td>—</td>";
  return "<td><a href=\"" + Escape(href) + "\">" + Escape(text) + "</a></td>";
}

const char* kStyle = R"(
body{font-family:system-ui,sans-serif;margin:2rem;color:#1d2433;max-width:90rem}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ccd}
table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #ccd;padding:.25rem .6rem;text-align:left;vertical-align:top}
th{background:#f0f2f7}.num{text-align:right}
.Passed,.verified-pass,.conformant{background:#dff3e3}.Failed,.verified-fail,.not-conformant,.failed-to-start{background:#fbe0e0}
.Error,.TimedOut{background:#f6e0f5}.Skipped,.NotRun,.not-verified,.incomplete,.not-run,.Absent{background:#fff4d6}.not-applicable{background:#eef}
.not-covered{background:#ebebeb}
tr.differs td:first-child{border-left:4px solid #c33;font-weight:600}
#cases td:nth-child(n+3),#requirements td:nth-child(n+3){white-space:nowrap}
)";

std::string CountsText(const json& counts) {
  std::string text;
  for (const char* outcome : {"Passed", "Failed", "Error", "TimedOut", "Skipped", "NotRun"}) {
    const int n = counts.value(outcome, 0);
    if (n == 0) continue;
    text += (text.empty() ? "" : ", ") + std::to_string(n) + " " + outcome;
  }
  return text.empty() ? "no cases" : text;
}
}  // namespace

json RenderMatrixJson(const std::vector<MatrixColumn>& columns, const std::string& harness_version,
                      bool complete) {
  json versions = json::array();
  for (const auto& column : columns) versions.push_back(VersionEntry(column));
  return {{"schema", "ra2cert.matrix/v1"},
          {"harness_version", harness_version},
          {"complete", complete},
          {"versions", versions},
          {"cases", Rows(columns, "cases", "outcome", "outcomes", {"title", "section"})},
          {"requirements",
           Rows(columns, "requirements", "status", "statuses", {"section", "kind", "text"})}};
}

std::string RenderMatrixHtml(const json& matrix) {
  const json& versions = matrix["versions"];
  std::string h = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">";
  h += "<title>ra2cert version matrix</title><style>" + std::string(kStyle) +
       "</style></head><body>\n<h1>RA2 certification: Kubernetes version matrix</h1>\n";
  if (!matrix.value("complete", false)) {
    h += "<p><b>The matrix is incomplete: it was interrupted or is still running.</b></p>\n";
  }
  h += "<h2>Versions</h2>\n<table id=\"versions\"><tr><th>Version</th><th>Environment</th>"
       "<th>Verdict</th><th>Cases</th><th>Report</th><th>Bundle</th></tr>\n";
  for (const auto& v : versions) {
    const std::string status = Text(v, "status");
    const std::string verdict = status == "ran" ? Text(v, "verdict") : status;
    const std::string dir = Text(v, "output_dir");
    h += "<tr data-version=\"" + Escape(Text(v, "version")) + "\">" + Cell(Text(v, "version")) +
         Cell(Text(v, "environment", Text(v, "message"))) +
         Cell(verdict + (v.value("interrupted", false) ? " (interrupted)" : ""), verdict,
              Text(v, "message")) +
         Cell(v.contains("counts") ? CountsText(v["counts"]) : "—") +
         Link(status == "ran" && !dir.empty() ? dir + "/report.html" : "", "report.html") +
         Link(Text(v, "bundle"), Text(v, "bundle")) + "</tr>\n";
  }
  h += "</table>\n";

  auto grid = [&](const char* id, const char* title, const char* list, const char* cells,
                  const char* text_key) {
    h += "<h2>" + std::string(title) + "</h2>\n<p>A marked row differs between versions.</p>\n";
    h += "<table id=\"" + std::string(id) + "\"><tr><th>Id</th><th>" +
         (std::string(text_key) == "title" ? "Title" : "Text") + "</th>";
    for (const auto& v : versions) h += "<th>" + Escape(Text(v, "version")) + "</th>";
    h += "</tr>\n";
    for (const auto& row : matrix[list]) {
      const bool differs = row.value("differs", false);
      h += std::string("<tr") + (differs ? " class=\"differs\"" : "") + " data-id=\"" +
           Escape(Text(row, "id")) + "\">" + Cell(Text(row, "id")) + Cell(Text(row, text_key));
      for (const auto& v : versions) {
        const std::string version = Text(v, "version");
        const std::string value = Text(row[cells], version.c_str());
        h += Cell(value, value, Text(row["messages"], version.c_str()));
      }
      h += "</tr>\n";
    }
    h += "</table>\n";
  };
  grid("cases", "Cases × versions", "cases", "outcomes", "title");
  grid("requirements", "Requirements × versions", "requirements", "statuses", "text");
  h += "<table id=\"legend\">";
  for (RequirementStatus status : kRequirementStatuses) {
    h += "<tr>" + Cell(RequirementStatusName(status), RequirementStatusName(status)) +
         Cell(RequirementStatusMeaning(status)) + "</tr>";
  }
  h += "</table>\n";
  h += "</body></html>\n";
  return h;
}

std::string RenderMatrixText(const json& matrix) {
  std::string t = "Version matrix:\n";
  for (const auto& v : matrix["versions"]) {
    const std::string status = Text(v, "status");
    t += "  " + Text(v, "version") + "  ";
    if (status == "ran") {
      t += Text(v, "verdict") + ", " + CountsText(v.value("counts", json::object()));
      if (!Text(v, "bundle").empty()) t += ", bundle " + Text(v, "bundle");
    } else {
      t += status + (Text(v, "message").empty() ? "" : ": " + Text(v, "message"));
    }
    t += "\n";
  }
  std::string differing;
  for (const auto& row : matrix["cases"]) {
    if (!row.value("differs", false)) continue;
    differing += "  " + Text(row, "id");
    for (const auto& v : matrix["versions"]) {
      const std::string version = Text(v, "version");
      differing += "  " + version + " " + Text(row["outcomes"], version.c_str());
    }
    differing += "\n";
  }
  t += differing.empty() ? "No case's outcome differs between the versions that ran.\n"
                         : "Cases whose outcome differs between versions:\n" + differing;
  return t;
}

}  // namespace ra2cert
