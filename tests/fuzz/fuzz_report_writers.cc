// Fuzz target: the JUnit and HTML writers given hostile text. Case messages carry what a
// cluster returned (event messages, pod logs, error bodies), so any bytes may arrive: the
// JUnit file must stay well-formed XML with every case in it, and the HTML report must
// not let the text open an element of its own.
#include <cstddef>
#include <cstdint>
#include <pugixml.hpp>
#include <string>

#include "reports/html_report.h"
#include "reports/junit_writer.h"
#include "tests/fuzz/fuzz_checks.h"

namespace {

ra2cert::CaseResult MakeCase(const std::string& id, const std::string& text,
                             ra2cert::Outcome outcome) {
  ra2cert::CaseResult result;
  result.definition.meta.id = id;
  result.definition.meta.title = text.substr(0, text.size() / 3);
  result.definition.gtest_name = "Fuzz.Case";
  result.outcome = outcome;
  result.message = text;
  result.file = text.substr(text.size() / 2);
  return result;
}

size_t Count(const std::string& haystack, const std::string& needle) {
  size_t count = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + 1))
    ++count;
  return count;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  ra2cert::RunResult run;
  run.environment = text.substr(0, 64);
  run.complete = true;
  run.cases = {MakeCase("4.2.001", text, ra2cert::Outcome::kFailed),
               MakeCase("4.2.002", text, ra2cert::Outcome::kError),
               MakeCase("4.2.003", text, ra2cert::Outcome::kSkipped),
               MakeCase("4.2.004", text, ra2cert::Outcome::kPassed)};
  for (const auto flavor : {ra2cert::JUnitFlavor::kStrict, ra2cert::JUnitFlavor::kExtended}) {
    const std::string junit = ra2cert::RenderJUnit(run, {.flavor = flavor});
    pugi::xml_document document;
    const pugi::xml_parse_result parsed = document.load_string(junit.c_str());
    if (!parsed) ra2cert::fuzz::Finding("JUnit output is not XML", parsed.description());
    if (document.select_nodes("//testcase").size() < run.cases.size())
      ra2cert::fuzz::Finding("JUnit output lost a case", junit);
  }
  ra2cert::RunResult plain = run;
  plain.environment = "x";
  for (auto& result : plain.cases)
    result = MakeCase(result.definition.meta.id, "x", result.outcome);
  const std::string html = ra2cert::RenderHtmlReport(run, "");
  const std::string baseline = ra2cert::RenderHtmlReport(plain, "");
  for (const char* tag : {"<script", "<img", "<iframe", "<a ", "<svg", "<style"})
    if (Count(html, tag) != Count(baseline, tag))
      ra2cert::fuzz::Finding(std::string("case text opened an element: ") + tag, text);
  return 0;
}
