// Reads a bundle's tar layer strictly, as a stream over the inflated bytes: POSIX ustar
// headers with valid checksums and no bytes hidden in their unused space, member data
// handed out in pieces (never held whole), zero padding after each member, then the two
// end-of-archive blocks and nothing but zeros to the end. ra2cert writes exactly this;
// anything else (pax or GNU headers, data after the end marker) could carry unsigned bytes.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "harness/core/result.h"
#include "reports/bundle/gzip_stream.h"
#include "reports/bundle/tar_archive.h"

namespace ra2cert::bundle {

struct TarMember {
  std::string path;
  EntryKind kind = EntryKind::kRegular;
  std::string kind_name;    // "symbolic link", "pax extended header", ...
  std::string link_target;  // links only
  uint64_t size = 0;
};

class TarStreamReader {
 public:
  TarStreamReader(GzipReader& input, const ReadLimits& limits) : input_(input), limits_(limits) {}

  // The next member's header; nullopt once the end-of-archive blocks, the zero padding
  // after them and the gzip trailer have all been checked. A member whose data was not
  // read is skipped (its bytes still checked against the limits).
  Result<std::optional<TarMember>> Next();
  // The current member's data, piece by piece, then its padding checked.
  Status ReadData(const std::function<void(std::string_view)>& sink);

 private:
  Result<size_t> ReadFull(char* buffer, size_t size);  // short only at the end
  Status CheckEnd();

  GzipReader& input_;
  ReadLimits limits_;
  size_t members_ = 0;
  std::optional<TarMember> current_;  // whose data is still unread
  std::string last_path_;             // for errors about what follows it
};

}  // namespace ra2cert::bundle
