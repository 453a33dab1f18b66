// Standard base64 (RFC 4648) through OpenSSL, which kubeconfig *-data fields and DSSE
// envelopes use.
#pragma once

#include <string>
#include <string_view>

#include "harness/core/result.h"

namespace ra2cert {

// Whitespace is ignored (kubeconfigs wrap long values); anything else invalid is an error.
Result<std::string> DecodeBase64(std::string_view text);
std::string EncodeBase64(std::string_view bytes);

}  // namespace ra2cert
