#include "reports/bundle/byte_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace ra2cert::bundle {

Result<size_t> MemorySource::Read(char* buffer, size_t size) {
  const size_t n = std::min(size, bytes_.size());
  std::memcpy(buffer, bytes_.data(), n);
  bytes_.remove_prefix(n);
  return n;
}

Result<std::unique_ptr<FileSource>> FileSource::Open(const std::string& path) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below anyway.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return Error(path + ": " + std::strerror(errno) + " (name an existing bundle)", 2);
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    ::close(fd);
    return Error(path + ": not a regular file (name a bundle .tar.gz file)", 2);
  }
  std::FILE* file = ::fdopen(fd, "rb");
  if (file == nullptr) {
    ::close(fd);
    return Error(path + ": cannot be read", 2);
  }
  return std::unique_ptr<FileSource>(new FileSource(path, file, static_cast<size_t>(info.st_size)));
}

Result<size_t> FileSource::Read(char* buffer, size_t size) {
  const size_t n = std::fread(buffer, 1, size, file_.get());
  if (n == 0 && std::ferror(file_.get())) return Error(path_ + ": cannot be read", 2);
  return n;
}

}  // namespace ra2cert::bundle
