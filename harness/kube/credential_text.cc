#include "harness/kube/credential_text.h"

#include <cstdio>

namespace ra2cert::kube {

Status CheckHeaderValue(const std::string& value, const std::string& where) {
  for (std::size_t i = 0; i < value.size(); ++i) {
    const auto c = static_cast<unsigned char>(value[i]);
    if (c < 0x20 || c == 0x7F) {
      char shown[8];
      std::snprintf(shown, sizeof shown, "0x%02X", c);
      // The value is a secret: its position is named, never its content.
      return Error(where + ": contains the control character " + shown + " at byte " +
                       std::to_string(i + 1) +
                       "; a credential is sent in an HTTP header and must be one line of "
                       "printable text: remove it",
                   2);
    }
  }
  return Ok();
}

std::string TokenFromFile(std::string content) {
  if (!content.empty() && content.back() == '\n') {
    content.pop_back();
    if (!content.empty() && content.back() == '\r') content.pop_back();
  }
  return content;
}

}  // namespace ra2cert::kube
