// results.json: the machine-readable whole of a run (schema "ra2cert.results/v1"),
// the input of `ra2cert report`, `compare` and the bundle.
#pragma once

#include <nlohmann/json.hpp>

#include "harness/results/run_result.h"
#include "harness/results/verdicts.h"

namespace ra2cert {

nlohmann::json RenderResultsJson(const RunResult& run);
// Its "verdict" object. `blocking` lists the must requirements that keep the run from
// conformant ({id, status, reason}, verified-fail, then not-verified, then not-covered);
// `run_blockers` the rest (interrupted, nothing executed). Readers of files written before
// these fields and must_not_covered existed find them absent.
nlohmann::json RenderVerdictJson(const ConformanceSummary& summary);

}  // namespace ra2cert
