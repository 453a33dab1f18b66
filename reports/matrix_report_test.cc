#include "reports/matrix_report.h"

#include <gtest/gtest.h>

namespace ra2cert {
namespace {
using nlohmann::json;

json Results(const std::string& verdict, std::vector<std::pair<std::string, std::string>> cases) {
  json out = {{"schema", "ra2cert.results/v1"},
              {"environment", "local https://10.250.0.11:6443 (Kubernetes v1.x)"},
              {"verdict", {{"profile", "basic"}, {"verdict", verdict}}},
              {"counts", json::object()},
              {"cases", json::array()},
              {"requirements", json::array()}};
  for (const auto& [id, outcome] : cases) {
    out["cases"].push_back({{"id", id}, {"title", "title of " + id}, {"outcome", outcome}});
    out["counts"][outcome] = out["counts"].value(outcome, 0) + 1;
    if (outcome == "Failed") out["cases"].back()["message"] = "why " + id + " failed <here>";
  }
  out["requirements"].push_back(
      {{"id", "ra2.k8s.001"},
       {"kind", "must"},
       {"status", verdict == "conformant" ? "verified-pass" : "verified-fail"}});
  return out;
}

MatrixColumn Ran(const std::string& version, json results, int exit_code) {
  MatrixColumn column;
  column.version = version;
  column.status = "ran";
  column.exit_code = exit_code;
  column.output_dir = version;
  column.bundle = version + "/ra2cert-x.tar.gz";
  column.results = std::move(results);
  return column;
}

const json* Row(const json& matrix, const char* list, const std::string& id) {
  for (const auto& row : matrix[list]) {
    if (row["id"] == id) return &row;
  }
  return nullptr;
}

TEST(MatrixReportTest, PutsEveryVersionSideBySideAndMarksDifferences) {
  MatrixColumn not_started;
  not_started.version = "1.35";
  not_started.status = "failed-to-start";
  not_started.message = "the local cluster did not come up";
  const json matrix = RenderMatrixJson(
      {Ran("1.32", Results("not-conformant", {{"4.3.001", "Failed"}, {"4.4.001", "Passed"}}), 1),
       Ran("1.33",
           Results("conformant",
                   {{"4.3.001", "Passed"}, {"4.4.001", "Passed"}, {"4.9.003", "Passed"}}),
           0),
       not_started},
      "9.9.9", true);
  EXPECT_EQ(matrix["schema"], "ra2cert.matrix/v1");
  ASSERT_EQ(matrix["versions"].size(), 3u);
  EXPECT_EQ(matrix["versions"][0]["verdict"], "not-conformant");
  EXPECT_EQ(matrix["versions"][1]["verdict"], "conformant");
  EXPECT_EQ(matrix["versions"][2]["status"], "failed-to-start");
  EXPECT_EQ(matrix["versions"][2]["verdict"], "none");

  const json* version_case = Row(matrix, "cases", "4.3.001");
  ASSERT_NE(version_case, nullptr);
  EXPECT_EQ((*version_case)["outcomes"]["1.32"], "Failed");
  EXPECT_EQ((*version_case)["outcomes"]["1.33"], "Passed");
  EXPECT_EQ((*version_case)["outcomes"]["1.35"], "NotRun");
  EXPECT_TRUE((*version_case)["differs"]);  // the version that never ran does not count
  EXPECT_EQ((*version_case)["messages"]["1.32"], "why 4.3.001 failed <here>");

  const json* same = Row(matrix, "cases", "4.4.001");
  ASSERT_NE(same, nullptr);
  EXPECT_FALSE((*same)["differs"]);
  const json* only_new = Row(matrix, "cases", "4.9.003");
  ASSERT_NE(only_new, nullptr);
  EXPECT_EQ((*only_new)["outcomes"]["1.32"], "Absent");
  EXPECT_TRUE((*only_new)["differs"]);

  const json* requirement = Row(matrix, "requirements", "ra2.k8s.001");
  ASSERT_NE(requirement, nullptr);
  EXPECT_EQ((*requirement)["statuses"]["1.32"], "verified-fail");
  EXPECT_EQ((*requirement)["statuses"]["1.33"], "verified-pass");
  EXPECT_TRUE((*requirement)["differs"]);

  const std::string text = RenderMatrixText(matrix);
  EXPECT_NE(text.find("1.32  not-conformant, 1 Passed, 1 Failed"), std::string::npos) << text;
  EXPECT_NE(text.find("1.35  failed-to-start: the local cluster did not come up"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("4.3.001  1.32 Failed  1.33 Passed  1.35 NotRun"), std::string::npos) << text;
  EXPECT_EQ(text.find("4.4.001"), std::string::npos) << text;
}

TEST(MatrixReportTest, HtmlIsEscapedAndLinksEachVersionsReport) {
  const json matrix = RenderMatrixJson(
      {Ran("1.32", Results("not-conformant", {{"4.3.001", "Failed"}}), 1)}, "9.9.9", false);
  const std::string html = RenderMatrixHtml(matrix);
  EXPECT_NE(html.find("href=\"1.32/report.html\""), std::string::npos);
  EXPECT_NE(html.find("href=\"1.32/ra2cert-x.tar.gz\""), std::string::npos);
  EXPECT_NE(html.find("title=\"why 4.3.001 failed &lt;here&gt;\""), std::string::npos);
  EXPECT_EQ(html.find("<here>"), std::string::npos);
  EXPECT_NE(html.find("The matrix is incomplete"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
}

TEST(MatrixReportTest, HtmlColoursNotCoveredAndExplainsEveryStatus) {
  json results = Results("incomplete", {{"4.3.001", "Passed"}});
  results["requirements"].push_back(
      {{"id", "ra2.os.004"},
       {"kind", "must"},
       {"status", "not-covered"},
       {"reason", "only a vendor declaration can show it (testable: doc)"}});
  const std::string html = RenderMatrixHtml(RenderMatrixJson({Ran("1.33", results, 1)}, "9", true));
  EXPECT_NE(html.find(".not-covered{"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"not-covered\" title=\"only a vendor declaration can show it "
                      "(testable: doc)\">not-covered</td>"),
            std::string::npos)
      << html;
  const size_t legend = html.find("<table id=\"legend\">");
  ASSERT_NE(legend, std::string::npos);
  for (const char* status :
       {"verified-pass", "verified-fail", "not-verified", "not-applicable", "not-covered"}) {
    EXPECT_NE(html.find(std::string(">") + status + "</td><td>", legend), std::string::npos)
        << status;
  }
}

TEST(MatrixReportTest, NoVersionsRanMeansNoRows) {
  MatrixColumn waiting;
  waiting.version = "1.34";
  const json matrix = RenderMatrixJson({waiting}, "9.9.9", false);
  EXPECT_TRUE(matrix["cases"].empty());
  EXPECT_EQ(matrix["versions"][0]["status"], "not-run");
  EXPECT_NE(RenderMatrixText(matrix).find("No case's outcome differs"), std::string::npos);
}

}  // namespace
}  // namespace ra2cert
