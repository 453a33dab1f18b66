#include "reports/report_files.h"

#include <charconv>
#include <cstdio>
#include <ctime>
#include <fstream>

namespace ra2cert {

Status WriteFileAtomically(const std::string& path, const std::string& content) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) return Error("cannot write " + temporary);
    out << content;
    if (!out.flush()) return Error("cannot write " + temporary);
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    return Error("cannot rename " + temporary + " to " + path);
  }
  return Ok();
}

std::string UtcTimestamp(std::chrono::system_clock::time_point time) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  return text;
}

std::string Seconds(double seconds) {
  char text[64];
  auto [end, ec] = std::to_chars(text, text + sizeof text, seconds < 0 ? 0.0 : seconds,
                                 std::chars_format::fixed, 3);
  if (ec != std::errc()) return "0.000";
  return std::string(text, end);
}

std::string ReadFileTail(const std::string& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return {};
  const std::streamoff size = in.tellg();
  const std::streamoff start = size > static_cast<std::streamoff>(max_bytes)
                                   ? size - static_cast<std::streamoff>(max_bytes)
                                   : 0;
  in.seekg(start);
  std::string text(static_cast<size_t>(size - start), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  return text;
}

}  // namespace ra2cert
