#include "reports/bundle/tar_archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <filesystem>
#include <fstream>
#include <memory>

namespace ra2cert::bundle {
namespace {

struct WriteArchiveFree {
  void operator()(archive* a) const { archive_write_free(a); }
};
struct ReadArchiveFree {
  void operator()(archive* a) const { archive_read_free(a); }
};
struct EntryFree {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};

std::string ArchiveError(archive* a) {
  const char* message = archive_error_string(a);
  return message ? message : "libarchive error";
}

la_ssize_t AppendToString(archive*, void* client, const void* buffer, size_t length) {
  static_cast<std::string*>(client)->append(static_cast<const char*>(buffer), length);
  return static_cast<la_ssize_t>(length);
}

Status SetEntryKind(archive_entry* entry, const TarEntry& from) {
  switch (from.kind) {
    case EntryKind::kRegular:
      archive_entry_set_filetype(entry, AE_IFREG);
      archive_entry_set_perm(entry, 0644);
      archive_entry_set_size(entry, static_cast<la_int64_t>(from.data.size()));
      return Ok();
    case EntryKind::kDirectory:
      archive_entry_set_filetype(entry, AE_IFDIR);
      archive_entry_set_perm(entry, 0755);
      return Ok();
    case EntryKind::kSymlink:
      archive_entry_set_filetype(entry, AE_IFLNK);
      archive_entry_set_perm(entry, 0777);
      archive_entry_set_symlink(entry, from.link_target.c_str());
      return Ok();
    case EntryKind::kHardlink:
      archive_entry_set_filetype(entry, AE_IFREG);
      archive_entry_set_perm(entry, 0644);
      archive_entry_set_hardlink(entry, from.link_target.c_str());
      return Ok();
    case EntryKind::kDevice:
      archive_entry_set_filetype(entry, AE_IFCHR);
      archive_entry_set_perm(entry, 0600);
      archive_entry_set_rdev(entry, makedev(1, 3));
      return Ok();
    case EntryKind::kOther:
      break;
  }
  return Error(from.path + ": cannot write an entry of this kind");
}

EntryKind KindOf(archive_entry* entry) {
  if (archive_entry_hardlink(entry) != nullptr) return EntryKind::kHardlink;
  switch (archive_entry_filetype(entry)) {
    case AE_IFREG:
      return EntryKind::kRegular;
    case AE_IFDIR:
      return EntryKind::kDirectory;
    case AE_IFLNK:
      return EntryKind::kSymlink;
    case AE_IFCHR:
    case AE_IFBLK:
      return EntryKind::kDevice;
    default:
      return EntryKind::kOther;
  }
}

}  // namespace

const char* EntryKindName(EntryKind kind) {
  switch (kind) {
    case EntryKind::kRegular:
      return "regular file";
    case EntryKind::kDirectory:
      return "directory";
    case EntryKind::kSymlink:
      return "symbolic link";
    case EntryKind::kHardlink:
      return "hard link";
    case EntryKind::kDevice:
      return "device";
    case EntryKind::kOther:
      break;
  }
  return "special file (fifo or socket)";
}

Result<std::string> WriteTarGz(const std::vector<TarEntry>& entries, int64_t mtime) {
  std::unique_ptr<archive, WriteArchiveFree> a(archive_write_new());
  std::string out;
  // "!timestamp": no mtime in the gzip header; libarchive never stores a file name there.
  if (archive_write_add_filter_gzip(a.get()) != ARCHIVE_OK ||
      archive_write_set_filter_option(a.get(), "gzip", "timestamp", nullptr) != ARCHIVE_OK ||
      archive_write_set_filter_option(a.get(), "gzip", "compression-level", "9") != ARCHIVE_OK ||
      archive_write_set_format_ustar(a.get()) != ARCHIVE_OK ||
      // No zero padding after the gzip member: the verifier accepts nothing after it.
      archive_write_set_bytes_in_last_block(a.get(), 1) != ARCHIVE_OK ||
      archive_write_open(a.get(), &out, nullptr, AppendToString, nullptr) != ARCHIVE_OK) {
    return Error("cannot start the archive: " + ArchiveError(a.get()));
  }
  for (const auto& from : entries) {
    std::unique_ptr<archive_entry, EntryFree> entry(archive_entry_new());
    archive_entry_set_pathname(entry.get(), from.path.c_str());
    archive_entry_set_mtime(entry.get(), static_cast<time_t>(mtime), 0);
    archive_entry_set_uid(entry.get(), 0);
    archive_entry_set_gid(entry.get(), 0);
    if (auto kind = SetEntryKind(entry.get(), from); !kind) return kind.error();
    if (archive_write_header(a.get(), entry.get()) != ARCHIVE_OK) {
      return Error(from.path + ": cannot add to the archive: " + ArchiveError(a.get()));
    }
    if (from.kind == EntryKind::kRegular && !from.data.empty() &&
        archive_write_data(a.get(), from.data.data(), from.data.size()) !=
            static_cast<la_ssize_t>(from.data.size())) {
      return Error(from.path + ": cannot add to the archive: " + ArchiveError(a.get()));
    }
  }
  if (archive_write_close(a.get()) != ARCHIVE_OK) {
    return Error("cannot finish the archive: " + ArchiveError(a.get()));
  }
  return out;
}

Result<std::vector<TarEntry>> ReadTarGz(std::string_view bytes, const ReadLimits& limits) {
  if (bytes.size() > limits.max_archive_bytes) {
    return Error("the archive is larger than " + std::to_string(limits.max_archive_bytes) +
                 " bytes");
  }
  std::unique_ptr<archive, ReadArchiveFree> a(archive_read_new());
  archive_read_support_filter_gzip(a.get());
  archive_read_support_format_tar(a.get());
  if (archive_read_open_memory(a.get(), bytes.data(), bytes.size()) != ARCHIVE_OK) {
    return Error("not a readable tar.gz archive: " + ArchiveError(a.get()));
  }
  std::vector<TarEntry> entries;
  size_t total = 0;
  bool gzip_checked = false;
  archive_entry* header = nullptr;
  for (;;) {
    const int status = archive_read_next_header(a.get(), &header);
    if (status == ARCHIVE_EOF) break;
    const std::string after = entries.empty() ? "" : " (after " + entries.back().path + ")";
    if (status != ARCHIVE_OK) {
      return Error("the archive is damaged" + after + ": " + ArchiveError(a.get()));
    }
    if (!gzip_checked) {
      bool gzip = false;
      for (int i = 0; i < archive_filter_count(a.get()); ++i) {
        gzip = gzip || archive_filter_code(a.get(), i) == ARCHIVE_FILTER_GZIP;
      }
      if (!gzip) return Error("not gzip-compressed (a bundle is a .tar.gz)");
      gzip_checked = true;
    }
    if (entries.size() >= limits.max_entries) {
      return Error("the archive has more than " + std::to_string(limits.max_entries) + " entries");
    }
    TarEntry entry;
    const char* path = archive_entry_pathname(header);
    if (path == nullptr) path = archive_entry_pathname_utf8(header);
    if (path == nullptr) return Error("an entry" + after + " has an unreadable name");
    entry.path = path;
    entry.kind = KindOf(header);
    if (entry.kind == EntryKind::kSymlink && archive_entry_symlink(header) != nullptr) {
      entry.link_target = archive_entry_symlink(header);
    }
    if (entry.kind == EntryKind::kHardlink) entry.link_target = archive_entry_hardlink(header);
    if (entry.kind == EntryKind::kRegular) {
      if (archive_entry_size_is_set(header) &&
          static_cast<uint64_t>(archive_entry_size(header)) > limits.max_entry_bytes) {
        return Error(entry.path + ": larger than " + std::to_string(limits.max_entry_bytes) +
                     " bytes");
      }
      char buffer[65536];
      for (;;) {
        const la_ssize_t n = archive_read_data(a.get(), buffer, sizeof buffer);
        if (n == 0) break;
        if (n < 0) return Error(entry.path + ": damaged: " + ArchiveError(a.get()));
        total += static_cast<size_t>(n);
        if (entry.data.size() + static_cast<size_t>(n) > limits.max_entry_bytes) {
          return Error(entry.path + ": larger than " + std::to_string(limits.max_entry_bytes) +
                       " bytes");
        }
        if (total > limits.max_total_bytes) {
          return Error("the archive unpacks to more than " +
                       std::to_string(limits.max_total_bytes) + " bytes (at " + entry.path + ")");
        }
        entry.data.append(buffer, static_cast<size_t>(n));
      }
    }
    entries.push_back(std::move(entry));
  }
  if (!gzip_checked && archive_filter_count(a.get()) > 0) {
    bool gzip = false;
    for (int i = 0; i < archive_filter_count(a.get()); ++i) {
      gzip = gzip || archive_filter_code(a.get(), i) == ARCHIVE_FILTER_GZIP;
    }
    if (!gzip) return Error("not gzip-compressed (a bundle is a .tar.gz)");
  }
  return entries;
}

Result<std::string> ReadArchiveFile(const std::string& path, const ReadLimits& limits) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return Error(path + ": " + ec.message(), 2);
  if (size > limits.max_archive_bytes) {
    return Error(path + ": larger than " + std::to_string(limits.max_archive_bytes) + " bytes");
  }
  std::ifstream in(path, std::ios::binary);
  std::string bytes(static_cast<size_t>(size), '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!in) return Error(path + ": cannot be read", 2);
  return bytes;
}

}  // namespace ra2cert::bundle
