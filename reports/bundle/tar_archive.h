// tar.gz in memory through libarchive. Writing is reproducible: entries in the order
// given, one fixed mtime, owner and group 0 with no names, mode 0644, ustar format, gzip
// without a file name or timestamp, so identical entries give identical bytes. Reading
// keeps every entry's kind so the verifier can refuse links and devices, and stops at
// size limits (a gzip bomb cannot exhaust memory).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "harness/core/result.h"

namespace ra2cert::bundle {

enum class EntryKind { kRegular, kDirectory, kSymlink, kHardlink, kDevice, kOther };
const char* EntryKindName(EntryKind kind);  // "regular file", "symbolic link", ...

struct TarEntry {
  std::string path;
  std::string data;  // regular files only
  EntryKind kind = EntryKind::kRegular;
  std::string link_target;  // links only
};

// Far above a real bundle, whose writer caps a record at 128 MiB, a log at 64 MiB and a
// component log at 4 MiB, and which holds a log per case plus about ten files; a bundle
// past any limit is refused with the limit named. Reading stays bounded in memory (members
// stream) and in time (the whole tar stream, padding included, counts to the total).
struct ReadLimits {
  size_t max_archive_bytes = size_t{1} << 30;  // compressed
  size_t max_entry_bytes = size_t{256} << 20;  // one member
  size_t max_total_bytes = size_t{1} << 30;    // uncompressed tar stream, headers included
  size_t max_entries = 10000;
};

// mtime in seconds since the epoch (the bundle uses the run's start time).
Result<std::string> WriteTarGz(const std::vector<TarEntry>& entries, int64_t mtime);

// A bundle file's bytes, refused when larger than limits.max_archive_bytes. Error code 2
// when the file cannot be read.
Result<std::string> ReadArchiveFile(const std::string& path, const ReadLimits& limits = {});

// Only gzip-compressed tar is accepted. Errors name the entry where one is at fault.
Result<std::vector<TarEntry>> ReadTarGz(std::string_view archive, const ReadLimits& limits = {});

}  // namespace ra2cert::bundle
