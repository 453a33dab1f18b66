// The one rule for names inside a bundle, shared by the writer and the verifier: a
// relative path of plain components, nothing a tar extractor could be tricked with.
#pragma once

#include <string_view>

#include "harness/core/result.h"

namespace ra2cert::bundle {

// Refuses empty names, absolute paths, "." and ".." components, empty components ("a//b",
// a trailing "/"), backslashes, control characters and names over 255 bytes.
Status CheckMemberPath(std::string_view path);

}  // namespace ra2cert::bundle
