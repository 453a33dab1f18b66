// Properties every fuzz target checks beyond "no crash": a violation aborts, which
// libFuzzer (and the corpus replay under ASan) reports as a finding.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace ra2cert::fuzz {

[[noreturn]] inline void Finding(const std::string& what, std::string_view detail) {
  std::fprintf(stderr, "FUZZ FINDING: %s\n%.*s\n", what.c_str(), static_cast<int>(detail.size()),
               detail.data());
  std::abort();
}

// An error a person reads in a terminal: says something, and carries no control bytes
// taken from the input (a CR, ESC or NUL would let a hostile file rewrite the terminal
// or forge lines of the message).
inline void CheckReadableError(const std::string& message) {
  if (message.empty()) Finding("empty error message", message);
  for (const char c : message) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && c != '\n' && c != '\t') || byte == 0x7F)
      Finding("control byte in an error message", message);
  }
}

// Writes the input to a file of this process, for entry points that take a path.
inline std::string InputFile(const char* name, std::string_view data) {
  static const std::string dir = [] {
    char path[] = "/tmp/ra2cert-fuzz-XXXXXX";
    if (::mkdtemp(path) == nullptr) std::abort();
    return std::string(path);
  }();
  const std::string path = dir + "/" + name;
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) std::abort();
  std::fwrite(data.data(), 1, data.size(), file);
  std::fclose(file);
  return path;
}

}  // namespace ra2cert::fuzz
