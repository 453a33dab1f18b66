#include "reports/bundle/bundle_test_util.h"

#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace ra2cert::bundle::test {

std::string Gunzip(std::string_view gzip) {
  z_stream stream{};
  if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) return "";
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gzip.data()));
  stream.avail_in = static_cast<uInt>(gzip.size());
  std::string out;
  char buffer[65536];
  int status = Z_OK;
  while (status != Z_STREAM_END || stream.avail_in > 0) {
    if (status == Z_STREAM_END) inflateReset(&stream);  // the next member
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    status = inflate(&stream, Z_NO_FLUSH);
    if (status != Z_OK && status != Z_STREAM_END) {
      inflateEnd(&stream);
      return "";
    }
    out.append(buffer, sizeof buffer - stream.avail_out);
  }
  inflateEnd(&stream);
  return out;
}

std::string Gzip(std::string_view data) {
  z_stream stream{};
  deflateInit2(&stream, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char buffer[65536];
  int status = Z_OK;
  while (status != Z_STREAM_END) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    status = deflate(&stream, Z_FINISH);
    out.append(buffer, sizeof buffer - stream.avail_out);
  }
  deflateEnd(&stream);
  return out;
}

namespace {
bool IsZeroBlock(const std::string& tar, size_t offset) {
  for (size_t i = offset; i < offset + 512; ++i) {
    if (tar[i] != '\0') return false;
  }
  return true;
}
size_t MemberSize(const std::string& tar, size_t header) {
  return std::strtoull(tar.substr(header + 124, 12).c_str(), nullptr, 8);
}
}  // namespace

size_t HeaderOffset(const std::string& tar, const std::string& path) {
  for (size_t offset = 0; offset + 512 <= tar.size() && !IsZeroBlock(tar, offset);) {
    if (std::string(tar.c_str() + offset) == path) return offset;
    offset += 512 + (MemberSize(tar, offset) + 511) / 512 * 512;
  }
  return std::string::npos;
}

size_t EndOfArchive(const std::string& tar) {
  size_t offset = 0;
  while (offset + 512 <= tar.size() && !IsZeroBlock(tar, offset)) {
    offset += 512 + (MemberSize(tar, offset) + 511) / 512 * 512;
  }
  return offset;
}

void FixChecksum(std::string& tar, size_t offset) {
  std::memset(&tar[offset + 148], ' ', 8);
  unsigned sum = 0;
  for (size_t i = 0; i < 512; ++i) sum += static_cast<unsigned char>(tar[offset + i]);
  char field[8];
  std::snprintf(field, sizeof field, "%06o", sum);
  std::memcpy(&tar[offset + 148], field, 7);  // six digits, NUL, then the space kept
}

void SetField(std::string& tar, size_t header, size_t offset, size_t length,
              std::string_view value) {
  std::memset(&tar[header + offset], 0, length);
  std::memcpy(&tar[header + offset], value.data(), std::min(length, value.size()));
  FixChecksum(tar, header);
}

}  // namespace ra2cert::bundle::test
