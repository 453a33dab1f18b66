#include "reports/bundle/member_paths.h"

#include <string>

namespace ra2cert::bundle {

Status CheckMemberPath(std::string_view path) {
  if (path.empty()) return Error("an empty name");
  if (path.size() > 255) return Error("a name longer than 255 bytes");
  if (path.front() == '/') return Error("an absolute path");
  for (const char c : path) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return Error("a control character in the name");
    if (c == '\\') return Error("a backslash in the name");
  }
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view part = path.substr(start, end - start);
    if (part == "..") return Error("a '..' component (path traversal)");
    if (part == ".") return Error("a '.' component");
    if (part.empty()) return Error("an empty path component");
    start = end + 1;
  }
  return Ok();
}

}  // namespace ra2cert::bundle
