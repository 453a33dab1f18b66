#include "reports/file_reporter.h"

#include <filesystem>

#include "reports/html_report.h"
#include "reports/json_writer.h"
#include "reports/report_files.h"

namespace ra2cert {

FileReporter::FileReporter(std::string output_dir, JUnitFlavor flavor)
    : output_dir_(std::move(output_dir)),
      junit_path_((std::filesystem::path(output_dir_) / "junit.xml").string()),
      json_path_((std::filesystem::path(output_dir_) / "results.json").string()),
      html_path_((std::filesystem::path(output_dir_) / "report.html").string()) {
  junit_options_.flavor = flavor;
  junit_options_.output_dir = output_dir_;
}

void FileReporter::Write(const RunResult& run) {
  std::error_code ec;
  std::filesystem::create_directories(output_dir_, ec);
  const std::string json =
      RenderResultsJson(run).dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
  for (const auto& status : {WriteFileAtomically(json_path_, json + "\n"),
                             WriteFileAtomically(junit_path_, RenderJUnit(run, junit_options_)),
                             WriteFileAtomically(html_path_, RenderHtmlReport(run, output_dir_))}) {
    if (!status) write_error_ = status.error().message();
  }
}

}  // namespace ra2cert
