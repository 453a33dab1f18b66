// Credentials travel in HTTP headers: a CR or LF inside a token would end the header and
// start another one the kubeconfig's author (or a plugin) chose. Every credential and
// header value is checked before it is sent.
#pragma once

#include <string>

#include "harness/core/result.h"

namespace ra2cert::kube {

// Refuses control characters (below 0x20, and 0x7F) in `value`; `where` names the field.
// Errors carry code 2.
Status CheckHeaderValue(const std::string& value, const std::string& where);

// A token file's content as sent: one trailing newline ("\n" or "\r\n") is dropped, as
// editors and `echo` add one; anything else stays and is checked.
std::string TokenFromFile(std::string content);

}  // namespace ra2cert::kube
