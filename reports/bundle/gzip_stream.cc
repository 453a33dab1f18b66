#include "reports/bundle/gzip_stream.h"

#include <cstdio>
#include <cstring>

namespace ra2cert::bundle {
namespace {

constexpr size_t kInputChunk = size_t{64} << 10;
constexpr uint64_t kOldBlockBytes = 10240;

Error GzipError(const std::string& problem) { return Error("gzip layer: " + problem); }

uint32_t LittleEndian32(const uint8_t* bytes) {
  return static_cast<uint32_t>(bytes[0]) | static_cast<uint32_t>(bytes[1]) << 8 |
         static_cast<uint32_t>(bytes[2]) << 16 | static_cast<uint32_t>(bytes[3]) << 24;
}

std::string Hex32(uint32_t value) {
  char text[16];
  std::snprintf(text, sizeof text, "%08x", value);
  return text;
}

}  // namespace

GzipReader::GzipReader(ByteSource& source, GzipLimits limits)
    : source_(source), limits_(limits), input_(new char[kInputChunk]) {
  crc_ = crc32(0L, Z_NULL, 0);
}

GzipReader::~GzipReader() {
  if (initialised_) inflateEnd(&stream_);
}

Result<bool> GzipReader::Refill() {
  auto n = source_.Read(input_.get(), kInputChunk);
  if (!n) return n.error();
  input_bytes_ += *n;
  if (input_bytes_ > limits_.max_input_bytes) {
    return Error("the bundle is larger than " + std::to_string(limits_.max_input_bytes) +
                 " bytes (the verifier's limit for a compressed bundle)");
  }
  stream_.next_in = reinterpret_cast<Bytef*>(input_.get());
  stream_.avail_in = static_cast<uInt>(*n);
  return *n > 0;
}

Result<int> GzipReader::NextInputByte() {
  if (stream_.avail_in == 0) {
    auto more = Refill();
    if (!more) return more.error();
    if (!*more) return kEndOfInput;
  }
  --stream_.avail_in;
  return *stream_.next_in++;
}

Status GzipReader::ReadHeader() {
  uint8_t header[10];
  for (auto& byte : header) {
    auto next = NextInputByte();
    if (!next) return next.error();
    if (*next == kEndOfInput) return GzipError("not gzip data (shorter than a gzip header)");
    byte = static_cast<uint8_t>(*next);
  }
  if (header[0] != 0x1f || header[1] != 0x8b) {
    return GzipError("not gzip data (a bundle is a .tar.gz written by ra2cert)");
  }
  if (header[2] != 8)
    return GzipError("compression method " + std::to_string(header[2]) + " is not deflate");
  if (header[3] != 0) {
    // FEXTRA, FNAME, FCOMMENT and FHCRC would carry bytes no signature covers.
    return GzipError("header flags 0x" + Hex32(header[3]).substr(6) +
                     ": ra2cert writes no optional header fields (name, comment, extra)");
  }
  if (inflateInit2(&stream_, -MAX_WBITS) != Z_OK) return GzipError("zlib cannot start");
  initialised_ = true;
  header_read_ = true;
  return Ok();
}

Status GzipReader::CheckTrailerAndEnd() {
  uint8_t trailer[8];
  for (auto& byte : trailer) {
    auto next = NextInputByte();
    if (!next) return next.error();
    if (*next == kEndOfInput) {
      return GzipError("the trailer (CRC32 and size) is truncated: the file was cut short");
    }
    byte = static_cast<uint8_t>(*next);
  }
  if (LittleEndian32(trailer) != static_cast<uint32_t>(crc_)) {
    return GzipError("the trailer's CRC32 " + Hex32(LittleEndian32(trailer)) +
                     " does not match the data's " + Hex32(static_cast<uint32_t>(crc_)) +
                     ": the archive is corrupt");
  }
  if (LittleEndian32(trailer + 4) != static_cast<uint32_t>(output_bytes_)) {
    return GzipError("the trailer's size (ISIZE) " + std::to_string(LittleEndian32(trailer + 4)) +
                     " does not match the " + std::to_string(output_bytes_) +
                     " bytes inflated: the archive is corrupt");
  }
  const uint64_t end = input_bytes_ - stream_.avail_in;
  auto next = NextInputByte();
  if (!next) return next.error();
  if (*next == kEndOfInput) return Ok();
  auto second = NextInputByte();
  const bool member = *next == 0x1f && second && *second == 0x8b;
  if (*next == 0 && second && *second == 0) {
    // Earlier ra2cert versions let libarchive pad the file with zeros to 10240 bytes.
    uint64_t after = 2;
    Result<int> more = 0;
    while (after < kOldBlockBytes && (more = NextInputByte()) && *more == 0) ++after;
    if (more && *more == kEndOfInput && (end + after) % kOldBlockBytes == 0) {
      return GzipError("zero padding follows the gzip stream at byte " + std::to_string(end) +
                       ": a bundle of an earlier ra2cert; remake it with `ra2cert bundle DIR` "
                       "(a bundle is exactly one gzip member)");
    }
  }
  return GzipError(std::string(member ? "a second gzip member follows"
                                      : "unsigned data follows the gzip stream") +
                   " at byte " + std::to_string(end) + " (a bundle is exactly one gzip member)");
}

Result<size_t> GzipReader::Read(char* buffer, size_t size) {
  if (finished_ || size == 0) return size_t{0};
  if (!header_read_) {
    if (auto header = ReadHeader(); !header) return header.error();
  }
  stream_.next_out = reinterpret_cast<Bytef*>(buffer);
  stream_.avail_out = static_cast<uInt>(size);
  while (stream_.avail_out == size) {
    if (stream_.avail_in == 0) {
      auto more = Refill();
      if (!more) return more.error();
      if (!*more) return GzipError("the deflate data is truncated: the file was cut short");
    }
    const int status = inflate(&stream_, Z_NO_FLUSH);
    const size_t produced = size - stream_.avail_out;
    crc_ = crc32(crc_, reinterpret_cast<const Bytef*>(buffer), static_cast<uInt>(produced));
    output_bytes_ += produced;
    if (output_bytes_ > limits_.max_output_bytes) {
      return Error("the archive unpacks to more than " + std::to_string(limits_.max_output_bytes) +
                   " bytes (the verifier's limit for a bundle's uncompressed size)");
    }
    if (status == Z_STREAM_END) {
      if (auto end = CheckTrailerAndEnd(); !end) return end.error();
      finished_ = true;
      return produced;
    }
    if (status == Z_BUF_ERROR && stream_.avail_in == 0) continue;  // needs more input
    if (status != Z_OK) {
      return GzipError(std::string("the deflate data is damaged: ") +
                       (stream_.msg ? stream_.msg : "zlib error " + std::to_string(status)));
    }
  }
  return size - stream_.avail_out;
}

}  // namespace ra2cert::bundle
