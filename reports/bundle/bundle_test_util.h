// Test helpers for taking a bundle the real writer made apart and corrupting it: its gzip
// layer, its tar headers (with their checksum fixed, so only the intended fault remains).
#pragma once

#include <string>
#include <string_view>

namespace ra2cert::bundle::test {

std::string Gunzip(std::string_view gzip);  // every member; "" when zlib fails
std::string Gzip(std::string_view data);    // one member, header without optional fields

// Offset of the ustar header naming `path`; std::string::npos when there is none.
size_t HeaderOffset(const std::string& tar, const std::string& path);
// Offset of the first end-of-archive block (after the last member's data).
size_t EndOfArchive(const std::string& tar);
// Recomputes the checksum of the header at `offset` after an edit.
void FixChecksum(std::string& tar, size_t offset);
// Sets a header field (offset within the header, bytes NUL-padded to `length`).
void SetField(std::string& tar, size_t header, size_t offset, size_t length,
              std::string_view value);

}  // namespace ra2cert::bundle::test
