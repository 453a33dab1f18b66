#include "harness/cri/cri_log_format.h"

#include <regex>

#include "harness/core/bounded_file.h"

namespace ra2cert::cri {
namespace {

// RFC 3339 with an optional fraction of 1 to 9 digits (Go's RFC3339Nano drops trailing
// zeros, so the length varies) and a Z or numeric offset.
bool IsRfc3339Nano(const std::string& text) {
  static const std::regex pattern(
      R"(^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:)"
      R"(([0-5][0-9]|60)(\.[0-9]{1,9})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$)");
  return std::regex_match(text, pattern);
}

}  // namespace

Result<LogRecord> ParseLogLine(std::string_view line) {
  const size_t first = line.find(' ');
  if (first == std::string_view::npos) return Error("no space after the timestamp");
  const size_t second = line.find(' ', first + 1);
  if (second == std::string_view::npos) return Error("no space after the stream name");
  const size_t third = line.find(' ', second + 1);
  // An empty message still has its separating space ("... stdout F ").
  if (third == std::string_view::npos) return Error("no space after the tags");
  LogRecord record;
  record.timestamp = std::string(line.substr(0, first));
  if (!IsRfc3339Nano(record.timestamp)) {
    return Error("timestamp '" + PrintableExcerpt(record.timestamp, 40) + "' is not RFC 3339");
  }
  record.stream = std::string(line.substr(first + 1, second - first - 1));
  if (record.stream != "stdout" && record.stream != "stderr") {
    return Error("stream '" + PrintableExcerpt(record.stream, 20) +
                 "' is neither stdout nor stderr");
  }
  const std::string_view tags = line.substr(second + 1, third - second - 1);
  const std::string_view tag = tags.substr(0, tags.find(':'));
  if (tag != "F" && tag != "P") {
    return Error("tag '" + PrintableExcerpt(std::string(tags), 20) +
                 "' does not start with F (full) or P (partial)");
  }
  record.partial = tag == "P";
  record.message = std::string(line.substr(third + 1));
  return record;
}

Result<std::vector<LogRecord>> ParseLog(std::string_view text) {
  std::vector<LogRecord> records;
  size_t number = 0;
  while (!text.empty()) {
    ++number;
    const size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    auto record = ParseLogLine(line);
    if (!record) {
      return Error("line " + std::to_string(number) + " '" +
                   PrintableExcerpt(std::string(line), 120) +
                   "' is not in the CRI log format: " + record.error().message());
    }
    records.push_back(std::move(*record));
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
  }
  return records;
}

std::vector<std::string> OutputLines(const std::vector<LogRecord>& records,
                                     std::string_view stream) {
  std::vector<std::string> lines;
  std::string pending;
  for (const auto& record : records) {
    if (record.stream != stream) continue;
    pending += record.message;
    if (!record.partial) {
      lines.push_back(std::move(pending));
      pending.clear();
    }
  }
  if (!pending.empty()) lines.push_back(std::move(pending));
  return lines;
}

}  // namespace ra2cert::cri
