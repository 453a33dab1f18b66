// Where a bundle's compressed bytes come from, read in pieces: a file on disk (so a large
// bundle is never held whole) or bytes already in memory.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "harness/core/result.h"

namespace ra2cert::bundle {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Up to `size` bytes into `buffer`; 0 only at the end.
  virtual Result<size_t> Read(char* buffer, size_t size) = 0;
};

class MemorySource : public ByteSource {
 public:
  explicit MemorySource(std::string_view bytes) : bytes_(bytes) {}
  Result<size_t> Read(char* buffer, size_t size) override;

 private:
  std::string_view bytes_;
};

class FileSource : public ByteSource {
 public:
  // Regular files only (a FIFO or a device could block or never end); errors carry code 2
  // and name the file.
  static Result<std::unique_ptr<FileSource>> Open(const std::string& path);
  Result<size_t> Read(char* buffer, size_t size) override;
  size_t file_size() const { return size_; }

 private:
  struct Close {
    void operator()(std::FILE* file) const { std::fclose(file); }
  };
  FileSource(std::string path, std::FILE* file, size_t size)
      : path_(std::move(path)), file_(file), size_(size) {}
  std::string path_;
  std::unique_ptr<std::FILE, Close> file_;
  size_t size_ = 0;
};

}  // namespace ra2cert::bundle
