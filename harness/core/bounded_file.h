// Reading a file a user (or an untrusted party) named: only regular files, never more
// than a stated size, and an error that names the file and says what to do. A path may
// be a FIFO that blocks forever, a symlink to /dev/zero, a directory or a 7 GB log; none
// of those may hang or exhaust the harness.
#pragma once

#include <cstddef>
#include <string>

#include "harness/core/result.h"

namespace ra2cert {

// Limits for the kinds of file the harness reads; a larger file is refused, not truncated.
inline constexpr std::size_t kConfigFileLimit = 4u << 20;    // kubeconfig, run config, keys
inline constexpr std::size_t kResultsFileLimit = 64u << 20;  // results.json, declarations

// `what` says in the error what the file was for ("kubeconfig", "--config file").
// Errors carry code 2 (a usage or configuration error) so the CLI exits 2.
Result<std::string> ReadBoundedFile(const std::string& path, std::size_t limit,
                                    const std::string& what);

// Escapes bytes that are not printable UTF-8 text (control characters, invalid
// sequences) as \xNN so text taken from a file can be echoed in a message safely.
std::string PrintableExcerpt(const std::string& text, std::size_t max_chars = 80);

}  // namespace ra2cert
