#include "reports/console_reporter.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "harness/results/verdicts.h"
#include "reports/json_writer.h"
#include "reports/report_files.h"
#include "reports/verdict_text.h"

namespace ra2cert {
namespace {
const char* ColourOf(Outcome outcome) {
  switch (outcome) {
    case Outcome::kPassed:
      return "32";
    case Outcome::kFailed:
      return "31";
    case Outcome::kError:
    case Outcome::kTimedOut:
      return "35";
    case Outcome::kSkipped:
    case Outcome::kNotRun:
      return "33";
  }
  return "0";
}
}  // namespace

ConsoleStyle ConsoleStyle::Detect(FILE* stream) {
  ConsoleStyle style;
  const char* term = std::getenv("TERM");
  const bool dumb = term && std::strcmp(term, "dumb") == 0;
  style.live = ::isatty(::fileno(stream)) && !dumb;
  const char* no_colour = std::getenv("NO_COLOR");
  style.colour = style.live && !(no_colour && *no_colour);
  return style;
}

std::string ConsoleReporter::Paint(const std::string& text, const char* colour) const {
  if (!style_.colour) return text;
  return std::string("\033[") + colour + "m" + text + "\033[0m";
}

void ConsoleReporter::ClearStatus() {
  if (style_.live) std::fputs("\r\033[K", out_);
}

void ConsoleReporter::DrawStatus(const RunResult&) {
  if (!style_.live) return;
  const int width = 30;
  const int done = total_ ? finished_ * width / total_ : width;
  std::string bar(static_cast<size_t>(done), '#');
  bar.resize(width, '.');
  std::fprintf(out_, "[%s] %d/%d, %d running: %s", bar.c_str(), finished_, total_, running_,
               last_started_.c_str());
  std::fflush(out_);
}

void ConsoleReporter::OnRunStart(const RunResult& run) {
  total_ = static_cast<int>(run.cases.size());
  int runnable = 0;
  for (const auto& c : run.cases) runnable += c.outcome == Outcome::kNotRun ? 1 : 0;
  std::fprintf(out_,
               "ra2cert %s: run %s, %d case(s) selected, %d to run, profile %s, environment %s\n",
               run.harness_version.c_str(), run.run_id.c_str(), total_, runnable,
               run.selection.profile.c_str(), run.environment.c_str());
  // The run id must reach a log even when ra2cert is killed right after (SIGKILL leaves
  // no chance to flush a file's buffer), so that `ra2cert cleanup --run ID` can be given.
  std::fflush(out_);
  for (const auto& c : run.cases) {
    if (c.outcome != Outcome::kSkipped) continue;
    ++finished_;
    std::fprintf(out_, "%s %s %s: %s\n", Paint("SKIPPED ", ColourOf(c.outcome)).c_str(),
                 c.definition.meta.id.c_str(), c.definition.meta.title.c_str(), c.message.c_str());
  }
  DrawStatus(run);
}

void ConsoleReporter::OnCaseStart(const CaseDefinition& definition, int attempt) {
  ++running_;
  last_started_ =
      definition.meta.id + (attempt > 1 ? " (retry " + std::to_string(attempt - 1) + ")" : "");
}

void ConsoleReporter::OnCaseFinish(const CaseResult& c, const RunResult& run) {
  --running_;
  ++finished_;
  ClearStatus();
  char label[16];
  std::snprintf(label, sizeof label, "%-8s", c.flaky ? "FLAKY" : OutcomeName(c.outcome));
  std::fprintf(out_, "%s %s %s (%s s)", Paint(label, ColourOf(c.outcome)).c_str(),
               c.definition.meta.id.c_str(), c.definition.meta.title.c_str(),
               Seconds(c.seconds).c_str());
  if (c.outcome != Outcome::kPassed || c.flaky) {
    // The whole message, indented, up to a screenful: the log has the rest.
    std::string message = c.message;
    if (!c.file.empty()) message = c.file + ":" + std::to_string(c.line) + ": " + message;
    int lines = 0;
    for (size_t start = 0; start < message.size() && lines < 12; ++lines) {
      const size_t end = std::min(message.find('\n', start), message.size());
      std::fprintf(out_, "\n         %s", message.substr(start, end - start).c_str());
      start = end + 1;
    }
    if (lines == 12) std::fprintf(out_, "\n         ... (see %s)", c.log_path.c_str());
  }
  std::fputc('\n', out_);
  DrawStatus(run);
}

void ConsoleReporter::OnInterrupt(const RunResult&) {
  ClearStatus();
  std::fputs(
      "Interrupted: stopping running cases and writing partial results "
      "(interrupt again to kill them now)\n",
      out_);
}

void ConsoleReporter::OnRunFinish(const RunResult& run) {
  ClearStatus();
  std::map<Outcome, int> counts;
  for (const auto& c : run.cases) ++counts[c.outcome];
  std::fprintf(out_, "\n%d passed, %d failed, %d skipped, %d error, %d timed out, %d not run\n",
               counts[Outcome::kPassed], counts[Outcome::kFailed], counts[Outcome::kSkipped],
               counts[Outcome::kError], counts[Outcome::kTimedOut], counts[Outcome::kNotRun]);
  if (!run.leftovers_removed.empty())
    std::fprintf(out_, "Removed %zu namespace(s) a stopped case left behind (run %s).\n",
                 run.leftovers_removed.size(), run.run_id.c_str());
  if (!run.cleanup_error.empty())
    std::fprintf(out_,
                 "Could not check the cluster for what this run left (%s); once it answers: "
                 "ra2cert cleanup --run %s\n",
                 run.cleanup_error.c_str(), run.run_id.c_str());
  const auto verdicts = RollUpRequirements(run);
  const auto summary = Summarise(run, verdicts);
  // A screenful at most: results.json and report.html list every blocker.
  std::fputs(RenderVerdictText(RenderVerdictJson(summary), 20).c_str(), out_);
  if (summary.executed_cases == 0) {
    std::fputs("No case executed: nothing was verified.\n", out_);
  }
  std::fflush(out_);
}

}  // namespace ra2cert
