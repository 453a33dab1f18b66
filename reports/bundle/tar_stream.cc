#include "reports/bundle/tar_stream.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <tuple>

#include "harness/core/bounded_file.h"

namespace ra2cert::bundle {
namespace {

constexpr size_t kBlock = 512;
using Block = std::array<char, kBlock>;

struct Field {
  const char* name;
  size_t offset, length;
};
// POSIX ustar header layout.
constexpr Field kName{"name", 0, 100}, kMode{"mode", 100, 8}, kUid{"uid", 108, 8},
    kGid{"gid", 116, 8}, kSize{"size", 124, 12}, kMtime{"mtime", 136, 12},
    kChecksum{"checksum", 148, 8}, kLinkName{"linkname", 157, 100}, kMagic{"magic", 257, 6},
    kVersion{"version", 263, 2}, kUname{"uname", 265, 32}, kGname{"gname", 297, 32},
    kDevMajor{"devmajor", 329, 8}, kDevMinor{"devminor", 337, 8}, kPrefix{"prefix", 345, 155};
constexpr size_t kTypeFlag = 156, kHeaderEnd = 500;

bool IsZero(std::string_view bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](char c) { return c == '\0'; });
}

std::string_view Raw(const Block& block, Field field) {
  return {block.data() + field.offset, field.length};
}

// Text up to the first NUL; the bytes after it must be NUL too (no hidden data).
Result<std::string> Text(const Block& block, Field field) {
  const std::string_view raw = Raw(block, field);
  const size_t end = std::min(raw.find('\0'), raw.size());
  if (!IsZero(raw.substr(end))) {
    return Error(std::string("field '") + field.name + "' has bytes after its end");
  }
  return std::string(raw.substr(0, end));
}

// Octal digits, then only NULs or spaces (as tar writers terminate them); all NULs is 0.
Result<uint64_t> Octal(const Block& block, Field field) {
  const std::string_view raw = Raw(block, field);
  uint64_t value = 0;
  size_t i = 0;
  for (; i < raw.size() && raw[i] >= '0' && raw[i] <= '7'; ++i) {
    if (value > (UINT64_MAX >> 3)) break;
    value = value * 8 + static_cast<uint64_t>(raw[i] - '0');
  }
  for (; i < raw.size(); ++i) {
    if (raw[i] != '\0' && raw[i] != ' ') {
      return Error(std::string("field '") + field.name + "' is not an octal number");
    }
  }
  return value;
}

// The header's checksum: its bytes summed with the checksum field as spaces.
uint64_t Checksum(const Block& block) {
  uint64_t sum = 0;
  for (size_t i = 0; i < kBlock; ++i) {
    const bool in_field = i >= kChecksum.offset && i < kChecksum.offset + kChecksum.length;
    sum += in_field ? ' ' : static_cast<unsigned char>(block[i]);
  }
  return sum;
}

std::pair<EntryKind, std::string> KindOf(char flag) {
  switch (flag) {
    case '0':
    case '\0':
      return {EntryKind::kRegular, EntryKindName(EntryKind::kRegular)};
    case '1':
      return {EntryKind::kHardlink, EntryKindName(EntryKind::kHardlink)};
    case '2':
      return {EntryKind::kSymlink, EntryKindName(EntryKind::kSymlink)};
    case '3':
    case '4':
      return {EntryKind::kDevice, EntryKindName(EntryKind::kDevice)};
    case '5':
      return {EntryKind::kDirectory, EntryKindName(EntryKind::kDirectory)};
    case '6':
      return {EntryKind::kOther, "fifo"};
    case 'x':
    case 'g':
      return {EntryKind::kOther, "pax extended header"};
    case 'L':
    case 'K':
      return {EntryKind::kOther, "GNU long-name header"};
    default:
      return {EntryKind::kOther,
              std::string("entry of tar type '") +
                  (flag >= 0x20 && flag < 0x7f ? std::string(1, flag) : std::to_string(flag)) +
                  "'"};
  }
}

std::string Where(const std::string& last_path) {
  return last_path.empty() ? "the first tar header"
                           : "the tar header after " + PrintableExcerpt(last_path, 255);
}

}  // namespace

Result<size_t> TarStreamReader::ReadFull(char* buffer, size_t size) {
  size_t done = 0;
  while (done < size) {
    auto n = input_.Read(buffer + done, size - done);
    if (!n) return n.error();
    if (*n == 0) break;
    done += *n;
  }
  return done;
}

Status TarStreamReader::CheckEnd() {
  Block block;
  auto n = ReadFull(block.data(), kBlock);
  if (!n) return n.error();
  if (*n < kBlock || !IsZero({block.data(), *n})) {
    return Error("the tar end-of-archive marker is one zero block, not two (damaged or appended)");
  }
  // What libarchive pads the last record with; anything else was never signed.
  for (;;) {
    const uint64_t offset = input_.output_bytes();
    n = ReadFull(block.data(), kBlock);
    if (!n) return n.error();
    if (*n == 0) return Ok();
    if (!IsZero({block.data(), *n})) {
      return Error("unsigned data after the tar end-of-archive marker (near byte " +
                   std::to_string(offset) + " of the tar stream)");
    }
    if (*n < kBlock) return Error("the tar stream does not end on a 512-byte block");
  }
}

Result<std::optional<TarMember>> TarStreamReader::Next() {
  if (current_) {
    if (auto skipped = ReadData([](std::string_view) {}); !skipped) return skipped.error();
  }
  Block block;
  auto n = ReadFull(block.data(), kBlock);
  if (!n) return n.error();
  if (*n == 0) {
    return Error(
        "the tar stream has no end-of-archive marker after " +
        (last_path_.empty() ? std::string("its start") : PrintableExcerpt(last_path_, 255)) +
        " (the archive was cut short)");
  }
  if (*n < kBlock) return Error(Where(last_path_) + " is truncated");
  if (IsZero({block.data(), kBlock})) {
    if (auto end = CheckEnd(); !end) return end.error();
    return std::optional<TarMember>();
  }
  const std::string where = Where(last_path_);
  auto fail = [&](const std::string& problem) { return Error(where + ": " + problem); };
  auto checksum = Octal(block, kChecksum);
  if (!checksum) return fail(checksum.error().message());
  if (*checksum != Checksum(block)) return fail("the header checksum does not match (damaged)");
  if (Raw(block, kMagic) != std::string_view("ustar\0", 6) || Raw(block, kVersion) != "00") {
    return fail("not a POSIX ustar header (ra2cert writes ustar only)");
  }
  if (!IsZero(std::string_view(block.data() + kHeaderEnd, kBlock - kHeaderEnd))) {
    return fail("bytes hidden after the header's fields");
  }
  for (const Field& field : {kMode, kUid, kGid, kMtime, kDevMajor, kDevMinor}) {
    if (auto value = Octal(block, field); !value) return fail(value.error().message());
  }
  auto size = Octal(block, kSize);
  if (!size) return fail(size.error().message());
  for (const Field& field : {kUname, kGname}) {
    if (auto text = Text(block, field); !text) return fail(text.error().message());
  }
  auto name = Text(block, kName);
  auto prefix = Text(block, kPrefix);
  auto link = Text(block, kLinkName);
  for (const auto* text : {&name, &prefix, &link}) {
    if (!*text) return fail(text->error().message());
  }
  TarMember member;
  member.path = prefix->empty() ? *name : *prefix + "/" + *name;
  std::tie(member.kind, member.kind_name) = KindOf(block[kTypeFlag]);
  member.link_target = *link;
  member.size = *size;
  if (member.kind == EntryKind::kRegular && !link->empty()) {
    return Error(PrintableExcerpt(member.path, 255) + ": a regular file with a link name ('" +
                 PrintableExcerpt(*link) + "')");
  }
  if (++members_ > limits_.max_entries) {
    return Error("the archive has more than " + std::to_string(limits_.max_entries) +
                 " members (the verifier's limit; a bundle holds one per case and a few more)");
  }
  if (member.size > limits_.max_entry_bytes) {
    return Error(PrintableExcerpt(member.path, 255) + ": " + std::to_string(member.size) +
                 " bytes, more than the " + std::to_string(limits_.max_entry_bytes) +
                 " a bundle member may hold (the verifier's limit)");
  }
  last_path_ = member.path;
  current_ = member;
  return std::optional<TarMember>(std::move(member));
}

Status TarStreamReader::ReadData(const std::function<void(std::string_view)>& sink) {
  if (!current_) return Ok();
  const TarMember member = std::move(*current_);
  current_.reset();
  const std::string name = PrintableExcerpt(member.path, 255);
  char buffer[64 * 1024];
  uint64_t left = member.size;
  while (left > 0) {
    auto n = ReadFull(buffer, static_cast<size_t>(std::min<uint64_t>(left, sizeof buffer)));
    if (!n) return n.error();
    if (*n == 0) {
      return Error(name + ": truncated: the archive ends after " +
                   std::to_string(member.size - left) + " of its " + std::to_string(member.size) +
                   " bytes");
    }
    sink(std::string_view(buffer, *n));
    left -= *n;
  }
  const size_t padding = (kBlock - member.size % kBlock) % kBlock;
  auto n = ReadFull(buffer, padding);
  if (!n) return n.error();
  if (*n < padding) return Error(name + ": truncated: the archive ends in its padding");
  if (!IsZero({buffer, padding})) {
    return Error(name + ": unsigned data in the tar padding after it");
  }
  return Ok();
}

}  // namespace ra2cert::bundle
