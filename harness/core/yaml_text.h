// A gate in front of yaml-cpp for YAML that comes from outside (kubeconfigs, run configs,
// vendor declarations). Debian's yaml-cpp 0.7 does not defend itself: tests/fuzz found
// inputs of a few bytes (invalid UTF-8; a ',' where a document's root node starts, e.g.
// "'a' ,") on which it allocates without end and never returns. So the text must first be
// printable Unicode (YAML's own character set) and pass libyaml, the reference parser;
// what either refuses is reported with line and column and never reaches yaml-cpp.
#pragma once

#include <string>

#include "harness/core/result.h"

namespace ra2cert {

// Limits beyond which real files of these kinds never go; deeper nesting also exhausts
// yaml-cpp's recursive parser (stack overflow).
inline constexpr int kYamlMaxNesting = 64;
inline constexpr int kYamlMaxAliases = 1000;      // alias bombs ("billion laughs")
inline constexpr unsigned kYamlParseSeconds = 3;  // yaml-cpp in a child process

// `what` names the source in the error ("kubeconfig ~/.kube/config"); errors carry code 2.
Status CheckYamlText(const std::string& text, const std::string& what);

}  // namespace ra2cert
