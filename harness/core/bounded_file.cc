#include "harness/core/bounded_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace ra2cert {
namespace {

constexpr int kConfigurationError = 2;

Error FileError(const std::string& what, const std::string& path, const std::string& problem) {
  return Error(what + " " + path + ": " + problem, kConfigurationError);
}

std::string KindOf(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

// Length of the valid UTF-8 sequence starting at text[i] (0 when it is not one).
std::size_t Utf8Length(const std::string& text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  std::size_t length = 0;
  if (lead >= 0xC2 && lead <= 0xDF)
    length = 2;
  else if (lead >= 0xE0 && lead <= 0xEF)
    length = 3;
  else if (lead >= 0xF0 && lead <= 0xF4)
    length = 4;
  else
    return 0;
  if (i + length > text.size()) return 0;
  for (std::size_t k = 1; k < length; ++k)
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  // Overlong three- and four-byte forms, surrogates and code points above U+10FFFF.
  if (lead == 0xE0 && byte(i + 1) < 0xA0) return 0;
  if (lead == 0xED && byte(i + 1) > 0x9F) return 0;
  if (lead == 0xF0 && byte(i + 1) < 0x90) return 0;
  if (lead == 0xF4 && byte(i + 1) > 0x8F) return 0;
  return length;
}

}  // namespace

Result<std::string> ReadBoundedFile(const std::string& path, std::size_t limit,
                                    const std::string& what) {
  if (path.empty()) return Error(what + ": the path is empty; name a file", kConfigurationError);
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return FileError(what, path, std::strerror(errno));
  struct FdCloser {
    int fd;
    ~FdCloser() { ::close(fd); }
  } closer{fd};
  struct stat info {};
  if (::fstat(fd, &info) != 0) return FileError(what, path, std::strerror(errno));
  if (!S_ISREG(info.st_mode))
    return FileError(what, path, "is " + KindOf(info.st_mode) + "; name a regular file");
  if (static_cast<unsigned long long>(info.st_size) > limit)
    return FileError(what, path,
                     "is " + std::to_string(info.st_size) + " bytes, more than the " +
                         std::to_string(limit) + " bytes allowed for it");
  std::string text;
  text.reserve(static_cast<std::size_t>(info.st_size));
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return FileError(what, path, std::strerror(errno));
    if (n == 0) break;
    // A file that grows while it is read (a log being written) still stops at the limit.
    if (text.size() + static_cast<std::size_t>(n) > limit)
      return FileError(what, path,
                       "grew beyond the " + std::to_string(limit) + " bytes allowed for it");
    text.append(buffer, static_cast<std::size_t>(n));
  }
  return text;
}

std::string PrintableExcerpt(const std::string& text, std::size_t max_chars) {
  std::string out;
  std::size_t shown = 0;
  for (std::size_t i = 0; i < text.size();) {
    if (shown == max_chars) {
      out += "…";
      break;
    }
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7F) {
      out += static_cast<char>(c);
      ++i;
    } else if (const std::size_t length = c >= 0x80 ? Utf8Length(text, i) : 0; length > 0) {
      out.append(text, i, length);
      i += length;
    } else {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02X", c);
      out += escaped;
      ++i;
    }
    ++shown;
  }
  return out;
}

}  // namespace ra2cert
