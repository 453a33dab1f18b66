// The CRI container log format: what a runtime writes to a container's log file (the
// ContainerConfig.log_path under the sandbox's log_directory) and the kubelet reads back
// for `kubectl logs`. One line per record:
//
//   <RFC 3339 timestamp, nanoseconds> <stdout|stderr> <tags> <message>
//
// where the tags are ':'-separated and the first is F (the record ends a line of the
// container's output) or P (a partial record, the line continues in the next one).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "harness/core/result.h"

namespace ra2cert::cri {

struct LogRecord {
  std::string timestamp;  // as written, e.g. "2026-11-30T21:41:53.123456789Z"
  std::string stream;     // "stdout" or "stderr"
  bool partial = false;   // tag P
  std::string message;    // without the line's trailing newline
};

// One line of a log file, without its newline. The error says which part is wrong.
Result<LogRecord> ParseLogLine(std::string_view line);

// A whole log file's text: every line (the last one may lack its newline) must parse;
// an error names the 1-based line and quotes it (printable excerpt).
Result<std::vector<LogRecord>> ParseLog(std::string_view text);

// The container's output lines on `stream`, partial records joined to the full line.
std::vector<std::string> OutputLines(const std::vector<LogRecord>& records,
                                     std::string_view stream);

}  // namespace ra2cert::cri
