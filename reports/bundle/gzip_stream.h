// Inflates a bundle's gzip layer strictly, as a stream: exactly one gzip member (RFC 1952)
// with the header ra2cert writes (no optional fields), deflate data that ends, a CRC32
// and ISIZE trailer that match the inflated bytes, and nothing after it. zlib alone
// accepts a bad trailer when asked for raw deflate and libarchive stops reading early, so
// the trailer and the end of the file are checked here.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <memory>
#include <string>

#include "harness/core/result.h"
#include "reports/bundle/byte_source.h"

namespace ra2cert::bundle {

struct GzipLimits {
  uint64_t max_input_bytes = 0;   // compressed
  uint64_t max_output_bytes = 0;  // inflated
};

class GzipReader {
 public:
  static constexpr int kEndOfInput = -1;
  GzipReader(ByteSource& source, GzipLimits limits);
  ~GzipReader();
  GzipReader(const GzipReader&) = delete;
  GzipReader& operator=(const GzipReader&) = delete;

  // Up to `size` inflated bytes. 0 only at the end of the member once its trailer matched
  // and the source had nothing more; every problem is an error naming the gzip layer.
  Result<size_t> Read(char* buffer, size_t size);
  uint64_t output_bytes() const { return output_bytes_; }

 private:
  Status ReadHeader();
  Status CheckTrailerAndEnd();
  Result<bool> Refill();        // false at the source's end
  Result<int> NextInputByte();  // kEndOfInput at the source's end

  ByteSource& source_;
  GzipLimits limits_;
  z_stream stream_{};
  bool initialised_ = false;
  bool header_read_ = false;
  bool finished_ = false;
  std::unique_ptr<char[]> input_;
  uint64_t input_bytes_ = 0;
  uint64_t output_bytes_ = 0;
  uLong crc_ = 0;
};

}  // namespace ra2cert::bundle
