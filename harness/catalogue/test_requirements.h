// For unit tests of the verdict rules and their reports: the built-in requirements with
// section 4.4 cut down to the four musts the tests are written around, so that a
// requirement added to suites/requirements.yaml does not change what they expect.
#pragma once

#include <algorithm>
#include <string>

#include "harness/catalogue/requirements.h"

namespace ra2cert {

inline const RequirementSet& TestRequirements() {
  static const RequirementSet set = [] {
    RequirementSet copy = BuiltinRequirements();
    std::erase_if(copy.requirements, [](const Requirement& r) {
      return r.section == "4.4" && r.id != "ra2.crt.001" && r.id != "ra2.crt.002" &&
             r.id != "draft.4.4.sandbox" && r.id != "sec.sys.021";
    });
    return copy;
  }();
  return set;
}

}  // namespace ra2cert
