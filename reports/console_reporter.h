// Progress for people: on a terminal a live status line, otherwise one line per case
// (CI logs). Colour only on a terminal and never when NO_COLOR is set.
#pragma once

#include <cstdio>
#include <string>

#include "harness/run/run_listener.h"

namespace ra2cert {

struct ConsoleStyle {
  bool live = false;  // redraw a status line (a TTY)
  bool colour = false;

  static ConsoleStyle Detect(FILE* stream);  // isatty + NO_COLOR + TERM=dumb
};

class ConsoleReporter : public RunListener {
 public:
  ConsoleReporter(FILE* stream, ConsoleStyle style) : out_(stream), style_(style) {}
  void OnRunStart(const RunResult& run) override;
  void OnCaseStart(const CaseDefinition& definition, int attempt) override;
  void OnCaseFinish(const CaseResult& result, const RunResult& run) override;
  void OnInterrupt(const RunResult& run) override;
  void OnRunFinish(const RunResult& run) override;

 private:
  void ClearStatus();
  void DrawStatus(const RunResult& run);
  std::string Paint(const std::string& text, const char* colour) const;

  FILE* out_;
  ConsoleStyle style_;
  int total_ = 0, finished_ = 0, running_ = 0;
  std::string last_started_;
};

}  // namespace ra2cert
