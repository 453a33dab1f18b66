// Writes junit.xml, results.json and report.html into the output directory at the start, after
// every case and at the end, so whatever stops the run, the files on disk describe
// everything that finished.
#pragma once

#include <string>

#include "harness/run/run_listener.h"
#include "reports/junit_writer.h"

namespace ra2cert {

class FileReporter : public RunListener {
 public:
  FileReporter(std::string output_dir, JUnitFlavor flavor);
  void OnRunStart(const RunResult& run) override { Write(run); }
  void OnCaseFinish(const CaseResult&, const RunResult& run) override { Write(run); }
  void OnRunFinish(const RunResult& run) override { Write(run); }

  const std::string& junit_path() const { return junit_path_; }
  const std::string& json_path() const { return json_path_; }
  const std::string& html_path() const { return html_path_; }
  // The last write problem, empty when every write succeeded.
  const std::string& write_error() const { return write_error_; }

 private:
  void Write(const RunResult& run);
  std::string output_dir_, junit_path_, json_path_, html_path_, write_error_;
  JUnitOptions junit_options_;
};

}  // namespace ra2cert
