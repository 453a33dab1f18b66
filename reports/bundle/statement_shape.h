// The in-toto statement inside a bundle's attestation must have exactly the shape
// bundle_writer.cc writes: the four statement fields, subjects of a name and a sha256
// digest, and the predicate's fields with their types. A statement signed by the right
// key but shaped otherwise was not written by ra2cert and is refused, never rendered.
#pragma once

#include <nlohmann/json.hpp>

#include "harness/core/result.h"

namespace ra2cert::bundle {

// Errors name the field by its path ("predicate.run.complete") and the type found.
Status CheckStatementShape(const nlohmann::json& statement);

}  // namespace ra2cert::bundle
