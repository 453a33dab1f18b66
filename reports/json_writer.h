// results.json: the machine-readable whole of a run (schema "ra2cert.results/v1"),
// the input of `ra2cert report`, `compare` and the bundle.
#pragma once

#include <nlohmann/json.hpp>

#include "harness/results/run_result.h"

namespace ra2cert {

nlohmann::json RenderResultsJson(const RunResult& run);

}  // namespace ra2cert
