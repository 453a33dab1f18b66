// report.html: one self-contained page (no script, no fetch) for people: the verdict per
// profile first, then sections × outcomes, the requirement matrix, and each failure
// with its evidence and the tail of its log.
#pragma once

#include <string>

#include "harness/results/run_result.h"

namespace ra2cert {

std::string RenderHtmlReport(const RunResult& run, const std::string& output_dir);

// &, <, >, " and ' as entities; the text must already be valid UTF-8 (XmlSafeText).
std::string HtmlEscape(const std::string& text);

}  // namespace ra2cert
