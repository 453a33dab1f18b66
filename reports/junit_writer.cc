#include "reports/junit_writer.h"

#include <filesystem>
#include <map>
#include <pugixml.hpp>
#include <sstream>

#include "harness/results/verdicts.h"
#include "reports/report_files.h"
#include "reports/xml_text.h"

namespace ra2cert {
namespace {

class Writer {
 public:
  Writer(const RunResult& run, const JUnitOptions& options)
      : run_(run), options_(options), summary_(Summarise(run, RollUpRequirements(run))) {}

  std::string Render() {
    pugi::xml_document doc;
    auto declaration = doc.append_child(pugi::node_declaration);
    declaration.append_attribute("version") = "1.0";
    declaration.append_attribute("encoding") = "UTF-8";
    auto suites = doc.append_child("testsuites");

    std::map<std::string, std::vector<const CaseResult*>> by_section;
    for (const auto& c : run_.cases) by_section[c.definition.Section()].push_back(&c);
    int id = 0;
    for (const auto& [section, cases] : by_section) {
      AddSuite(suites, id++, section, cases);
    }
    // A JUnit reader counts only failures and errors: a run that executed nothing would
    // look green (all skipped). One error case makes it red.
    if (summary_.executed_cases == 0) AddNothingExecutedSuite(suites, id++);
    std::ostringstream out;
    doc.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
    return out.str();
  }

 private:
  void Set(pugi::xml_node node, const char* name, const std::string& value) {
    node.append_attribute(name) = XmlSafeText(value).c_str();
  }

  void AddProperty(pugi::xml_node properties, const std::string& name, const std::string& value) {
    auto property = properties.append_child("property");
    Set(property, "name", name);
    Set(property, "value", value);
  }

  // The run's verdict on every suite, so a reader of any one of them sees it.
  void AddVerdictProperties(pugi::xml_node properties) {
    AddProperty(properties, "ra2cert.verdict", RunVerdictName(summary_.verdict));
    AddProperty(properties, "ra2cert.executed-cases", std::to_string(summary_.executed_cases));
    for (const auto& blocker : summary_.blocking) {
      AddProperty(properties, "ra2cert.blocker." + blocker.id,
                  std::string(RequirementStatusName(blocker.status)) + ": " + blocker.reason);
    }
    int n = 0;
    for (const auto& blocker : summary_.run_blockers) {
      AddProperty(properties, "ra2cert.run-blocker." + std::to_string(++n), blocker);
    }
  }

  void AddNothingExecutedSuite(pugi::xml_node suites, int id) {
    auto suite = suites.append_child("testsuite");
    Set(suite, "name", "RA2 run");
    Set(suite, "timestamp", UtcTimestamp(run_.started));
    Set(suite, "hostname", run_.hostname.empty() ? "localhost" : run_.hostname);
    Set(suite, "tests", "1");
    Set(suite, "failures", "0");
    Set(suite, "errors", "1");
    Set(suite, "skipped", "0");
    Set(suite, "time", Seconds(0));
    Set(suite, "package", "ra2cert.run");
    Set(suite, "id", std::to_string(id));
    auto properties = suite.append_child("properties");
    AddProperty(properties, "ra2cert.profile", run_.selection.profile);
    AddProperty(properties, "ra2cert.environment", run_.environment);
    AddProperty(properties, "ra2cert.version", run_.harness_version);
    AddVerdictProperties(properties);
    auto testcase = suite.append_child("testcase");
    Set(testcase, "name", "at least one case executed");
    Set(testcase, "classname", "ra2cert.run");
    Set(testcase, "time", Seconds(0));
    auto error = testcase.append_child("error");
    const std::string message = "no case executed (" + std::to_string(run_.cases.size()) +
                                " selected, none ran): the run verifies nothing; verdict " +
                                RunVerdictName(summary_.verdict);
    Set(error, "message", message);
    Set(error, "type", "NoCaseExecuted");
    std::string body = message + "\n";
    for (const auto& blocker : summary_.run_blockers) body += blocker + "\n";
    error.text().set(XmlSafeText(BoundText(body, options_.max_text_bytes)).c_str());
    suite.append_child("system-out");
    suite.append_child("system-err");
  }

  std::string SectionTitle(const std::string& section) const {
    if (run_.requirements) {
      auto it = run_.requirements->sections.find(section);
      if (it != run_.requirements->sections.end()) return section + " " + it->second;
    }
    return section;
  }

  void AddSuite(pugi::xml_node suites, int id, const std::string& section,
                const std::vector<const CaseResult*>& cases) {
    int failures = 0, errors = 0, skipped = 0;
    double seconds = 0;
    for (const CaseResult* c : cases) {
      failures += c->outcome == Outcome::kFailed ? 1 : 0;
      errors += (c->outcome == Outcome::kError || c->outcome == Outcome::kTimedOut) ? 1 : 0;
      skipped += (c->outcome == Outcome::kSkipped || c->outcome == Outcome::kNotRun) ? 1 : 0;
      seconds += c->seconds;
    }
    auto suite = suites.append_child("testsuite");
    Set(suite, "name", "RA2 " + SectionTitle(section));
    Set(suite, "timestamp", UtcTimestamp(run_.started));
    Set(suite, "hostname", run_.hostname.empty() ? "localhost" : run_.hostname);
    Set(suite, "tests", std::to_string(cases.size()));
    Set(suite, "failures", std::to_string(failures));
    Set(suite, "errors", std::to_string(errors));
    Set(suite, "skipped", std::to_string(skipped));
    Set(suite, "time", Seconds(seconds));
    Set(suite, "package", "ra2cert." + section);
    Set(suite, "id", std::to_string(id));

    auto properties = suite.append_child("properties");
    AddProperty(properties, "ra2cert.section", section);
    AddProperty(properties, "ra2cert.profile", run_.selection.profile);
    AddProperty(properties, "ra2cert.environment", run_.environment);
    AddProperty(properties, "ra2cert.version", run_.harness_version);
    AddProperty(properties, "ra2cert.timezone", "UTC");
    if (run_.interrupted) AddProperty(properties, "ra2cert.interrupted", "true");
    AddVerdictProperties(properties);
    for (const CaseResult* c : cases) {
      const std::string& case_id = c->definition.meta.id;
      AddProperty(properties, case_id + ".requirements", Join(c->definition.meta.requirements));
      AddProperty(properties, case_id + ".outcome", OutcomeName(c->outcome));
      AddProperty(properties, case_id + ".source",
                  c->definition.file + ":" + std::to_string(c->definition.line));
      if (c->flaky) AddProperty(properties, case_id + ".flaky", "true");
    }
    for (const CaseResult* c : cases) AddCase(suite, section, *c);
    std::string out;
    for (const CaseResult* c : cases) {
      if (c->flaky) out += c->definition.meta.id + " is flaky: " + c->message + "\n";
    }
    suite.append_child("system-out").text().set(XmlSafeText(out).c_str());
    suite.append_child("system-err");
  }

  void AddCase(pugi::xml_node suite, const std::string& section, const CaseResult& c) {
    auto testcase = suite.append_child("testcase");
    Set(testcase, "name", c.definition.meta.id + " " + c.definition.meta.title);
    Set(testcase, "classname", "ra2cert." + section);
    Set(testcase, "time", Seconds(c.seconds));
    if (options_.flavor == JUnitFlavor::kExtended) {
      Set(testcase, "file", c.file.empty() ? c.definition.file : c.file);
      Set(testcase, "line", std::to_string(c.line ? c.line : c.definition.line));
      auto properties = testcase.append_child("properties");
      AddProperty(properties, "requirements", Join(c.definition.meta.requirements));
      AddProperty(properties, "section", section);
      if (c.flaky) AddProperty(properties, "flaky", "true");
    }
    const char* element = nullptr;
    switch (c.outcome) {
      case Outcome::kPassed:
        return;
      case Outcome::kFailed:
        element = "failure";
        break;
      case Outcome::kError:
      case Outcome::kTimedOut:
        element = "error";
        break;
      case Outcome::kSkipped:
      case Outcome::kNotRun:
        element = "skipped";
        break;
    }
    auto node = testcase.append_child(element);
    std::string message = c.message;
    if (c.outcome == Outcome::kNotRun) message = "not run: " + message;
    Set(node, "message", BoundText(FirstLine(message), 1024));
    if (c.outcome == Outcome::kSkipped || c.outcome == Outcome::kNotRun) return;
    Set(node, "type", OutcomeName(c.outcome));
    std::string body;
    if (!c.file.empty()) body += c.file + ":" + std::to_string(c.line) + "\n";
    body += message + "\n";
    const std::string log =
        ReadFileTail((std::filesystem::path(options_.output_dir) / c.log_path).string(),
                     options_.max_text_bytes);
    if (!log.empty()) body += "\n--- log (" + c.log_path + ") ---\n" + log;
    node.text().set(XmlSafeText(BoundText(body, options_.max_text_bytes)).c_str());
  }

  static std::string Join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : " ") + item;
    return out;
  }

  static std::string FirstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

  const RunResult& run_;
  const JUnitOptions& options_;
  const ConformanceSummary summary_;
};

}  // namespace

std::string RenderJUnit(const RunResult& run, const JUnitOptions& options) {
  return Writer(run, options).Render();
}

}  // namespace ra2cert
