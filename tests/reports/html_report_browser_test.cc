// report.html as a person sees it: the engine's fixture binary produces a run with a
// pass, a failure, a crash and skips; headless Chromium (Debian's) renders the page,
// and the test reads the DOM Chromium built and the screenshot it took.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

namespace {
namespace fs = std::filesystem;

std::string Shell(const std::string& command, int* exit_code = nullptr) {
  std::string output;
  FILE* pipe = ::popen(command.c_str(), "r");
  char buffer[4096];
  size_t n;
  while (pipe && (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, n);
  const int status = pipe ? ::pclose(pipe) : -1;
  if (exit_code) *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return output;
}

int Count(const std::string& text, const std::string& needle) {
  int count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
    ++count;
  return count;
}

class HtmlReportBrowserTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ra2cert-html-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "state");
    int exit_code = 0;
    Shell(
        "RA2CERT_FIXTURE_STATE=" + (dir_ / "state").string() +
            " NO_COLOR=1 " RA2CERT_FIXTURE_BINARY
            " run --focus 'fixture (passes|fails|crashes|needs CRI|not applicable)' --output-dir " +
            (dir_ / "out").string() + " >/dev/null 2>&1",
        &exit_code);
    ASSERT_EQ(exit_code, 1);
    ASSERT_TRUE(fs::exists(dir_ / "out/report.html"));
  }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(dir_);
  }
  std::string Chromium(const std::string& args) {
    return Shell(
        "timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
        "--disable-background-networking --disable-component-update --disable-sync "
        "--user-data-dir=" +
        (dir_ / "profile").string() + " " + args + " file://" +
        (dir_ / "out/report.html").string() + " 2>/dev/null");
  }
  fs::path dir_;
};

TEST_F(HtmlReportBrowserTest, ShowsVerdictCountsAndTheFailureEvidence) {
  const std::string dom = Chromium("--dump-dom");
  ASSERT_NE(dom.find("<table id=\"cases\">"), std::string::npos) << dom.substr(0, 2000);
  EXPECT_NE(dom.find("Profile <b>basic</b>: <b>not-conformant</b>"), std::string::npos);
  EXPECT_EQ(Count(dom, "data-outcome=\"Passed\""), 1);
  EXPECT_EQ(Count(dom, "data-outcome=\"Failed\""), 1);
  EXPECT_EQ(Count(dom, "data-outcome=\"Error\""), 1);
  EXPECT_EQ(Count(dom, "data-outcome=\"Skipped\""), 2);
  EXPECT_EQ(Count(dom, "data-status=\"not-applicable\""), 1);
  // The failing case links to its evidence, which carries the assertion's own words.
  EXPECT_NE(dom.find("href=\"#case-4-2-002\""), std::string::npos);
  const size_t evidence = dom.find("id=\"case-4-2-002\"");
  ASSERT_NE(evidence, std::string::npos);
  EXPECT_NE(dom.find("the answer is off by one", evidence), std::string::npos);
  EXPECT_NE(dom.find("fixture_cases.cc:", evidence), std::string::npos);
  // Self-contained: nothing to fetch.
  EXPECT_EQ(dom.find("src=\"http"), std::string::npos);
  EXPECT_EQ(dom.find("<link"), std::string::npos);
}

TEST_F(HtmlReportBrowserTest, RendersToAScreenshot) {
  const fs::path shot = dir_ / "report.png";
  Chromium("--window-size=1280,1400 --screenshot=" + shot.string());
  ASSERT_TRUE(fs::exists(shot));
  std::ifstream png(shot, std::ios::binary);
  unsigned char header[24] = {};
  png.read(reinterpret_cast<char*>(header), sizeof header);
  ASSERT_EQ(header[1], 'P');
  const unsigned width = (header[16] << 24) | (header[17] << 16) | (header[18] << 8) | header[19];
  EXPECT_EQ(width, 1280u);
  // A blank page compresses to almost nothing; a rendered report with tables does not.
  EXPECT_GT(fs::file_size(shot), 30000u);
}

}  // namespace
